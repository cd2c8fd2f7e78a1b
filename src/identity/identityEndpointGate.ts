// How many requests this process sends to the managed identity endpoint, and how fast. IMDS takes "20
// requests per second and 5 concurrent requests (on a per VM basis)" for the Managed Identity category and
// answers 429 beyond (learn "Azure Instance Metadata Service", Rate limiting; the same figures in the
// managed identities FAQ). A cold report asks for every identity × audience at once, so every request to the
// endpoint — token requests of the SDK credentials (retries and DefaultAzureCredential's IMDS probe
// included), forced refreshes and the raw identity:endpoint check — waits here for its turn.
//
// One rule on deadlines, the same as shared in-flight work's: a request waits only as long as its caller
// does. A caller that gives up while its request waits leaves the queue, and the request is never sent; one
// that gives up while its request is out frees the slot at once (the request is aborted), so a hung endpoint
// cannot hold the queue for the next report.
import type { AbortSignalLike } from "../shared/sharedInFlight.js";

export interface IdentityEndpointLimits {
  /** Requests out at once (IMDS: 5). */
  readonly maxInFlight: number;
  /** Requests started in any one second (IMDS: 20). */
  readonly maxPerSecond: number;
}

export const imdsLimits: IdentityEndpointLimits = { maxInFlight: 5, maxPerSecond: 20 };

/** A request whose caller gave up before the limits let it start: it was never sent. */
export class RequestNotStartedError extends Error {
  override readonly name = "RequestNotStartedError";
  constructor(
    readonly waitedMs: number,
    readonly limits: IdentityEndpointLimits,
    readonly reason: unknown,
  ) {
    super(
      `The request to the managed identity endpoint was not sent: it waited ${Math.round(waitedMs)} ms for its turn ` +
        `(this process sends at most ${limits.maxInFlight} at once and ${limits.maxPerSecond} per second) and its caller gave up first.`,
      { cause: reason },
    );
  }
}

export interface GateRunOptions {
  /** The caller's deadline: the request waits and runs only while it has not aborted. */
  readonly abortSignal: AbortSignalLike;
  /** Called when the request leaves the queue and is sent. */
  readonly onStart?: () => void;
}

export interface IdentityEndpointGate {
  /** Runs `send` once a slot is free and the rate allows. `send`'s signal aborts when the caller gives up. */
  run<T>(send: (signal: AbortSignal) => Promise<T>, options: GateRunOptions): Promise<T>;
  readonly limits: IdentityEndpointLimits;
  /** Requests out now. */
  readonly inFlight: number;
  /** Requests waiting for their turn. */
  readonly waiting: number;
}

/**
 * A request counts toward the rate from when it leaves here until a second after its answer: the endpoint
 * counts it when it arrives, which is somewhere in between, so a request answered more than a second ago can
 * no longer be in the endpoint's last second, and one still out or answered since may be.
 */
const rateWindowMs = 1_000;

interface Waiter {
  readonly start: () => void;
}

interface Counted {
  /** When its answer came (or its caller gave up), in the clock's time; undefined while it is out. */
  endedAt: number | undefined;
}

export function createIdentityEndpointGate(
  limits: IdentityEndpointLimits,
  clock: () => number = () => performance.now(),
): IdentityEndpointGate {
  let inFlight = 0;
  const queue: Waiter[] = [];
  /** Requests that still count toward the rate, oldest first. */
  const counted: Counted[] = [];
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;

  function stillCounted(now: number): number {
    for (let index = counted.length - 1; index >= 0; index -= 1) {
      const endedAt = counted[index]?.endedAt;
      if (endedAt !== undefined && endedAt <= now - rateWindowMs) counted.splice(index, 1);
    }
    return counted.length;
  }

  /** Starts waiting requests, oldest first, while the limits allow; wakes itself when the rate holds one back. */
  function pump(): void {
    for (;;) {
      if (queue.length === 0 || inFlight >= limits.maxInFlight) return;
      const now = clock();
      if (stillCounted(now) >= limits.maxPerSecond) {
        // The earliest answer to leave the window frees the rate; a request still out frees it by answering.
        const ends = counted.flatMap((entry) => (entry.endedAt === undefined ? [] : [entry.endedAt]));
        if (ends.length > 0 && wakeTimer === undefined) {
          wakeTimer = setTimeout(
            () => {
              wakeTimer = undefined;
              pump();
            },
            Math.max(1, Math.min(...ends) + rateWindowMs - now),
          );
        }
        return;
      }
      const next = queue.shift();
      if (!next) return;
      inFlight += 1;
      next.start();
    }
  }

  return {
    limits,
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return queue.length;
    },
    run<T>(send: (signal: AbortSignal) => Promise<T>, { abortSignal, onStart }: GateRunOptions): Promise<T> {
      const reason = (): unknown => abortSignal.reason ?? new DOMException("The operation was aborted.", "AbortError");
      const queuedAt = clock();
      if (abortSignal.aborted) return Promise.reject(new RequestNotStartedError(0, limits, reason()));
      return new Promise<T>((resolve, reject) => {
        const controller = new AbortController();
        let phase: "waiting" | "running" | "done" = "waiting";
        const entry: Counted = { endedAt: undefined };
        const release = (): void => {
          if (phase !== "running") return;
          phase = "done";
          inFlight -= 1;
          entry.endedAt = clock();
          pump();
        };
        const onAbort = (): void => {
          if (phase === "waiting") {
            phase = "done";
            const index = queue.indexOf(waiter);
            if (index >= 0) queue.splice(index, 1);
            reject(new RequestNotStartedError(clock() - queuedAt, limits, reason()));
            return;
          }
          // Out and given up on: the slot is free now, and the request is cancelled.
          controller.abort(reason());
          release();
          reject(reason());
        };
        const waiter: Waiter = {
          start() {
            phase = "running";
            counted.push(entry);
            onStart?.();
            Promise.resolve()
              .then(() => send(controller.signal))
              .then(
                (value) => {
                  abortSignal.removeEventListener("abort", onAbort);
                  release();
                  resolve(value);
                },
                (error: unknown) => {
                  abortSignal.removeEventListener("abort", onAbort);
                  release();
                  reject(error);
                },
              );
          },
        };
        abortSignal.addEventListener("abort", onAbort, { once: true });
        queue.push(waiter);
        pump();
      });
    },
  };
}
