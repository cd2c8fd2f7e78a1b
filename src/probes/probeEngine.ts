// The probe engine: runs checks concurrently, each under a deadline through an abort signal, and always
// returns on time — a check whose dependency hangs is reported as timed out, whether or not the
// dependency ever honours the signal (getToken has no timeout of its own). Pure: no environment, no
// logging, no HTTP; the clock is injected.

import { getMaxListeners, setMaxListeners } from "node:events";
import { startDeadline } from "../shared/deadline.js";

export type Check<T> = (signal: AbortSignal) => Promise<T>;

export type CheckRun<T> =
  | { readonly kind: "success"; readonly value: T; readonly startedAt: number; readonly durationMs: number }
  | {
      readonly kind: "failure";
      readonly error: unknown;
      readonly timedOut: boolean;
      readonly startedAt: number;
      readonly durationMs: number;
    };

export interface RunChecksOptions {
  /** Deadline for each check, in milliseconds. */
  readonly timeoutMs: number;
  /** The caller's signal: aborting it ends every check now (reported as timed out). */
  readonly abortSignal?: AbortSignal;
  /** Milliseconds since the epoch; injected so tests control time. */
  readonly clock?: () => number;
}

export class CheckTimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`No answer within ${timeoutMs} ms.`);
  }
}

export async function runCheck<T>(check: Check<T>, options: RunChecksOptions): Promise<CheckRun<T>> {
  const clock = options.clock ?? Date.now;
  const deadline = startDeadline(options.timeoutMs, options.abortSignal);
  const { signal } = deadline;
  const startedAt = clock();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CheckTimeoutError(options.timeoutMs));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    // Promise.resolve().then(): a check that throws synchronously is a failure like any other.
    const value = await Promise.race([Promise.resolve().then(() => check(signal)), aborted]);
    return { kind: "success", value, startedAt, durationMs: clock() - startedAt };
  } catch (error) {
    return { kind: "failure", error, timedOut: signal.aborted, startedAt, durationMs: clock() - startedAt };
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    aborted.catch(() => undefined);
    deadline.dispose();
  }
}

/** Runs every check at once; the result keeps the checks' order. */
export function runChecks<T>(checks: readonly Check<T>[], options: RunChecksOptions): Promise<CheckRun<T>[]> {
  // Each check follows the caller's signal with a listener of its own: a report of 5 identities × 10 audiences
  // adds 50, which is by design, not the leak Node warns of beyond 10.
  const { abortSignal } = options;
  if (abortSignal) setMaxListeners(getMaxListeners(abortSignal) + checks.length, abortSignal);
  return Promise.all(checks.map((check) => runCheck(check, options)));
}
