// The one way concurrent callers share work: N simultaneous health requests cause one report, and one
// token request per identity and audience, not N (IMDS allows 20 requests/s and 5 at once).
//
// One deadline story: the shared work runs as long as at least one caller still waits for it. Each caller
// brings its own abort signal; when the last one gives up, the work's own signal aborts and the key is
// forgotten at once, so the next caller starts afresh instead of joining work that nobody wants (a hung
// identity endpoint must not hold back the next report for a minute).

/** What both DOM AbortSignals and the Azure SDK's AbortSignalLike provide. */
export interface AbortSignalLike {
  readonly aborted: boolean;
  readonly reason?: unknown;
  addEventListener(type: "abort", listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: "abort", listener: () => void): void;
}

export interface SharedInFlight<V> {
  /** Runs `work` unless work for `key` is under way, in which case this caller joins it. */
  run(key: string, work: (signal: AbortSignal) => Promise<V>, options?: { readonly abortSignal?: AbortSignalLike | undefined }): Promise<V>;
  /** How many keys have work under way. */
  readonly size: number;
}

interface Pending<V> {
  readonly result: Promise<V>;
  readonly controller: AbortController;
  waiting: number;
}

function abortReason(signal: AbortSignalLike): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

export function createSharedInFlight<V>(): SharedInFlight<V> {
  const pending = new Map<string, Pending<V>>();

  function forget(key: string, entry: Pending<V>): void {
    if (pending.get(key) === entry) pending.delete(key);
  }

  return {
    run(key, work, { abortSignal } = {}) {
      if (abortSignal?.aborted) return Promise.reject(abortReason(abortSignal));
      let entry = pending.get(key);
      if (!entry) {
        const controller = new AbortController();
        // Promise.resolve().then(): work that throws synchronously fails like any other.
        const result = Promise.resolve().then(() => work(controller.signal));
        const created: Pending<V> = { result, controller, waiting: 0 };
        result.then(
          () => forget(key, created),
          () => forget(key, created),
        );
        pending.set(key, created);
        entry = created;
      }
      const joined = entry;
      joined.waiting += 1;
      return new Promise<V>((resolve, reject) => {
        let isSettled = false;
        const leave = (): boolean => {
          if (isSettled) return false;
          isSettled = true;
          joined.waiting -= 1;
          abortSignal?.removeEventListener("abort", onAbort);
          return true;
        };
        const onAbort = (): void => {
          if (!leave() || !abortSignal) return;
          if (joined.waiting === 0) {
            forget(key, joined);
            joined.controller.abort(abortReason(abortSignal));
          }
          reject(abortReason(abortSignal));
        };
        abortSignal?.addEventListener("abort", onAbort, { once: true });
        joined.result.then(
          (value) => {
            if (leave()) resolve(value);
          },
          (error: unknown) => {
            if (leave()) reject(error);
          },
        );
      });
    },
    get size() {
      return pending.size;
    },
  };
}
