/**
 * startLocalServer's launch options: the official `azmlinfsrv` launcher (here a stand-in script that records
 * its arguments and environment, then serves with the built-in server, which accepts the same flags), and
 * aborting a start that is still in init().
 */
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  inferenceServerScriptPath,
  LocalServerStartError,
  startLocalServer,
  type LocalServer
} from '../../src/local/local-server.js';
import { FIXTURES, MODEL_DIR, request } from './support.js';

const root = mkdtempSync(path.join(tmpdir(), 'local-server-launch-'));
const started: LocalServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map(server => server.stop()));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An `azmlinfsrv` that writes its arguments and two variables to `calls.log`, then serves. */
function launcher(): { command: string; calls: () => string } {
  const command = path.join(root, 'azmlinfsrv');
  const log = path.join(root, 'calls.log');
  writeFileSync(
    command,
    `#!/bin/sh\necho "$@ AML_APP_ROOT=$AML_APP_ROOT SCORING_TIMEOUT_MS=$SCORING_TIMEOUT_MS" >> "${log}"\nexec python3 -u "${inferenceServerScriptPath()}" "$@"\n`
  );
  chmodSync(command, 0o755);
  return { command, calls: () => readFileSync(log, 'utf8') };
}

describe('inference server: azmlinfsrv', () => {
  it('runs the launcher with its own flags on a free port and serves the script', async () => {
    const { command, calls } = launcher();
    const sourceDir = path.join(FIXTURES, 'scripts');
    const server = await startLocalServer({
      modelDir: MODEL_DIR,
      entryScript: 'healthy.py',
      sourceDir,
      azmlinfsrv: command,
      requestTimeoutMs: 4000
    });
    started.push(server);
    expect(calls().trim()).toBe(
      `--entry_script ${path.join(sourceDir, 'healthy.py')} --model_dir ${MODEL_DIR} --port ${server.port} AML_APP_ROOT=${sourceDir} SCORING_TIMEOUT_MS=4000`
    );
    const reply = await request(server.scoringUrl, { body: JSON.stringify({ data: [[1, 2, 3]] }) });
    expect(reply.status).toBe(200);
  });

  it('reports a launcher that cannot start', async () => {
    const error = await startLocalServer({
      modelDir: MODEL_DIR,
      entryScript: 'healthy.py',
      sourceDir: path.join(FIXTURES, 'scripts'),
      azmlinfsrv: path.join(root, 'no-such-azmlinfsrv')
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LocalServerStartError);
    expect((error as LocalServerStartError).failure.message).toMatch(
      /^Could not start .*no-such-azmlinfsrv: /
    );
  });
});

describe('abort', () => {
  it('stops a server still in init() and rejects with the reason', async () => {
    const slowInit = path.join(root, 'slow_init.py');
    writeFileSync(
      slowInit,
      'import time\n\n\ndef init():\n    time.sleep(30)\n\n\ndef run(raw):\n    return raw\n'
    );
    const controller = new AbortController();
    const starting = startLocalServer({
      modelDir: MODEL_DIR,
      entryScript: slowInit,
      signal: controller.signal
    });
    setTimeout(() => controller.abort(new Error('deadline reached')), 300);
    // Without the abort, init() would end and the start resolve: the rejection is the abort's.
    await expect(starting).rejects.toThrow('deadline reached');
  });
});
