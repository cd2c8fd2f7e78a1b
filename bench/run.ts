// `npm run bench`: measures the non-functional targets (DESIGN §7) as ratios within one run, so a slow or
// loaded machine slows both sides of each ratio alike. Prints one line per target and exits 1 if any is missed.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

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
export function runSample<T>(script: string, args: readonly string[], timeoutMs = 120_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(here, script), ...args], { cwd: projectRoot, stdio: ["ignore", "pipe", "inherit"] });
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

const benches: Record<string, () => Promise<TargetResult>> = { coldStart, reportConcurrency };

const selected = process.argv.slice(2);
const results: TargetResult[] = [];
for (const [name, bench] of Object.entries(benches)) {
  if (selected.length > 0 && !selected.includes(name)) continue;
  try {
    results.push(await bench());
  } catch (error) {
    results.push({ target: name, measured: `error: ${error instanceof Error ? error.message : String(error)}`, met: false });
  }
  const last = results[results.length - 1];
  if (last) console.log(`${last.met ? "MET   " : "MISSED"} ${last.target}: ${last.measured}`);
}
const missed = results.filter((result) => !result.met).length;
console.log(`targets: ${results.length - missed} met, ${missed} missed`);
process.exitCode = missed > 0 ? 1 : 0;
