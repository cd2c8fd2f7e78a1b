// A deadline for one piece of work that ends with the work: AbortSignal.timeout() keeps its timer, and
// AbortSignal.any() its links to the signals it follows, until they fire or are collected — for a report
// that is served hundreds of times a second, thousands of signals and timers alive for a minute each. This
// one is disposed of the moment the work ends.
import type { AbortSignalLike } from "./sharedInFlight.js";

export interface Deadline {
  /** Aborts after the timeout (a TimeoutError, as AbortSignal.timeout's) or when the parent aborts. */
  readonly signal: AbortSignal;
  /** Stops the timer and lets go of the parent: call it when the work is over, however it ended. */
  dispose(): void;
}

export function startDeadline(timeoutMs: number, parent?: AbortSignalLike): Deadline {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException("The operation was aborted due to timeout", "TimeoutError")), timeoutMs);
  // Like AbortSignal.timeout's, the timer alone does not keep the process running.
  timer.unref();
  const onParentAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener("abort", onParentAbort, { once: true });
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParentAbort);
    },
  };
}
