// A failed token request is remembered for a short while and answered from memory, so that repeated
// reports do not send it again: VM-token-doc's retry guidance asks for backoff on 404, 429 and 5xx, and IMDS
// throttles a machine that asks more than 20 times a second. The endpoint's Retry-After decides how long when
// it sends one; otherwise the memory setting does (30 s by default).

/** The answer of an earlier token request, given again instead of asking the endpoint. */
export class RememberedFailure extends Error {
  override readonly name = "RememberedFailure";
  constructor(
    /** What the endpoint (or the credential) answered then. */
    readonly original: unknown,
    /** When it answered, ms since the epoch. */
    readonly observedAt: number,
    /** When the next request may be sent, ms since the epoch. */
    readonly retryAt: number,
    /** Whether the endpoint asked for the wait itself (Retry-After). */
    readonly isRetryAfter: boolean,
    /** Whether this answer comes from memory (a later caller), not from the request that just failed. */
    readonly isRecalled = false,
  ) {
    super(original instanceof Error ? original.message : String(original), { cause: original });
  }

  /** The same failure with a better account of it (what the endpoint really answered, asked directly). */
  explainedBy(explanation: unknown): RememberedFailure {
    return new RememberedFailure(explanation, this.observedAt, this.retryAt, this.isRetryAfter, this.isRecalled);
  }

  /** The same failure, as a later caller gets it from memory. */
  recalled(): RememberedFailure {
    return new RememberedFailure(this.original, this.observedAt, this.retryAt, this.isRetryAfter, true);
  }
}

export interface FailureMemory {
  /** The remembered failure for `key` while it lasts. */
  recall(key: string, now: number): RememberedFailure | undefined;
  remember(
    key: string,
    error: unknown,
    options: { readonly now: number; readonly retryAfterSeconds: number | undefined },
  ): RememberedFailure;
  forget(key: string): void;
}

/** The longest wait a Retry-After may impose: a stuck header must not hide a recovered endpoint for long. */
const longestRetryAfterSeconds = 600;

export function createFailureMemory(memoryMs: number): FailureMemory {
  const failures = new Map<string, RememberedFailure>();
  return {
    recall(key, now) {
      const failure = failures.get(key);
      if (failure && now < failure.retryAt) return failure;
      if (failure) failures.delete(key);
      return undefined;
    },
    remember(key, error, { now, retryAfterSeconds }) {
      const isRetryAfter = retryAfterSeconds !== undefined && retryAfterSeconds > 0;
      const waitMs = isRetryAfter ? Math.min(retryAfterSeconds, longestRetryAfterSeconds) * 1000 : memoryMs;
      const failure = new RememberedFailure(error, now, now + waitMs, isRetryAfter);
      if (waitMs > 0) failures.set(key, failure);
      return failure;
    },
    forget(key) {
      failures.delete(key);
    },
  };
}
