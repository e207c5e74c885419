/**
 * Bounded concurrency: `mapLimit(items, n, fn)` runs `fn` on every item with
 * at most `n` calls in flight, and resolves with the results in input order
 * once all have settled. A rejection of `fn` rejects the whole call only
 * after every started call has settled (no work is left running behind the
 * caller's back); callers that want per-item failures catch inside `fn`.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
  const results: R[] = [];
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T, i);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) throw failed.error;
  return results;
}

/** A counting semaphore: at most `limit` holders at once, first come first served. */
export class Semaphore {
  readonly #limit: number;
  #held = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a positive integer, got ${limit}`);
    this.#limit = limit;
  }

  /** Run `fn` while holding one slot. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#held >= this.#limit) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    else this.#held++;
    try {
      return await fn();
    } finally {
      const wake = this.#waiting.shift();
      // The slot passes straight to the next waiter; otherwise it is freed.
      if (wake !== undefined) wake();
      else this.#held--;
    }
  }
}
