// `npm run bench`: measures the non-functional targets (DESIGN §7) as ratios within one run, so a slow or
// loaded machine slows both sides of each ratio alike. Prints one line per target and exits 1 if any is missed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { createLocalCa, writeTrustBundle } from "../local/localCa.js";

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

async function coldStart(): Promise<TargetResult> {
  const app: number[] = [];
  const eager: number[] = [];
  for (let round = 0; round < 7; round += 1) {
    app.push((await runSample<{ ms: number }>("coldStart.js", ["app"])).ms);
    eager.push((await runSample<{ ms: number }>("coldStart.js", ["eager"])).ms);
  }
  const ratio = median(app) / median(eager);
  return {
    target: "cold start: import + register ≤ 0.5 × eager SDK import",
    measured: `${median(app).toFixed(1)} ms vs ${median(eager).toFixed(1)} ms → ${ratio.toFixed(2)}×`,
    met: ratio <= 0.5,
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

interface StackResults {
  concurrentRequests: { statuses: number[]; maxTokenRequestsPerKey: number; keys: number };
  summaryCpu: { cpuMsPerRequest: number; requestsPerSecond: number };
  webPubSubLatency: { latenciesMs: number[] };
  quantumBell: { durationsMs: number[] };
}

/** The local stack in one child process, with NODE_EXTRA_CA_CERTS naming a CA made for this run. */
async function stackTargets(): Promise<TargetResult[]> {
  const dir = await mkdtemp(join(tmpdir(), "identity-probe-bench-"));
  try {
    const ca = await createLocalCa(dir);
    const bundle = await writeTrustBundle(ca, process.env.NODE_EXTRA_CA_CERTS, join(dir, "trust-bundle.pem"));
    const results = await runSample<StackResults>("stackBench.js", [], 300_000, {
      NODE_EXTRA_CA_CERTS: bundle,
      IDENTITY_PROBE_BENCH_CA_DIR: dir,
      // Nothing may reach for IMDS at 169.254.169.254: the stack gives the app its own endpoint.
      AZURE_POD_IDENTITY_AUTHORITY_HOST: "http://127.0.0.1:9",
      // Nor Resource Manager: the stack starts its own and names it.
      AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:9",
    });
    const latency = median(results.webPubSubLatency.latenciesMs);
    const bell = median(results.quantumBell.durationsMs);
    return [
      {
        target: "1000 concurrent health requests → ≤ 1 token request per identity and audience",
        measured: `${results.concurrentRequests.maxTokenRequestsPerKey} at most over ${results.concurrentRequests.keys} identity×audience pairs (HTTP ${results.concurrentRequests.statuses.join(",")})`,
        met:
          results.concurrentRequests.maxTokenRequestsPerKey <= 1 && results.concurrentRequests.statuses.every((status) => status === 200),
      },
      {
        target: "health summary with warm tokens < 2 ms CPU per request in the dev host under load",
        measured: `${results.summaryCpu.cpuMsPerRequest.toFixed(3)} ms CPU per request (${results.summaryCpu.requestsPerSecond.toFixed(0)} requests/s)`,
        met: results.summaryCpu.cpuMsPerRequest < 2,
      },
      {
        target: "POST /api/pubsub/messages → connected web-pubsub-client < 200 ms",
        measured: `median ${latency.toFixed(1)} ms, worst ${Math.max(...results.webPubSubLatency.latenciesMs).toFixed(1)} ms over ${results.webPubSubLatency.latenciesMs.length}`,
        met: latency < 200,
      },
      {
        target: "2-qubit Bell job from submit to Succeeded < 2 s",
        measured: `median ${bell.toFixed(0)} ms over ${results.quantumBell.durationsMs.length} jobs`,
        met: bell < 2000,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const benches: Record<string, () => Promise<TargetResult | TargetResult[]>> = { coldStart, reportConcurrency, stack: stackTargets };

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
