// `npm run bench`: measures the non-functional targets (DESIGN §7) as ratios within one run, each against a
// floor measured in the same run, so a slow or loaded machine slows both sides of each ratio alike. Prints one
// line per target and exits 1 if any is missed. `npm run bench -- coldStart history` runs only those.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createLocalCa, writeTrustBundle } from "../local/localCa.js";
import { writeFloorApp } from "./floorApp.js";

const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, "..", "..");

export interface TargetResult {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Runs a bench script in a fresh Node process and returns its last JSON line. */
export function runSample<T>(script: string, args: readonly string[], timeoutMs = 120_000, env: NodeJS.ProcessEnv = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), ...args], {
      cwd: projectRoot,
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${script} ${args.join(" ")} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.on("exit", (code) => {
      clearTimeout(timer);
      const last = output.trim().split("\n").pop() ?? "";
      if (code !== 0) reject(new Error(`${script} exited with ${code}: ${output.slice(-500)}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

/** Alternating fresh-process samples of the app's and the floor's cold start (bench/coldStart.ts). */
async function coldStart(): Promise<TargetResult> {
  const floorDir = await writeFloorApp(projectRoot);
  const app: number[] = [];
  const floor: number[] = [];
  // The schedule as Bicep sets it by default.
  const env = { IDENTITY_PROBE_SCHEDULE: "0 */5 * * * *" };
  for (let round = 0; round < 15; round += 1) {
    app.push((await runSample<{ wallMs: number }>("coldStart.js", ["app"], 60_000, env)).wallMs);
    floor.push((await runSample<{ wallMs: number }>("coldStart.js", ["floor", floorDir], 60_000, env)).wallMs);
  }
  const ratio = median(app) / median(floor);
  return {
    target: "cold start: import + register ≤ 1.3 × a bare @azure/functions app registering one HTTP function (both required as CommonJS)",
    measured: `${median(app).toFixed(1)} ms vs ${median(floor).toFixed(1)} ms → ${ratio.toFixed(2)}×`,
    met: ratio <= 1.3,
  };
}

async function reportConcurrency(): Promise<TargetResult> {
  const delayMs = 400;
  const ratios: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const sample = await runSample<{ elapsed: number; audiences: number }>("reportConcurrency.js", [String(delayMs)]);
    if (sample.audiences < 4) throw new Error("the report probed fewer than 4 audiences");
    ratios.push(sample.elapsed / delayMs);
  }
  const ratio = median(ratios);
  return {
    target: "report with 4 audiences of d ms each < 1.3·d",
    measured: `${(ratio * delayMs).toFixed(0)} ms for d = ${delayMs} ms → ${ratio.toFixed(2)}·d`,
    met: ratio < 1.3,
  };
}

async function imdsLimits(): Promise<TargetResult> {
  const sample = await runSample<{
    identities: number;
    audiences: number;
    checks: number;
    passing: number;
    requests: number;
    throttled: number;
    peakInFlight: number;
    elapsedMs: number;
  }>("imdsLimits.js", []);
  return {
    target:
      "IMDS's limits enforced (429 beyond 5 in flight or 20/s), 5 identities × 10 audiences from cold: ≤ 5 in flight, 0 throttled, every check passes",
    measured:
      `${sample.identities} × ${sample.audiences}: peak ${sample.peakInFlight} in flight (${(sample.peakInFlight / 5).toFixed(1)} of the limit), ` +
      `${sample.throttled} of ${sample.requests} requests throttled, ${sample.passing}/${sample.checks} checks pass, in ${(sample.elapsedMs / 1000).toFixed(1)} s`,
    met: sample.peakInFlight <= 5 && sample.throttled === 0 && sample.passing === sample.checks && sample.checks >= 55,
  };
}

/** A CA for a child that starts local servers, trusted by it through NODE_EXTRA_CA_CERTS. */
async function withLocalCa<T>(run: (env: NodeJS.ProcessEnv) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "identity-probe-bench-"));
  try {
    const ca = await createLocalCa(dir);
    const bundle = await writeTrustBundle(ca, process.env.NODE_EXTRA_CA_CERTS, join(dir, "trust-bundle.pem"));
    return await run({
      NODE_EXTRA_CA_CERTS: bundle,
      IDENTITY_PROBE_BENCH_CA_DIR: dir,
      // Nothing may reach for IMDS at 169.254.169.254: each bench gives the app its own endpoint.
      AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9",
      // Nor Resource Manager: the stack starts its own and names it.
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:9",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function history(): Promise<TargetResult> {
  const sample = await withLocalCa((env) =>
    runSample<{ runs: number; limit: number; listMs: number; floorMs: number }>("historyScale.js", [], 300_000, env),
  );
  const ratio = sample.listMs / sample.floorMs;
  return {
    target: "history limit=100 at 1,000 runs ≤ 1.5 × the GET-only floor (the same 100 reports fetched by name)",
    measured: `${sample.listMs.toFixed(0)} ms vs ${sample.floorMs.toFixed(0)} ms → ${ratio.toFixed(2)}×`,
    met: ratio <= 1.5,
  };
}

interface StackResults {
  concurrentRequests: { statuses: number[]; maxTokenRequestsPerKey: number; keys: number };
  summaryCpu: { summaryMs: number; helloMs: number; floorHelloMs: number };
  memory: { summaryRssMiB: number[]; floorRssMiB: number[] };
  webPubSubLatency: { latenciesMs: number[] };
  firstResponse: { detailsMs: number; floorMs: number };
}

/** The local stack in one child process, with NODE_EXTRA_CA_CERTS naming a CA made for this run. */
async function stackTargets(): Promise<TargetResult[]> {
  const results = await withLocalCa((env) => runSample<StackResults>("stackBench.js", [], 600_000, env));
  const cpuRatio = results.summaryCpu.summaryMs / results.summaryCpu.helloMs;
  const rss = results.memory.summaryRssMiB;
  const floorRss = results.memory.floorRssMiB;
  // RSS moves with the garbage collector's timing: each round is the median of its readings, the ratio compares
  // the middle round of each host, and flat means no upward trend, the last round within 10% of the first.
  const rssRatio = median(rss) / median(floorRss);
  const growth = (rss[rss.length - 1] ?? 0) / (rss[0] ?? 0);
  const firstRatio = results.firstResponse.detailsMs / results.firstResponse.floorMs;
  const latency = median(results.webPubSubLatency.latenciesMs);
  return [
    {
      target: "1000 concurrent health requests → ≤ 1 token request per identity and audience",
      measured: `${results.concurrentRequests.maxTokenRequestsPerKey} at most over ${results.concurrentRequests.keys} identity×audience pairs (HTTP ${results.concurrentRequests.statuses.join(",")})`,
      met: results.concurrentRequests.maxTokenRequestsPerKey <= 1 && results.concurrentRequests.statuses.every((status) => status === 200),
    },
    {
      target:
        "health summary CPU per request ≤ 1.5 × a hello function in the same dev host process (warm tokens, 20 at a time, median of 5 rounds of 2,000 after a warm-up round)",
      measured: `${results.summaryCpu.summaryMs.toFixed(3)} ms vs ${results.summaryCpu.helloMs.toFixed(3)} ms → ${cpuRatio.toFixed(2)}×`,
      met: cpuRatio <= 1.5,
    },
    {
      target: "(information, not a target) hello in the app's host vs hello in a bare app's host: what loading the app costs every request",
      measured: `${results.summaryCpu.helloMs.toFixed(3)} ms vs ${results.summaryCpu.floorHelloMs.toFixed(3)} ms → ${(results.summaryCpu.helloMs / results.summaryCpu.floorHelloMs).toFixed(2)}×`,
      met: true,
    },
    {
      target:
        "RSS over rounds of 10,000 summaries ≤ 1.5 × a bare app's host over rounds of 10,000 hellos (each round's median reading), and flat across 3 rounds (last ≤ first + 10%)",
      measured:
        `${rss.map((value) => value.toFixed(0)).join(" → ")} MiB vs ${floorRss.map((value) => value.toFixed(0)).join(" → ")} MiB → ` +
        `${rssRatio.toFixed(2)}×, last round ${growth >= 1 ? "+" : ""}${((growth - 1) * 100).toFixed(0)}% on the first`,
      met: rssRatio <= 1.5 && growth <= 1.1,
    },
    {
      target: "first /details of a cold process ≤ 1.5 × the floor's first response (framework + one token + one storage call)",
      measured: `${results.firstResponse.detailsMs.toFixed(0)} ms vs ${results.firstResponse.floorMs.toFixed(0)} ms → ${firstRatio.toFixed(2)}×`,
      met: firstRatio <= 1.5,
    },
    {
      target: "(information, not a target) POST /api/pubsub/messages → connected web-pubsub-client",
      measured: `median ${latency.toFixed(1)} ms, worst ${Math.max(...results.webPubSubLatency.latenciesMs).toFixed(1)} ms over ${results.webPubSubLatency.latenciesMs.length}`,
      met: true,
    },
  ];
}

const benches: Record<string, () => Promise<TargetResult | TargetResult[]>> = {
  imdsLimits,
  coldStart,
  reportConcurrency,
  history,
  stack: stackTargets,
};

const selected = process.argv.slice(2);
const results: TargetResult[] = [];
for (const [name, bench] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  let measured: TargetResult[];
  try {
    const outcome = await bench();
    measured = Array.isArray(outcome) ? outcome : [outcome];
  } catch (error) {
    measured = [{ target: name, measured: `error: ${error instanceof Error ? error.message : String(error)}`, met: false }];
  }
  for (const result of measured) console.log(`${result.met ? "MET   " : "MISSED"} ${result.target}: ${result.measured}`);
  results.push(...measured);
}
const missed = results.filter((result) => !result.met).length;
console.log(`targets: ${results.length - missed} met, ${missed} missed`);
process.exitCode = missed > 0 ? 1 : 0;
