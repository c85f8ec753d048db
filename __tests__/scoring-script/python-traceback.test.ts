import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import {
  innermostFrameUnder,
  innermostUserFrame,
  parsePythonTraceback
} from '../../src/scoring-script/python-traceback.js';

const work = mkdtempSync(path.join(tmpdir(), 'traceback-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What this machine's python3 prints to stderr for `source`, run as `<work>/<name>`. */
function pythonStderr(name: string, source: string): string {
  const file = path.join(work, name);
  writeFileSync(file, source);
  return spawnSync('python3', [file], { encoding: 'utf8', timeout: 10_000 }).stderr;
}

describe('parsePythonTraceback on real python3 output', () => {
  it('reads a chained exception: the original cause first, with its frames and message', () => {
    const text = pythonStderr(
      'chained.py',
      [
        'import json',
        'def load(path):',
        '    with open(path) as f:',
        '        return json.load(f)',
        'def init():',
        '    try:',
        '        load("/nowhere/model.json")',
        '    except OSError as ex:',
        '        raise RuntimeError("model not loaded") from ex',
        'init()',
        ''
      ].join('\n')
    );
    const tb = parsePythonTraceback(text)!;
    const file = path.join(work, 'chained.py');

    expect(tb.exceptionType).toBe('FileNotFoundError');
    expect(tb.exceptionMessage).toBe("[Errno 2] No such file or directory: '/nowhere/model.json'");
    expect(tb.frames.map(f => [f.file, f.line, f.function])).toEqual([
      [file, 7, 'init'],
      [file, 3, 'load']
    ]);
    expect(tb.frames[1]!.code).toBe('with open(path) as f:');
    expect(tb.chain.map(b => b.exceptionType)).toEqual(['FileNotFoundError', 'RuntimeError']);
    expect(tb.chain[1]!.frames.map(f => f.line)).toEqual([10, 9]);
    expect(innermostFrameUnder(tb.frames, work)).toEqual(tb.frames[1]);
  });

  it('reads a SyntaxError, whose frame has no function', () => {
    pythonStderr('broken.py', 'import os\n\ndef run(x)\n    return x\n');
    // Importing it, as the server does, prints a traceback; running it directly would print none.
    const imported = parsePythonTraceback(
      pythonStderr('importer.py', `import sys\nsys.path.insert(0, ${JSON.stringify(work)})\nimport broken\n`)
    )!;
    expect(imported.exceptionType).toBe('SyntaxError');
    const last = imported.frames[imported.frames.length - 1]!;
    expect([last.file, last.line, last.function]).toEqual([path.join(work, 'broken.py'), 3, undefined]);
  });
});

describe('parsePythonTraceback on log text', () => {
  it('finds a traceback after a log prefix and stops at the next log record', () => {
    const text = [
      '2024-03-07 09:14:03,504 E [67] azmlinfsrv - Encountered Exception: Traceback (most recent call last):',
      '  File "/var/azureml-app/score.py", line 22, in run',
      '    return model.predict(data)',
      "KeyError: 'data'",
      '2024-03-07 09:14:03,505 I [67] azmlinfsrv - POST /score 500 3.112ms 92'
    ].join('\n');
    expect(parsePythonTraceback(text)).toMatchObject({
      exceptionType: 'KeyError',
      exceptionMessage: "'data'",
      frames: [
        { file: '/var/azureml-app/score.py', line: 22, function: 'run', code: 'return model.predict(data)' }
      ]
    });
  });

  it('skips the ^~~ markers of Python 3.11 and keeps dotted exception names', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/app/score.py", line 5, in init',
      '    model = load(path)',
      '            ^^^^^^^^^^',
      'azureml_inference_server_http.server.user_script.UserScriptException: Caught an unhandled exception'
    ].join('\n');
    const tb = parsePythonTraceback(text)!;
    expect(tb.frames[0]!.code).toBe('model = load(path)');
    expect(tb.exceptionType).toBe('azureml_inference_server_http.server.user_script.UserScriptException');
  });

  it('returns undefined when there is no traceback', () => {
    expect(parsePythonTraceback('all good\nno errors here')).toBeUndefined();
  });

  it('innermostUserFrame skips frozen, site-packages and server frames', () => {
    const frames = [
      { file: '/opt/runner/_actions/dist/inference_server.py', line: 1 },
      { file: '/app/score.py', line: 9 },
      { file: '<frozen importlib._bootstrap>', line: 241 },
      { file: '/env/lib/python3.9/site-packages/joblib/numpy_pickle.py', line: 650 }
    ];
    expect(innermostUserFrame(frames)).toEqual({ file: '/app/score.py', line: 9 });
  });
});
