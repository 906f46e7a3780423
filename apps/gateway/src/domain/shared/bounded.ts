/**
 * Runs `work` for every item with at most `limit` running at once, and resolves (or rejects
 * with the first error) only once every started run has settled, so a caller that tracks the
 * work for shutdown never returns while some of it still runs. After a failure no further item
 * is started: the caller's whole unit of work fails and is redone.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure !== undefined) throw failure.error;
}
