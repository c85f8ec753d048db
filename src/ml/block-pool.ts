/**
 * A fixed set of equally sized buffers handed out one at a time. Uploads read each block into a buffer
 * from here and give it back once the block is stored, so memory is `count × size` however large or many
 * the files are — and waiting for a free buffer is what limits the blocks in flight.
 */
export class BlockPool {
  private readonly free: Buffer[] = [];
  private readonly waiting: Array<(buffer: Buffer) => void> = [];
  // Allocated lazily: a run that uploads one small file should not reserve the whole pool.
  private created = 0;

  constructor(
    readonly count: number,
    readonly size: number
  ) {
    if (count < 1 || size < 1)
      throw new RangeError('BlockPool needs at least one buffer of at least one byte.');
  }

  /** Resolves with a buffer as soon as one is free. */
  acquire(): Promise<Buffer> {
    const buffer = this.free.pop();
    if (buffer) return Promise.resolve(buffer);
    if (this.created < this.count) {
      this.created++;
      return Promise.resolve(Buffer.allocUnsafe(this.size));
    }
    return new Promise(resolve => this.waiting.push(resolve));
  }

  /** Returns a buffer; the longest waiter gets it. */
  release(buffer: Buffer): void {
    const next = this.waiting.shift();
    if (next) next(buffer);
    else this.free.push(buffer);
  }
}

/**
 * Runs `work` for every item with at most `limit` running at once; stops starting new items after the first
 * failure and rethrows it once the running ones have settled.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
