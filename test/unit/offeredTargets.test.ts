// The workspace's targets, read from Providers_List: kept for a while, read once for concurrent callers,
// never kept when the read failed, and never waited on past the read's own deadline.
import { describe, expect, it } from "vitest";
import type { ProviderStatus } from "../../src/services/quantum/jobDetails.js";
import { createOfferedTargets } from "../../src/services/quantum/offeredTargets.js";

const providers: ProviderStatus[] = [
  {
    id: "ionq",
    currentAvailability: "Available",
    targets: [
      { id: "ionq.simulator", currentAvailability: "Available" },
      { id: "ionq.qpu.aria-1", currentAvailability: "Degraded" },
    ],
  },
  { id: "quantinuum", currentAvailability: "Available", targets: [{ id: "quantinuum.sim.h1-1e", currentAvailability: "Available" }] },
];

function counting(read: (signal: AbortSignal) => Promise<ProviderStatus[]>): {
  readonly reads: () => number;
  readonly listProviderStatus: (options: { abortSignal: AbortSignal }) => Promise<ProviderStatus[]>;
} {
  let reads = 0;
  return {
    reads: () => reads,
    listProviderStatus: ({ abortSignal }) => {
      reads += 1;
      return read(abortSignal);
    },
  };
}

describe("the workspace's offered targets", () => {
  it("lists the targets of one provider, whatever the case of its ID", async () => {
    const offered = createOfferedTargets({ listProviderStatus: () => Promise.resolve(providers) });
    expect(await offered.targetsOf("IonQ")).toEqual(["ionq.simulator", "ionq.qpu.aria-1"]);
    expect(await offered.targetsOf("rigetti")).toEqual([]);
  });

  it("reads the list once for concurrent callers and keeps it until it expires", async () => {
    let now = 0;
    const source = counting(() => new Promise((resolve) => setTimeout(() => resolve(providers), 10)));
    const offered = createOfferedTargets({ listProviderStatus: source.listProviderStatus, ttlMs: 60_000, now: () => now });
    await Promise.all(Array.from({ length: 50 }, () => offered.targetsOf("ionq")));
    expect(source.reads()).toBe(1);
    now = 59_999;
    await offered.targetsOf("ionq");
    expect(source.reads()).toBe(1);
    now = 60_000;
    await offered.targetsOf("ionq");
    expect(source.reads()).toBe(2);
  });

  it("passes a failed read to the caller and asks again next time", async () => {
    let isFailing = true;
    const source = counting(() => (isFailing ? Promise.reject(new Error("403 from Providers_List")) : Promise.resolve(providers)));
    const offered = createOfferedTargets({ listProviderStatus: source.listProviderStatus });
    await expect(offered.targetsOf("ionq")).rejects.toThrow("403 from Providers_List");
    isFailing = false;
    expect(await offered.targetsOf("ionq")).toContain("ionq.simulator");
    expect(source.reads()).toBe(2);
  });

  it("gives up on a read that outlives its deadline, even when every caller would wait longer", async () => {
    const hang = (signal: AbortSignal): Promise<ProviderStatus[]> =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    const offered = createOfferedTargets({ listProviderStatus: counting(hang).listProviderStatus, readTimeoutMs: 50 });
    const started = Date.now();
    await expect(offered.targetsOf("ionq", { abortSignal: AbortSignal.timeout(60_000) })).rejects.toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("stops waiting when the caller gives up", async () => {
    const offered = createOfferedTargets({ listProviderStatus: () => new Promise<ProviderStatus[]>(() => undefined) });
    const controller = new AbortController();
    const waiting = offered.targetsOf("ionq", { abortSignal: controller.signal });
    controller.abort(new Error("caller gave up"));
    await expect(waiting).rejects.toThrow("caller gave up");
  });
});
