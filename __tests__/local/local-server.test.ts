/**
 * Runs the real inference_server.py with python3 on the fixture scripts: what a user of `target: local`
 * (and the Azure stand-in's emulated container) sees. Only 127.0.0.1; every request has a timeout.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import {
  LocalServerStartError,
  startLocalServer,
  type LocalServer,
  type LocalServerOptions
} from '../../src/local/local-server.js';
import { logsContaining, MODEL_DIR, request, scriptPath } from './support.js';

const RECORD = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} [A-Z] \[\d+\] azmlinfsrv[\w.]* - /;
const started: LocalServer[] = [];

async function start(script: string, options: Partial<LocalServerOptions> = {}): Promise<LocalServer> {
  const server = await startLocalServer({ modelDir: MODEL_DIR, entryScript: scriptPath(script), ...options });
  started.push(server);
  return server;
}

async function startFailure(script: string): Promise<LocalServerStartError> {
  try {
    const server = await start(script);
    throw new Error(`expected ${script} to fail, but the server started on ${server.port}`);
  } catch (error) {
    if (error instanceof LocalServerStartError) return error;
    throw error;
  }
}

afterEach(async () => {
  await Promise.all(started.splice(0).map(server => server.stop()));
});

describe('a healthy scoring script', () => {
  it('answers the liveness probe and returns the linear model’s predictions', async () => {
    const server = await start('healthy');

    const health = await request(`${server.url}/`);
    expect([health.status, health.body]).toEqual([200, 'Healthy']);
    const swagger = await request(`${server.url}/swagger.json`);
    expect(JSON.parse(swagger.body)).toMatchObject({ swagger: '2.0', paths: { '/score': { post: {} } } });

    // weights [2, -1, 0.5], bias 1: 2·1 − 1·2 + 0.5·3 + 1 = 2.5; 2·4 − 1·0 + 0.5·2 + 1 = 10
    const reply = await request(server.scoringUrl, {
      body: JSON.stringify({
        data: [
          [1, 2, 3],
          [4, 0, 2]
        ]
      })
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.headers['x-ms-run-function-failed']).toBe('False');
    expect(JSON.parse(reply.body)).toEqual({ predictions: [2.5, 10] });
  });

  it('resolves a relative entry script against the source directory, whose modules it can import', async () => {
    const server = await start('healthy', {
      entryScript: 'healthy.py',
      sourceDir: scriptPath('healthy').replace(/healthy\.py$/, '')
    });
    const reply = await request(server.scoringUrl, { body: '{"data": [[1, 1, 1]]}' });
    expect(JSON.parse(reply.body)).toEqual({ predictions: [2.5] });
  });

  it('logs in the real server’s format: banner, init lines, the user’s prints, one line a request', async () => {
    const lines: string[] = [];
    const server = await start('healthy', { onLog: line => lines.push(line) });
    await request(server.scoringUrl, { body: '{"data": [[0, 0, 0]]}' });
    await server.stop();

    expect(lines).toEqual(
      expect.arrayContaining(['Azure ML Inferencing HTTP server v1.5.1', 'Server Settings'])
    );
    expect(lines).toContain(`Entry Script Name: ${scriptPath('healthy')}`);
    expect(lines).toContain(`Model Directory: ${MODEL_DIR}`);
    const records = lines.filter(line => RECORD.test(line)).map(line => line.replace(RECORD, ''));
    expect(records).toEqual(
      expect.arrayContaining([
        "Invoking user's init function",
        'model loaded with 3 weights',
        "Users's init has completed successfully"
      ])
    );
    expect(records).toEqual(
      expect.arrayContaining([expect.stringMatching(/^POST \/score 200 \d+\.\d{3}ms 22$/)])
    );
    expect(records.some(r => r.startsWith('GET / '))).toBe(false); // the real server does not log probes
    expect(server.logs()).toEqual(lines);
  });

  it('answers 500 with the real server’s message when run() raises, and logs the traceback', async () => {
    const server = await start('healthy');
    const reply = await request(server.scoringUrl, { body: JSON.stringify({ data: [[1, 2]] }) });

    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({
      message: 'An unexpected error occurred in scoring script. Check the logs for more info.'
    });
    expect(reply.headers['x-ms-run-function-failed']).toBe('True');
    const log = await logsContaining(server, 'ValueError: expected 3 features, got 2');
    expect(log).toMatch(/azmlinfsrv - Encountered Exception: Traceback \(most recent call last\):/);
    expect(log).toContain('linear_math.py", line 6, in predict');
    expect(log).toContain('ValueError: expected 3 features, got 2');

    // The server keeps serving after a failed request.
    const next = await request(server.scoringUrl, { body: '{"data": [[0, 0, 0]]}' });
    expect(JSON.parse(next.body)).toEqual({ predictions: [1] });
  });

  it('JSON-encodes a str that run() returns, as the real server does (so json.dumps output arrives quoted)', async () => {
    const server = await start('returns_text');
    const reply = await request(server.scoringUrl, { body: '{"a": 1}' });
    expect(JSON.parse(reply.body)).toBe('{"echo": {"a": 1}}');
  });

  it('answers 500 "Scoring timeout" when run() overruns, then serves the next request', async () => {
    const server = await start('slow', { requestTimeoutMs: 300 });
    const began = Date.now();
    const reply = await request(server.scoringUrl, { body: '{"delay_ms": 6000}' });

    // Not a timing target: an answer before run() could have finished proves the timeout cut it short.
    expect(Date.now() - began).toBeLessThan(5500);
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Scoring timeout after 300 ms' });
    const log = await logsContaining(server, 'ScoringTimeout: Script failed');
    expect(log).toContain('slow.py", line');
    expect(log).toContain(
      'ScoringTimeout: Script failed to finish execution within the allocated time: 300ms'
    );

    const next = await request(server.scoringUrl, { body: '{"delay_ms": 10}' });
    expect([next.status, next.body]).toEqual([200, '{"slept_ms": 10}']);
  });
});

describe('a @rawhttp scoring script', () => {
  it('gets the request object and answers with its own status, body and headers', async () => {
    const server = await start('raw_http');
    const posted = await request(server.scoringUrl, { body: '{"values": [1, 2, 3]}' });
    expect([posted.status, posted.body, posted.headers['x-model']]).toEqual([200, '{"sum": 6}', 'adder']);

    const got = await request(server.scoringUrl);
    expect([got.status, got.body]).toEqual([405, 'only POST is supported']);
  });
});

describe('capacity', () => {
  it('rejects with 503 what exceeds max concurrency plus max queue', async () => {
    const server = await start('slow', { maxConcurrentRequests: 1, maxQueue: 1 });
    const burst = await Promise.all(
      Array.from({ length: 5 }, () => request(server.scoringUrl, { body: '{"delay_ms": 500}' }))
    );
    const statuses = burst.map(r => r.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503, 503]);
    const rejected = burst.find(r => r.status === 503)!;
    expect(JSON.parse(rejected.body).message).toMatch(/Too many requests/);
  });

  it('queues requests without a max queue, like a single sync worker', async () => {
    const server = await start('slow');
    const began = Date.now();
    const burst = await Promise.all(
      Array.from({ length: 3 }, () => request(server.scoringUrl, { body: '{"delay_ms": 200}' }))
    );
    expect(burst.map(r => r.status)).toEqual([200, 200, 200]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(600);
  });
});

describe('startup failures', () => {
  it('init() opening a file the model directory lacks: UserScriptInitFailed at the user’s line, listing, exit 3', async () => {
    const error = await startFailure('init_wrong_file');

    expect(error.exit?.code).toBe(3);
    expect(error.failure).toMatchObject({
      code: 'UserScriptInitFailed',
      exceptionType: 'FileNotFoundError',
      file: scriptPath('init_wrong_file'),
      line: 10,
      modelDir: MODEL_DIR,
      modelDirListing: [
        { path: 'linear.json', size: 45 },
        { path: 'meta/info.json', size: 52 }
      ],
      modelDirListingTruncated: false
    });
    expect(error.failure.message).toContain('model.pkl');
    expect(error.failure.traceback).toMatch(/^Traceback \(most recent call last\):/);
    expect(error.message).toContain(`${scriptPath('init_wrong_file')}:10`);
    const log = error.logs.join('\n');
    expect(log).toMatch(/E \[\d+\] azmlinfsrv - User's init function failed/);
    expect(log).toMatch(/I \[\d+\] azmlinfsrv - Model Directory Contents:/);
    expect(log).toMatch(/azmlinfsrv - {5}linear\.json/);
  });

  it('bounds the model directory listing to 200 entries', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'big-model-'));
    try {
      for (let i = 0; i < 205; i++)
        writeFileSync(path.join(modelDir, `shard-${String(i).padStart(3, '0')}.bin`), 'x');
      const error = await start('init_wrong_file', { modelDir }).then(
        () => undefined,
        (e: unknown) => e as LocalServerStartError
      );
      expect(error?.failure.modelDirListing).toHaveLength(200);
      expect(error?.failure.modelDirListing[0]).toEqual({ path: 'shard-000.bin', size: 1 });
      expect(error?.failure.modelDirListingTruncated).toBe(true);
      expect(error?.logs.join('\n')).toContain('Output Truncated. First 200 lines shown.');
    } finally {
      rmSync(modelDir, { recursive: true, force: true });
    }
  });

  it('a missing module: UserScriptImportError at the import line', async () => {
    const error = await startFailure('import_error');
    expect(error.exit?.code).toBe(3);
    expect(error.failure).toMatchObject({
      code: 'UserScriptImportError',
      exceptionType: 'ModuleNotFoundError',
      file: scriptPath('import_error'),
      line: 3
    });
    expect(error.failure.parsedTraceback?.exceptionMessage).toBe(
      "No module named 'sklearn_that_is_not_installed'"
    );
  });

  it('a syntax error: UserScriptImportError at the line Python points to', async () => {
    const error = await startFailure('syntax_error');
    expect(error.failure).toMatchObject({
      code: 'UserScriptImportError',
      exceptionType: 'SyntaxError',
      line: 5
    });
    expect(error.failure.file).toBe(scriptPath('syntax_error'));
  });

  it('no run(): UserScriptFunctionNotFound naming the function', async () => {
    const error = await startFailure('missing_run');
    expect(error.exit?.code).toBe(3);
    expect(error.failure).toMatchObject({
      code: 'UserScriptFunctionNotFound',
      function: 'run',
      file: scriptPath('missing_run')
    });
    expect(error.failure.message).toContain('does not have a run() function defined');
  });

  it('an entry script that does not exist: EntryScriptNotFound', async () => {
    const error = await startFailure('no_such_script');
    expect(error.failure.code).toBe('EntryScriptNotFound');
  });

  it('a Python that cannot be started: ServerExited with the reason', async () => {
    await expect(start('healthy', { python: '/nonexistent/python3' })).rejects.toMatchObject({
      failure: {
        code: 'ServerExited',
        message: expect.stringContaining('Could not start /nonexistent/python3')
      }
    });
  });
});

describe('stopping', () => {
  it('stops cleanly on SIGTERM', async () => {
    const server = await start('healthy');
    const exit = await server.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(server.logs()).toEqual(
      expect.arrayContaining([expect.stringMatching(/Received SIGTERM, shutting down$/)])
    );
  });
});
