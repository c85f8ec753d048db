/**
 * One deadline for the whole run (`timeout-minutes`). Every Azure call and every wait takes its signal,
 * so a run never outlives the budget the user gave it, and a cancelled run (SIGINT) stops the same way.
 */
export class DeadlineExceededError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeadlineExceededError';
  }
}

export class Deadline {
  readonly expiresAt: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private cancelReason: string | undefined;

  /** @param budgetMs how long the run may take from now. */
  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now
  ) {
    this.expiresAt = now() + budgetMs;
    this.timer = setTimeout(() => this.controller.abort(this.exceededError()), budgetMs);
    // The timer must not keep the process alive after the work is done.
    this.timer.unref();
  }

  /** Aborts when the deadline passes or the run is cancelled. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return Math.max(0, this.expiresAt - this.now());
  }

  /** Stops every wait now, e.g. on SIGINT, with the reason shown to the user. */
  cancel(reason: string): void {
    this.cancelReason = reason;
    this.controller.abort(new DeadlineExceededError(reason));
  }

  get cancelled(): string | undefined {
    return this.cancelReason;
  }

  /** Throws when a wait of `waitMs` would end after the deadline, naming what wanted to wait. */
  assertCanWait(waitMs: number, what: string): void {
    const remaining = this.remainingMs();
    if (waitMs > remaining) {
      throw new DeadlineExceededError(
        `${what} asked to wait ${formatDuration(waitMs)}, but only ${formatDuration(remaining)} remain of the ` +
          `run's ${formatDuration(this.budgetMs)} budget (input 'timeout-minutes'). Raise 'timeout-minutes' or re-run later.`
      );
    }
  }

  /** Sleeps `ms`, or fails at once when the sleep would cross the deadline. */
  async sleep(ms: number, what: string): Promise<void> {
    this.assertCanWait(ms, what);
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(this.signal.reason as Error);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Settles as `work` does; but once the deadline passes or the run is cancelled, rejects with that reason if
   * `work` has not settled `graceMs` later. Not every wait in the Azure SDK listens to the signal: an awaited
   * LRO poller (core-lro's `pollUntilDone()` called without options, as `await client.x.createOrUpdate(…)`
   * does) sleeps the whole `Retry-After` between polls — up to a minute on ARM — so a SIGINT would only be
   * noticed at the next poll, after the runner has killed the step. The grace lets work that does listen fail
   * first with its own, more precise error (which operation, which correlation id).
   */
  race<T>(work: Promise<T>, graceMs = 2000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let grace: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        grace = setTimeout(() => reject(this.signal.reason as Error), graceMs);
      };
      const settle = (): void => {
        clearTimeout(grace);
        this.signal.removeEventListener('abort', onAbort);
      };
      if (this.signal.aborted) onAbort();
      else this.signal.addEventListener('abort', onAbort, { once: true });
      work.then(
        value => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(error as Error);
        }
      );
    });
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private exceededError(): DeadlineExceededError {
    return new DeadlineExceededError(
      `The run reached its ${formatDuration(this.budgetMs)} budget (input 'timeout-minutes') and stopped waiting.`
    );
  }
}

/** `1.5 s`, `2 min 5 s`: durations as a person reads them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${Number(seconds.toFixed(1))} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
