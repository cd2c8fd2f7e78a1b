// Concurrent callers asking for the same thing share one piece of work: N simultaneous health requests
// cause one token request per identity and audience, not N (IMDS allows 20 requests/s and 5 at once).
export interface SharedInFlight<V> {
  /**
   * Runs `work` unless a call for `key` is already under way, in which case it joins that one. After
   * `deadlineMs` the shared call is given up (callers get a TimeoutError) and forgotten, so work that never
   * settles — a hung endpoint that ignores abort signals — cannot block the key forever.
   */
  run(key: string, work: () => Promise<V>, deadlineMs?: number): Promise<V>;
  readonly size: number;
}

export function createSharedInFlight<V>(): SharedInFlight<V> {
  const pending = new Map<string, Promise<V>>();
  return {
    run(key, work, deadlineMs) {
      const existing = pending.get(key);
      if (existing) return existing;
      const started = Promise.resolve().then(work);
      const promise = (deadlineMs === undefined ? started : awaitWithSignal(started, AbortSignal.timeout(deadlineMs))).finally(() => {
        if (pending.get(key) === promise) pending.delete(key);
      });
      started.catch(() => undefined);
      pending.set(key, promise);
      return promise;
    },
    get size() {
      return pending.size;
    },
  };
}

/** What both DOM AbortSignals and the Azure SDK's AbortSignalLike provide. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

/** Waits for `promise` but gives up when `signal` aborts, without cancelling the shared work. */
export function awaitWithSignal<T>(promise: Promise<T>, signal: AbortSignalLike | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason ?? new DOMException("aborted", "AbortError"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason ?? new DOMException("aborted", "AbortError"));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
