import { describe, expect, it } from '@jest/globals';
import {
  CrashLoopDetector,
  waitUnlessCrashLooping,
  watchForCrashLoop,
  type CrashLoop
} from '../../src/ml/crash-loop-watch.js';

/**
 * What one start of the inference server writes when init() raises, as the stand-in's container (the local
 * inference server) and the real azmlinfsrv print it: banner, log records, the chained traceback.
 */
function crashingStart(second: number, pid: number, error = 'FileNotFoundError', line = 5): string[] {
  const at = `2026-11-25 12:00:${String(second).padStart(2, '0')},${pid % 1000}`;
  return [
    '',
    'Azure ML Inferencing HTTP server v1.5.1',
    '',
    'Server Settings',
    '---------------',
    'Entry Script Name: /var/azureml-app/src/score.py',
    `${at} I [${pid}] azmlinfsrv.user_script - Invoking user's init function`,
    `${at} E [${pid}] azmlinfsrv - User's init function failed`,
    `${at} E [${pid}] azmlinfsrv - Encountered Exception Traceback (most recent call last):`,
    '  File "/opt/server/inference_server.py", line 313, in init',
    '    self.module.init()',
    `  File "/var/azureml-app/src/score.py", line ${line}, in init`,
    '    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))',
    `${error}: [Errno 2] No such file or directory: '/var/azureml-models/m/1/linear.json'`,
    '',
    'The above exception was the direct cause of the following exception:',
    '',
    'Traceback (most recent call last):',
    '  File "/opt/server/inference_server.py", line 692, in main',
    '    script.init()',
    'StartupFailure: Caught an unhandled exception from the user script',
    `${at} I [${pid}] azmlinfsrv - Model Directory Contents:`,
    `AZUREML_LOCAL_FAILURE {"code": "UserScriptInitFailed", "pid": ${pid}}`
  ];
}

const restart = (n: number): string => `Back-off restarting failed container (restart ${n}, waiting 250 ms)`;
const log = (...parts: (string | string[])[]): string => parts.flat().join('\n');

describe('CrashLoopDetector', () => {
  it('says nothing after one crash, and recognises the second crash with the same traceback', () => {
    const detector = new CrashLoopDetector();
    expect(detector.observe(log(crashingStart(1, 101), restart(1)))).toBeUndefined();
    const text = log(crashingStart(1, 101), restart(1), crashingStart(2, 102), restart(2));
    const loop = detector.observe(text);
    expect(loop).toMatchObject({
      crashes: 2,
      serverLog: text,
      traceback: {
        exceptionType: 'FileNotFoundError',
        frames: [{}, { file: '/var/azureml-app/src/score.py', line: 5 }]
      }
    });
  });

  it('does not call two different tracebacks a loop', () => {
    const detector = new CrashLoopDetector();
    const text = log(crashingStart(1, 101), restart(1), crashingStart(2, 102, 'KeyError', 9), restart(2));
    expect(detector.observe(text)).toBeUndefined();
    // The third crash repeats the second: now it is a loop of two.
    const more = log(text, crashingStart(3, 103, 'KeyError', 9), restart(3));
    expect(detector.observe(more)).toMatchObject({ crashes: 2, traceback: { exceptionType: 'KeyError' } });
  });

  it('counts each crash once when polls read overlapping tails, and remembers crashes scrolled out', () => {
    const detector = new CrashLoopDetector();
    const first = log(crashingStart(1, 101), restart(1));
    expect(detector.observe(first)).toBeUndefined();
    expect(detector.observe(first)).toBeUndefined();
    // The tail has moved on: only the second crash is in it.
    expect(detector.observe(log(crashingStart(2, 102), restart(2)))).toMatchObject({ crashes: 2 });
  });

  it('counts the running container only once its log says start-up failed', () => {
    const detector = new CrashLoopDetector();
    const started = crashingStart(2, 102).slice(0, 9); // traceback header printed, failure not yet
    expect(detector.observe(log(crashingStart(1, 101), restart(1), started))).toBeUndefined();
    expect(detector.observe(log(crashingStart(1, 101), restart(1), crashingStart(2, 102)))).toMatchObject({
      crashes: 2
    });
  });

  it('takes the next container banner as the end of a crash when the log has no restart lines', () => {
    const detector = new CrashLoopDetector();
    const withoutEvents = (start: string[]): string[] =>
      start.filter(line => !line.startsWith('AZUREML_LOCAL'));
    const text = log(withoutEvents(crashingStart(1, 101)), withoutEvents(crashingStart(2, 102)));
    expect(detector.observe(text)).toMatchObject({ crashes: 2 });
  });

  it('ignores tracebacks of a server that keeps running (a run() exception is not a crash)', () => {
    const detector = new CrashLoopDetector();
    const serving = [
      '2026-11-25 12:00:01,000 I [7] azmlinfsrv - Scoring request',
      '2026-11-25 12:00:01,001 E [7] azmlinfsrv - Encountered Exception: Traceback (most recent call last):',
      '  File "/var/azureml-app/src/score.py", line 12, in run',
      'ValueError: bad input'
    ];
    expect(detector.observe(log(serving, serving))).toBeUndefined();
  });
});

/** A readLog that answers with the given logs in turn (the last one again once they run out). */
function logSequence(...answers: (string | Error)[]): {
  readLog: (tail: number) => Promise<string>;
  reads: number[];
} {
  const reads: number[] = [];
  return {
    reads,
    readLog: async tail => {
      const answer = answers[Math.min(reads.length, answers.length - 1)]!;
      reads.push(tail);
      if (answer instanceof Error) throw answer;
      return answer;
    }
  };
}

const oneCrash = log(crashingStart(1, 101), restart(1));
const twoCrashes = log(oneCrash, crashingStart(2, 102), restart(2));

describe('watchForCrashLoop', () => {
  it('reads the log tail until the same traceback shows twice, going on past a failed read', async () => {
    const errors: unknown[] = [];
    const { readLog, reads } = logSequence('', new Error('HTTP 503'), oneCrash, twoCrashes);
    const loop = await watchForCrashLoop({
      readLog,
      signal: new AbortController().signal,
      intervalMs: 1,
      tailLines: 300,
      onReadError: error => errors.push(error)
    });
    expect(loop?.crashes).toBe(2);
    expect(reads).toEqual([300, 300, 300, 300]);
    expect(errors).toEqual([new Error('HTTP 503')]);
  });

  it('ends without a verdict when stopped', async () => {
    const stop = new AbortController();
    const { readLog, reads } = logSequence(oneCrash);
    const watching = watchForCrashLoop({ readLog, signal: stop.signal, intervalMs: 1 });
    while (reads.length < 3) await new Promise(resolve => setTimeout(resolve, 1));
    stop.abort();
    expect(await watching).toBeUndefined();
  });
});

describe('waitUnlessCrashLooping', () => {
  /** An operation that, like an LRO poller, only ends when its signal aborts. */
  function endless(): { operation: (signal: AbortSignal) => Promise<string>; aborted: () => boolean } {
    let signal: AbortSignal | undefined;
    return {
      aborted: () => signal?.aborted ?? false,
      operation: s => {
        signal = s;
        return new Promise<string>((_, reject) =>
          s.addEventListener('abort', () => reject(new Error('aborted')))
        );
      }
    };
  }

  it('stops waiting for the operation and throws what onLoop makes of the loop', async () => {
    const { operation, aborted } = endless();
    const { readLog } = logSequence(oneCrash, twoCrashes);
    const seen: CrashLoop[] = [];
    await expect(
      waitUnlessCrashLooping(
        operation,
        { readLog, signal: new AbortController().signal, intervalMs: 1 },
        loop => {
          seen.push(loop);
          return new Error(`crashed ${loop.crashes} times`);
        }
      )
    ).rejects.toThrow('crashed 2 times');
    expect(aborted()).toBe(true);
    expect(seen[0]!.serverLog).toBe(twoCrashes);
  });

  it("returns the operation's result and stops reading the log once it settles", async () => {
    const { readLog, reads } = logSequence(oneCrash);
    let finish: (value: string) => void = () => undefined;
    const result = waitUnlessCrashLooping(
      () => new Promise<string>(resolve => (finish = resolve)),
      { readLog, signal: new AbortController().signal, intervalMs: 1 },
      () => new Error('no loop expected')
    );
    while (reads.length < 2) await new Promise(resolve => setTimeout(resolve, 1));
    finish('Succeeded');
    expect(await result).toBe('Succeeded');
    const readsAtEnd = reads.length;
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(reads.length).toBeLessThanOrEqual(readsAtEnd + 1);
  });

  it("passes on the operation's own failure (Azure's verdict came first)", async () => {
    const { readLog } = logSequence(oneCrash);
    await expect(
      waitUnlessCrashLooping(
        () => Promise.reject(new Error('ResourceNotReady')),
        { readLog, signal: new AbortController().signal, intervalMs: 1 },
        () => new Error('no loop expected')
      )
    ).rejects.toThrow('ResourceNotReady');
  });
});
