/**
 * `target: local`: dist/index.js runs the deployment on the runner with the local inference server — no
 * Azure inputs at all, no stand-in. What a user sees: the step's outputs, annotations and job summary.
 */
import { describe, expect, it } from '@jest/globals';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inferenceServerScriptPath } from '../../src/local/local-server.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const FILES = { 'endpoint-file': 'deploy/endpoint.yml', 'deployment-file': 'deploy/deployment.yml' };
/** init() of the fixture's score.py opens the model at the wrong place: line 5 of this script. */
const BROKEN_INIT =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';

/** A fresh copy of the fixture repository, with a sample request and its expected answer. */
function checkout(): string {
  const workspace = mkdtempSync(join(tmpdir(), 'local-target-'));
  cpSync(FIXTURE, workspace, { recursive: true });
  mkdirSync(join(workspace, 'samples'));
  writeFileSync(join(workspace, 'samples', 'row.json'), JSON.stringify({ data: [[1, 2, 3]] }));
  return workspace;
}

function runLocal(workspace: string, inputs: Record<string, string> = {}, path?: string): Promise<ActionRun> {
  return runAction({
    inputs: { target: 'local', ...FILES, 'timeout-minutes': '2', ...inputs },
    workspace,
    ...(path ? { env: { PATH: path } } : {}),
    killAfterMs: 60_000
  });
}

function stageStatuses(run: ActionRun): string[] {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; status: string }[];
  return stages.map(stage => `${stage.name}: ${stage.status}`);
}

describe('target: local (dist/index.js on the runner, no Azure)', () => {
  it('serves a working score.py on the runner and passes the health check, with no Azure input', async () => {
    const workspace = checkout();
    const run = await runLocal(workspace, {
      'sample-request': 'samples/row.json',
      'expected-response': '{"predictions": [2.5]}'
    });
    expect(run.stderr).toBe('');
    expect([run.exitCode, run.outputs.status, run.outputs['failed-stage']]).toEqual([0, 'succeeded', '']);
    // Neither sign-in nor a resource group: the run never talks to Azure.
    expect(stageStatuses(run)).toEqual(['local: succeeded']);
    expect(run.outputs.healthy).toBe('true');
    expect(JSON.parse(run.outputs['health-report']!)).toMatchObject({
      healthy: true,
      target: 'the local server'
    });
    expect(run.summary).toContain('### Local deployment on the runner');
    expect(run.summary).toContain('| Scoring script | `src/score.py` |');
    expect(run.summary).toMatch(/\| init\(\) \| ✅ succeeded in \d+ ms \|/);
    // The script's own log lines are in the step log, as the container log would be.
    expect(run.visibleLog).toContain("Users's init has completed successfully");
    expect(run.annotations.filter(a => a.level === 'error')).toEqual([]);
  });

  it('a broken init() fails the step with the traceback annotated on the script line', async () => {
    const workspace = checkout();
    writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_INIT);
    const run = await runLocal(workspace);
    expect([run.exitCode, run.outputs.status, run.outputs['failed-stage']]).toEqual([1, 'failed', 'local']);
    const annotation = run.annotations.find(a => a.properties.file === 'src/score.py');
    expect(annotation).toMatchObject({
      level: 'error',
      properties: { title: 'scoring script init() failed', line: '5' }
    });
    expect(annotation!.message).toMatch(
      /^init\(\) raised on the runner: FileNotFoundError: .*linear\.json.*\(src\/score\.py:5\)/
    );
    expect(annotation!.message).toContain('$AZUREML_MODEL_DIR/model/');
    // The failure is the user's code, not the action's: no "defect" wording.
    expect(run.visibleLog).not.toMatch(/defect in the action/);
    // The summary shows the traceback and what the model folder held.
    expect(run.summary).toContain('Traceback (most recent call last)');
    expect(run.summary).toContain('$AZUREML_MODEL_DIR/model/linear.json');
    expect(run.summary).toContain('❌ failed (see the findings)');
  });

  it('a run() that raises fails the health check, with healthy=false and the line of run() annotated', async () => {
    const workspace = checkout();
    const script = join(workspace, 'src', 'score.py');
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace('json.loads(raw_data)["data"]', 'json.loads(raw_data)["rows"]')
    );
    const line =
      readFileSync(script, 'utf8')
        .split('\n')
        .findIndex(l => l.includes('["rows"]')) + 1;
    const run = await runLocal(workspace, { 'sample-request': 'samples/row.json' });
    expect([run.exitCode, run.outputs['failed-stage'], run.outputs.healthy]).toEqual([1, 'local', 'false']);
    const annotation = run.annotations.find(a => a.level === 'error' && a.properties.file === 'src/score.py');
    expect(annotation?.properties.line).toBe(String(line));
    expect(annotation?.message).toContain("KeyError: 'rows'");
    expect(run.visibleLog).not.toMatch(/defect in the action/);
  });

  it('a package missing on the runner fails a local run (the runner is the environment)', async () => {
    const workspace = checkout();
    const script = join(workspace, 'src', 'score.py');
    writeFileSync(script, `import not_installed_pkg\n${readFileSync(script, 'utf8')}`);
    const run = await runLocal(workspace);
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'local']);
    expect(run.annotations.find(a => a.properties.file === 'src/score.py')).toMatchObject({
      level: 'error',
      properties: { title: "package 'not_installed_pkg' is not installed on the runner", line: '1' }
    });
  });

  it('needs Azure inputs only when a template is deployed too', async () => {
    const workspace = checkout();
    writeFileSync(join(workspace, 'main.json'), JSON.stringify({ resources: [] }));
    const run = await runLocal(workspace, { template: 'main.json' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    const inputs = run.annotations
      .filter(a => a.properties.title === 'Invalid configuration')
      .map(a => a.message);
    expect(inputs).toEqual([
      expect.stringMatching(/^input 'subscription-id': is required/),
      expect.stringMatching(/^input 'resource-group': is required/)
    ]);
  });

  it('inference-server: azmlinfsrv that is not installed is a configuration problem naming the pip command', async () => {
    // The runner's PATH has python3 but no azmlinfsrv.
    const run = await runLocal(checkout(), { 'inference-server': 'azmlinfsrv' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    expect(run.annotations.map(a => a.message)).toContainEqual(
      expect.stringMatching(
        /^input 'inference-server': is 'azmlinfsrv', but azmlinfsrv .* is not on PATH\..*pip install azureml-inference-server-http/
      )
    );
  });

  it('inference-server: azmlinfsrv runs the launcher found on PATH with its own flags', async () => {
    const bin = fakeAzmlinfsrv();
    const run = await runLocal(
      checkout(),
      { 'inference-server': 'azmlinfsrv', 'sample-request': 'samples/row.json' },
      `${bin}:${process.env.PATH ?? ''}`
    );
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([0, '']);
    expect(run.visibleLog).toContain('official inference server (azmlinfsrv)');
    expect(readFileSync(join(bin, 'calls.log'), 'utf8')).toMatch(
      /^--entry_script \S+\/src\/score\.py --model_dir \S+ --port \d+$/m
    );
    expect(run.outputs.healthy).toBe('true');
  });
});

/**
 * A stand-in for the pip-installed `azmlinfsrv` launcher: it records its arguments and serves with the
 * built-in server, which accepts the official server's `--entry_script`/`--model_dir`/`--port` flags.
 */
function fakeAzmlinfsrv(): string {
  const bin = mkdtempSync(join(tmpdir(), 'azmlinfsrv-bin-'));
  const launcher = join(bin, 'azmlinfsrv');
  writeFileSync(
    launcher,
    `#!/bin/sh\necho "$@" >> "${join(bin, 'calls.log')}"\nexec python3 -u "${inferenceServerScriptPath()}" "$@"\n`
  );
  chmodSync(launcher, 0o755);
  return bin;
}
