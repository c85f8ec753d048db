import { setTimeout as sleep } from 'node:timers/promises';
import type { PythonTraceback } from '../scoring-script/python-traceback.js';
import { crashesInLog, type Crash } from './crash-log.js';

/**
 * Watches a deployment's inference server while its create operation runs. Azure keeps a deployment whose
 * init() crashes in progress for a long time, restarting the container with back-off, before it reports
 * `ResourceNotReady`/`DeploymentCrashLoopBackOff`; the container log shows the reason after the first crash.
 */

/** Same traceback this many times: the crash is the script's, not a passing hiccup. */
export const CRASHES_FOR_A_LOOP = 2;
/** How often the log is read while waiting: a bounded rate of `getLogs` requests. */
export const WATCH_INTERVAL_MS = 2000;
/**
 * Lines of the log read each time. One crash of the inference server writes about 50 (banner, settings,
 * traceback); this holds several, so two crashes between polls are both seen.
 */
export const WATCH_TAIL_LINES = 400;

/** The server crashed again and again with the same traceback. */
export interface CrashLoop {
  crashes: number;
  traceback: PythonTraceback;
  /** The log read when the loop was recognised: it holds the traceback, for the diagnosis and annotation. */
  serverLog: string;
}

/**
 * Remembers the crashes seen across polls (each once, by its key) and says when the latest one has the same
 * traceback as enough earlier ones.
 */
export class CrashLoopDetector {
  readonly #seen = new Map<string, Crash>();

  constructor(private readonly threshold = CRASHES_FOR_A_LOOP) {}

  /** Takes one read of the log; returns the loop once the latest crash repeats `threshold` times. */
  observe(log: string): CrashLoop | undefined {
    const crashes = crashesInLog(log);
    // A later read of the same crash replaces the earlier one: that may have caught the traceback half-written.
    for (const crash of crashes) this.#seen.set(crash.key, crash);
    const latest = crashes[crashes.length - 1];
    if (!latest) return undefined;
    const same = [...this.#seen.values()].filter(crash => crash.signature === latest.signature).length;
    if (same < this.threshold) return undefined;
    return { crashes: same, traceback: latest.traceback, serverLog: log };
  }
}

/** What the watch needs: a way to read the log tail, the pace, and when to stop. */
export interface CrashLoopWatchOptions {
  /** Reads the last `tail` lines of the inference server log. */
  readLog(tail: number): Promise<string>;
  /** Stops the watch: the operation settled, or the run is cancelled or out of time. */
  signal: AbortSignal;
  intervalMs?: number;
  tailLines?: number;
  threshold?: number;
  /** Told about a log read that failed; the watch goes on (the logs only help, the operation decides). */
  onReadError?(error: unknown): void;
}

/**
 * Polls the log every `intervalMs` until a crash loop shows (resolves with it) or `signal` aborts (resolves
 * undefined). Never rejects: a watch must not turn a deployment that would succeed into a failure.
 */
export async function watchForCrashLoop(options: CrashLoopWatchOptions): Promise<CrashLoop | undefined> {
  const detector = new CrashLoopDetector(options.threshold);
  const interval = options.intervalMs ?? WATCH_INTERVAL_MS;
  while (!options.signal.aborted) {
    try {
      await sleep(interval, undefined, { signal: options.signal });
    } catch {
      return undefined;
    }
    let log: string;
    try {
      log = await options.readLog(options.tailLines ?? WATCH_TAIL_LINES);
    } catch (error) {
      if (!options.signal.aborted) options.onReadError?.(error);
      continue;
    }
    const loop = detector.observe(log);
    if (loop && !options.signal.aborted) return loop;
  }
  return undefined;
}

type Outcome<T> = { kind: 'done'; value: T } | { kind: 'loop'; loop: CrashLoop };

/**
 * Runs `operation` (given an abort signal it must honour) while watching for a crash loop. When one shows
 * first, the operation's wait is aborted (the work in Azure goes on) and `onLoop` says what to throw.
 */
export async function waitUnlessCrashLooping<T>(
  operation: (signal: AbortSignal) => Promise<T>,
  watch: Omit<CrashLoopWatchOptions, 'signal'> & { signal: AbortSignal },
  onLoop: (loop: CrashLoop) => Error
): Promise<T> {
  const stopWatching = new AbortController();
  const stopWaiting = new AbortController();
  const operationSignal = AbortSignal.any([watch.signal, stopWaiting.signal]);
  const watching = watchForCrashLoop({
    ...watch,
    signal: AbortSignal.any([watch.signal, stopWatching.signal])
  });
  const waiting = operation(operationSignal);
  try {
    const done: Promise<Outcome<T>> = waiting.then(value => ({ kind: 'done', value }));
    const looped: Promise<Outcome<T>> = watching.then(loop => (loop ? { kind: 'loop', loop } : done));
    const first = await Promise.race([done, looped]);
    if (first.kind === 'done') return first.value;
    stopWaiting.abort(new Error('A crash loop was recognised; the action stopped waiting.'));
    // The aborted wait rejects; that rejection is expected and carries nothing new.
    waiting.catch(() => undefined);
    throw onLoop(first.loop);
  } finally {
    stopWatching.abort();
  }
}
