/**
 * Preflight (input `preflight`, on by default for cloud targets when python3 is on PATH): dist/index.js runs
 * the scoring script on the runner before anything is uploaded to the stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AzureStandIn } from '../../emulator/stand-in.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-preflight';
const WS = 'ws-preflight';
const FILES = { 'endpoint-file': 'deploy/endpoint.yml', 'deployment-file': 'deploy/deployment.yml' };
/** init() opens the model at the wrong place, on line 5. */
const BROKEN_INIT =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';

function stageStatuses(run: ActionRun): string[] {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; status: string }[];
  return stages.map(stage => `${stage.name}: ${stage.status}`);
}

describe('preflight (dist/index.js against the stand-in)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  /** Packages only the stand-in's "cloud image" has: on its PYTHONPATH, not on the action's. */
  const cloudOnlyPackages = mkdtempSync(join(tmpdir(), 'cloud-site-packages-'));

  beforeAll(async () => {
    mkdirSync(join(cloudOnlyPackages, 'cloudonlylib'));
    writeFileSync(join(cloudOnlyPackages, 'cloudonlylib', '__init__.py'), 'FACTOR = 1\n');
    // The stand-in runs its containers' python3 with this process's PYTHONPATH; runAction does not pass it on.
    process.env.PYTHONPATH = cloudOnlyPackages;
    standIn = await startMlStandIn(RG, WS);
    emulator = standIn.emulator;
  });
  afterAll(async () => {
    await standIn?.stop();
    delete process.env.PYTHONPATH;
  });

  function checkout(): string {
    const workspace = mkdtempSync(join(tmpdir(), 'preflight-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    mkdirSync(join(workspace, 'samples'));
    writeFileSync(join(workspace, 'samples', 'row.json'), JSON.stringify({ data: [[1, 2, 3]] }));
    return workspace;
  }

  function deploy(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'timeout-minutes': '3',
        ...FILES,
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace
    });
  }

  it('catches a broken init() before any request to the stand-in, annotated on the line', async () => {
    const workspace = checkout();
    writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_INIT);
    emulator.requestLog.clear();
    const run = await deploy(workspace);
    expect([run.exitCode, run.outputs.status, run.outputs['failed-stage']]).toEqual([
      1,
      'failed',
      'preflight'
    ]);
    expect(stageStatuses(run).slice(0, 3)).toEqual([
      'preflight: failed',
      'sign-in: not run',
      'resource-group: not run'
    ]);
    // Nothing was written to Azure; preflight comes before sign-in, so nothing was asked at all.
    expect(emulator.requestLog.writes()).toEqual([]);
    expect(emulator.requestLog.entries().filter(e => e.service === 'arm' || e.service === 'blob')).toEqual(
      []
    );
    const annotation = run.annotations.find(a => a.properties.file === 'src/score.py');
    expect(annotation).toMatchObject({
      level: 'error',
      properties: { title: 'Preflight: scoring script init() failed', line: '5' }
    });
    expect(annotation!.message).toMatch(
      /^init\(\) raised on the runner \(preflight\), before anything was uploaded: FileNotFoundError: .*linear\.json/
    );
    expect(run.summary).toContain('### Preflight on the runner');
    expect(run.visibleLog).not.toMatch(/defect in the action/);
  });

  it('catches a run() that raises on the sample request, at its line, before any write', async () => {
    const workspace = checkout();
    const script = join(workspace, 'src', 'score.py');
    writeFileSync(
      script,
      readFileSync(script, 'utf8').replace(
        'rows = json.loads(raw_data)["data"]',
        'rows = json.loads(raw_data)["rows"]'
      )
    );
    const line =
      readFileSync(script, 'utf8')
        .split('\n')
        .findIndex(l => l.includes('["rows"]')) + 1;
    emulator.requestLog.clear();
    const run = await deploy(workspace, { 'sample-request': 'samples/row.json' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'preflight']);
    expect(emulator.requestLog.writes()).toEqual([]);
    const annotation = run.annotations.find(a => a.properties.file === 'src/score.py');
    expect(annotation).toMatchObject({
      level: 'error',
      properties: { title: 'Preflight: run() failed on the sample request', line: String(line) }
    });
    expect(annotation!.message).toContain("KeyError: 'rows'");
    expect(run.summary).toMatch(/\| Sample request \| `samples\/row\.json` → 500 in \d+ ms \|/);
  });

  it('a third-party package missing on the runner is a warning; the deployment goes on and succeeds', async () => {
    const workspace = checkout();
    const script = join(workspace, 'src', 'score.py');
    writeFileSync(script, `import cloudonlylib\n${readFileSync(script, 'utf8')}`);
    const run = await deploy(workspace, { 'sample-request': 'samples/row.json' });
    expect(run.stderr).toBe('');
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([0, '']);
    expect(stageStatuses(run)).toEqual(
      expect.arrayContaining(['preflight: succeeded', 'deployment: succeeded', 'traffic: succeeded'])
    );
    const warning = run.annotations.find(a => a.properties.file === 'src/score.py');
    expect(warning).toMatchObject({
      level: 'warning',
      properties: { title: "Preflight: package 'cloudonlylib' is not installed on the runner", line: '1' }
    });
    expect(warning!.message).toContain('The deployment goes on');
    expect(run.annotations.filter(a => a.level === 'error')).toEqual([]);
    expect(run.summary).toContain('⚠️ could not run on the runner: a package or a GPU is missing');
    expect(run.outputs.healthy).toBe('true');
  });

  it('a working script passes preflight (init() and the sample) and is then deployed', async () => {
    const workspace = checkout();
    const run = await deploy(workspace, {
      'sample-request': 'samples/row.json',
      'endpoint-name': 'linear-ok'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([0, '']);
    expect(stageStatuses(run)[0]).toBe('preflight: succeeded');
    expect(run.summary).toMatch(/\| init\(\) \| ✅ succeeded in \d+ ms \|/);
    expect(run.summary).toMatch(/\| Sample request \| `samples\/row\.json` → 200 in \d+ ms \|/);
  });

  it('preflight: false leaves it out', async () => {
    const workspace = checkout();
    writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_INIT);
    const run = await deploy(workspace, {
      preflight: 'false',
      'endpoint-name': 'linear-nopre',
      'timeout-minutes': '1'
    });
    expect(stageStatuses(run)[0]).toBe('sign-in: succeeded');
    // Without preflight, the broken script is found the slow way: in the cloud deployment.
    expect(run.outputs['failed-stage']).toBe('deployment');
  });
});
