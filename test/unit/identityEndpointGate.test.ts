import { afterEach, describe, expect, it, vi } from "vitest";
import { createIdentityEndpointGate, RequestNotStartedError } from "../../src/identity/identityEndpointGate.js";

interface Pending {
  readonly signal: AbortSignal;
  finish(): void;
}

/** A send that stays out until the test finishes it, recording every request sent. */
function recorder() {
  const sent: Pending[] = [];
  const send = (signal: AbortSignal): Promise<string> =>
    new Promise((resolve) => {
      sent.push({ signal, finish: () => resolve("answered") });
    });
  return { sent, send };
}

const never = (): AbortSignal => new AbortController().signal;

describe("the identity-endpoint gate", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("keeps at most the limit in flight and sends the rest in order as slots free", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 5, maxPerSecond: 1000 });
    const { sent, send } = recorder();
    const order: number[] = [];
    const runs = Array.from({ length: 12 }, (_, index) => gate.run(send, { abortSignal: never(), onStart: () => order.push(index) }));
    await Promise.resolve();
    expect(sent).toHaveLength(5);
    expect(gate.waiting).toBe(7);
    sent[0]?.finish();
    sent[1]?.finish();
    await runs[1];
    expect(sent).toHaveLength(7);
    expect(gate.inFlight).toBe(5);
    for (let index = 0; index < 12; index += 1) {
      sent[index]?.finish();
      await runs[index];
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(gate.inFlight).toBe(0);
  });

  it("starts at most the limit per second, counted until a second after each answer", async () => {
    vi.useFakeTimers();
    const gate = createIdentityEndpointGate({ maxInFlight: 100, maxPerSecond: 20 }, () => Date.now());
    const starts: number[] = [];
    const runs = Array.from({ length: 45 }, () =>
      gate.run(async () => "answered", { abortSignal: never(), onStart: () => starts.push(Date.now()) }),
    );
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(999);
    expect(starts).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts).toHaveLength(40);
    await vi.advanceTimersByTimeAsync(1_000);
    await Promise.all(runs);
    expect(starts).toHaveLength(45);
    // No window of one second holds more than 20 starts.
    for (const start of starts) expect(starts.filter((other) => other >= start && other < start + 1_000).length).toBeLessThanOrEqual(20);
    expect(Math.max(...starts) - t0).toBeGreaterThanOrEqual(2_000);
  });

  it("counts a slow request toward the rate until a second after its answer, however long ago it left", async () => {
    vi.useFakeTimers();
    const gate = createIdentityEndpointGate({ maxInFlight: 100, maxPerSecond: 2 }, () => Date.now());
    const { sent, send } = recorder();
    const slow = [gate.run(send, { abortSignal: never() }), gate.run(send, { abortSignal: never() })];
    const third = gate.run(send, { abortSignal: never() });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(2);
    sent[0]?.finish();
    await slow[0];
    // Answered just now: it may have reached the endpoint just now too.
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(3);
    sent[1]?.finish();
    sent[2]?.finish();
    await Promise.all([...slow, third]);
  });

  it("never sends a request whose caller gave up while it waited, and says so", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 1, maxPerSecond: 1000 });
    const { sent, send } = recorder();
    const first = gate.run(send, { abortSignal: never() });
    const controller = new AbortController();
    const second = gate.run(send, { abortSignal: controller.signal });
    controller.abort(new DOMException("deadline", "TimeoutError"));
    await expect(second).rejects.toBeInstanceOf(RequestNotStartedError);
    await expect(second).rejects.toThrow(/at most 1 at once and 1000 per second/);
    sent[0]?.finish();
    await first;
    expect(sent).toHaveLength(1);
    expect(gate.waiting).toBe(0);
  });

  it("frees the slot at once when the caller of a request in flight gives up, and aborts the request", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 1, maxPerSecond: 1000 });
    const { sent, send } = recorder();
    const controller = new AbortController();
    const hung = gate.run(send, { abortSignal: controller.signal });
    const next = gate.run(send, { abortSignal: never() });
    await Promise.resolve();
    expect(sent).toHaveLength(1);
    controller.abort(new DOMException("deadline", "TimeoutError"));
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });
    expect(sent[0]?.signal.aborted).toBe(true);
    await Promise.resolve();
    expect(sent).toHaveLength(2);
    sent[1]?.finish();
    await expect(next).resolves.toBe("answered");
    // The hung request's late answer does not free a second slot.
    sent[0]?.finish();
    expect(gate.inFlight).toBe(0);
  });

  it("refuses a caller whose deadline has already passed without sending anything", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 5, maxPerSecond: 20 });
    const { sent, send } = recorder();
    await expect(gate.run(send, { abortSignal: AbortSignal.abort() })).rejects.toBeInstanceOf(RequestNotStartedError);
    expect(sent).toHaveLength(0);
  });

  it("passes a failed request's error on and frees its slot", async () => {
    const gate = createIdentityEndpointGate({ maxInFlight: 1, maxPerSecond: 1000 });
    await expect(gate.run(() => Promise.reject(new Error("refused")), { abortSignal: never() })).rejects.toThrow("refused");
    expect(gate.inFlight).toBe(0);
    await expect(gate.run(async () => "ok", { abortSignal: never() })).resolves.toBe("ok");
  });
});
