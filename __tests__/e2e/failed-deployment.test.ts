import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AzureStandIn } from '../../emulator/stand-in.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-failed-deployment';
const WS = 'ws-failed-deployment';
/** init() opens a file the model does not have (it is at model/linear.json): line 5 raises. */
const BROKEN_SCORE_PY =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';

/**
 * What a failure leaves behind. A new deployment that failed has 0% traffic but bills while it exists: by
 * default (`failed-deployment: delete`) the action deletes it once its logs are read; `keep` leaves it with a
 * warning (crash-loop.test.ts). And `preflight: strict` stops a run whose sample answer is wrong on the runner.
 */
describe('failed deployments and strict preflight (dist/index.js against the stand-in)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  let ml: AzureMachineLearningWorkspaces;

  beforeAll(async () => {
    // A crash loop Azure would keep retrying for a minute: the action stops at the second crash.
    standIn = await startMlStandIn(RG, WS, { knobs: { mlCrashLoopWindowMs: 60_000 } });
    ({ emulator, ml } = standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  function checkout(scorePy?: string): string {
    const workspace = mkdtempSync(join(tmpdir(), 'failed-deployment-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    if (scorePy) writeFileSync(join(workspace, 'src', 'score.py'), scorePy);
    mkdirSync(join(workspace, 'samples'));
    writeFileSync(join(workspace, 'samples', 'row.json'), JSON.stringify({ data: [[1, 2, 3]] }));
    return workspace;
  }

  function deploy(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'endpoint-file': 'deploy/endpoint.yml',
        'deployment-file': 'deploy/deployment.yml',
        'timeout-minutes': '3',
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace
    });
  }

  it('deletes a crash-looping new deployment by default, after its logs are in the summary', async () => {
    emulator.requestLog.clear();
    const run = await deploy(checkout(BROKEN_SCORE_PY), {
      'endpoint-name': 'failed-del',
      preflight: 'false'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const name = run.outputs['deployment-name']!;
    expect(name).toMatch(/^\w+-[0-9a-f]{8}$/);

    // The evidence is in the summary: the traceback on the script's line.
    expect(run.summary).toMatch(/FileNotFoundError: .*\(src\/score\.py line 5, in init\)/);
    expect(run.summary).toContain(`Deployment \`${name}\` failed: deleted after its logs were read`);
    expect(run.annotations.filter(a => /left behind/.test(a.properties.title ?? ''))).toEqual([]);

    // The logs were read before the deletion was sent.
    const requests = emulator.requestLog.entries().map(e => `${e.method} ${e.path}`);
    const lastLogRead = Math.max(...requests.map((r, i) => (/\/getLogs$/i.test(r) ? i : -1)));
    const deletion = requests.findIndex(r => r.startsWith('DELETE ') && r.endsWith(`/deployments/${name}`));
    expect(lastLogRead).toBeGreaterThan(-1);
    expect(deletion).toBeGreaterThan(lastLogRead);

    const left: string[] = [];
    for await (const deployment of ml.onlineDeployments.list(RG, WS, 'failed-del'))
      left.push(deployment.name!);
    expect(left).toEqual([]);
  });

  it('deletes a new deployment that failed the health gate, never the one that serves', async () => {
    const workspace = checkout();
    const gate = { 'endpoint-name': 'gate-ep', preflight: 'false', 'sample-request': 'samples/row.json' };
    const first = await deploy(workspace, gate);
    expect(first.exitCode).toBe(0);
    const serving = first.outputs['deployment-name']!;
    const traffic = async () => (await ml.onlineEndpoints.get(RG, WS, 'gate-ep')).properties.traffic;
    const names = async () => {
      const found: string[] = [];
      for await (const deployment of ml.onlineDeployments.list(RG, WS, 'gate-ep'))
        found.push(deployment.name!);
      return found.sort();
    };
    expect(await traffic()).toEqual({ [serving]: 100 });

    // The same content with an answer it cannot give: the serving deployment fails the gate, and stays.
    const wrong = { ...gate, 'expected-response': '{"predictions": [-1]}' };
    const same = await deploy(workspace, wrong);
    expect([same.exitCode, same.outputs['failed-stage'], same.outputs.healthy]).toEqual([
      1,
      'health',
      'false'
    ]);
    expect(await names()).toEqual([serving]);
    expect(same.summary).not.toContain('deleted after its logs were read');

    // New content, the same wrong expectation: the new deployment is deleted, traffic never moved.
    writeFileSync(
      join(workspace, 'src', 'score.py'),
      `# changed\n${readFileSync(join(workspace, 'src', 'score.py'), 'utf8')}`
    );
    const changed = await deploy(workspace, wrong);
    expect([changed.exitCode, changed.outputs['failed-stage']]).toEqual([1, 'health']);
    const failedName = changed.outputs['deployment-name']!;
    expect(failedName).not.toBe(serving);
    expect(changed.summary).toContain(
      `Deployment \`${failedName}\` failed the health gate: deleted after its logs were read`
    );
    expect(await names()).toEqual([serving]);
    expect(await traffic()).toEqual({ [serving]: 100 });
  });

  it("'preflight: strict' stops the run when the sample's answer differs on the runner; nothing is written", async () => {
    emulator.requestLog.clear();
    const run = await deploy(checkout(), {
      'endpoint-name': 'strict-ep',
      preflight: 'strict',
      'sample-request': 'samples/row.json',
      'expected-response': '{"predictions": [-1]}'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'preflight']);
    const error = run.annotations.find(
      a => a.level === 'error' && a.properties.title?.startsWith('Preflight')
    );
    expect(error?.message).toContain("With 'preflight: strict' the run stops here");
    expect(emulator.requestLog.writes()).toEqual([]);
  });
});
