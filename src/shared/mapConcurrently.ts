// Runs an operation over many items with at most `concurrency` at once, keeping the items' order in the
// result: a history read of 100 reports is 100 GETs, and a burst of 100 at once would be its own small load
// spike on the storage account and on the app's sockets.

export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, operation: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  // One iterator shared by the workers: each takes the next item when it is free.
  const pending = items.entries();
  const worker = async (): Promise<void> => {
    for (const [index, item] of pending) results[index] = await operation(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
