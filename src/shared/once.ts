// A lazily loaded module or value, loaded at most once at a time.

/** Loads once; a load that failed (a broken deployment) is tried again on the next call rather than cached. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load();
    loaded.catch(() => {
      loaded = undefined;
    });
    return loaded;
  };
}
