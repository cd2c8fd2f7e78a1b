import { describe, expect, it } from "vitest";
import { runCheck, runChecks } from "../../src/probes/probeEngine.js";

describe("probe engine", () => {
  it("reports a check that never settles as timed out, on time", async () => {
    const started = Date.now();
    const run = await runCheck(() => new Promise<never>(() => undefined), { timeoutMs: 200 });
    expect(run.kind).toBe("failure");
    expect(run.kind === "failure" && run.timedOut).toBe(true);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("runs checks concurrently and keeps their order", async () => {
    const delays = [150, 10, 80];
    const started = Date.now();
    const runs = await runChecks(
      delays.map((delay, index) => () => new Promise<number>((resolve) => setTimeout(() => resolve(index), delay))),
      { timeoutMs: 5_000 },
    );
    expect(runs.map((run) => run.kind === "success" && run.value)).toEqual([0, 1, 2]);
    // Sequential would take 240 ms; concurrent takes about the longest (150 ms). Generous margin for a loaded machine.
    expect(Date.now() - started).toBeLessThan(240 + 1_000);
  });

  it("turns a synchronous throw into a failure", async () => {
    const run = await runCheck(
      () => {
        throw new Error("sync");
      },
      { timeoutMs: 1_000 },
    );
    expect(run).toMatchObject({ kind: "failure", timedOut: false });
  });

  it("passes the deadline to the check as an abort signal", async () => {
    let sawAbort = false;
    await runCheck(
      (signal) =>
        new Promise<void>((_, reject) => {
          signal.addEventListener("abort", () => {
            sawAbort = true;
            reject(signal.reason);
          });
        }),
      { timeoutMs: 50 },
    );
    expect(sawAbort).toBe(true);
  });

  it("measures durations with the injected clock", async () => {
    let now = 1_000;
    const run = await runCheck(
      async () => {
        now += 42;
        return "ok";
      },
      { timeoutMs: 1_000, clock: () => now },
    );
    expect(run).toMatchObject({ kind: "success", durationMs: 42, startedAt: 1_000 });
  });
});
