import { describe, expect, it } from "vitest";
import { createSharedInFlight } from "../../src/shared/sharedInFlight.js";

const later = <T>(value: T, ms: number): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe("shared in-flight work", () => {
  it("runs the work once for concurrent callers of the same key, and again once it is done", async () => {
    const shared = createSharedInFlight<number>();
    let calls = 0;
    const work = () => later(++calls, 20);
    const results = await Promise.all(Array.from({ length: 1_000 }, () => shared.run("k", work)));
    expect(calls).toBe(1);
    expect(new Set(results)).toEqual(new Set([1]));
    expect(shared.size).toBe(0);
    await shared.run("k", work);
    expect(calls).toBe(2);
  });

  it("lets one caller give up without failing the others, and keeps the work running for them", async () => {
    const shared = createSharedInFlight<string>();
    let workSignal: AbortSignal | undefined;
    const work = (signal: AbortSignal) => {
      workSignal = signal;
      return later("done", 50);
    };
    const controller = new AbortController();
    const quitter = shared.run("k", work, { abortSignal: controller.signal });
    const patient = shared.run("k", work, { abortSignal: new AbortController().signal });
    controller.abort(new Error("gave up"));
    await expect(quitter).rejects.toThrow("gave up");
    await expect(patient).resolves.toBe("done");
    expect(workSignal?.aborted).toBe(false);
  });

  it("aborts the work and forgets the key when the last caller gives up, so the next caller starts afresh", async () => {
    const shared = createSharedInFlight<string>();
    const signals: AbortSignal[] = [];
    const hang = (signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>(() => undefined);
    };
    const first = shared.run("k", hang, { abortSignal: AbortSignal.timeout(30) });
    const second = shared.run("k", hang, { abortSignal: AbortSignal.timeout(40) });
    await expect(first).rejects.toMatchObject({ name: "TimeoutError" });
    expect(signals[0]?.aborted).toBe(false);
    await expect(second).rejects.toMatchObject({ name: "TimeoutError" });
    expect(signals[0]?.aborted).toBe(true);
    expect(shared.size).toBe(0);
    // A hung request does not hold the key: the next caller gets new work at once.
    await expect(shared.run("k", () => later("fresh", 5))).resolves.toBe("fresh");
    expect(signals).toHaveLength(1);
  });

  it("refuses a caller whose signal has already aborted without starting work", async () => {
    const shared = createSharedInFlight<string>();
    let calls = 0;
    await expect(
      shared.run(
        "k",
        async () => {
          calls += 1;
          return "x";
        },
        { abortSignal: AbortSignal.abort(new Error("too late")) },
      ),
    ).rejects.toThrow("too late");
    expect(calls).toBe(0);
  });

  it("fails every caller with the work's error, and a synchronous throw is a failure like any other", async () => {
    const shared = createSharedInFlight<string>();
    const work = (): Promise<string> => {
      throw new Error("broken");
    };
    const results = await Promise.allSettled([shared.run("k", work), shared.run("k", work)]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    expect(shared.size).toBe(0);
  });
});
