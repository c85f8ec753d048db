import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ML_KNOBS } from '../../emulator/providers/machine-learning/ml-context.js';
import type { AzureStandIn } from '../../emulator/stand-in.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-crash-loop';
const WS = 'ws-crash-loop';
/** init() opens a file the model does not have (it is at model/linear.json): line 5 raises. */
const BROKEN_SCORE_PY =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';

/**
 * A scoring script whose init() always fails makes Azure restart the container with back-off for a long time
 * before it marks the deployment failed. The action reads the container log meanwhile and stops at the second
 * crash with the same traceback (input `crash-loop: fail-fast`, the default), or waits for Azure (`wait`).
 */
describe('a crash-looping deployment (dist/index.js against the stand-in)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  let ml: AzureMachineLearningWorkspaces;
  /** The deployment the first test left crash-looping in Azure, for the re-run. */
  let crashLooping = '';

  beforeAll(async () => {
    // The tests set the crash-loop window each needs; until then it is the ML provider's default.
    standIn = await startMlStandIn(RG, WS, {
      knobs: { mlCrashLoopWindowMs: ML_KNOBS.mlCrashLoopWindowMs }
    });
    ({ emulator, ml } = standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  /** A copy of the fixture repository whose score.py crashes in init(). */
  function brokenCheckout(): string {
    const workspace = mkdtempSync(join(tmpdir(), 'crash-loop-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_SCORE_PY);
    return workspace;
  }

  function deploy(inputs: Record<string, string>): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'endpoint-file': 'deploy/endpoint.yml',
        'deployment-file': 'deploy/deployment.yml',
        'timeout-minutes': '3',
        // The local preflight would catch this init() before anything is deployed; the crash loop is Azure's.
        preflight: 'false',
        // These tests look at the deployment Azure goes on retrying; its deletion is failed-deployment.test.ts.
        'failed-deployment': 'keep',
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace: brokenCheckout()
    });
  }

  function scriptAnnotation(run: ActionRun): ActionRun['annotations'][number] | undefined {
    return run.annotations.find(a => a.level === 'error' && a.properties.file === 'src/score.py');
  }

  it('fails the deployment stage at the repeated init() traceback, while Azure still retries', async () => {
    emulator.knobs.mlCrashLoopWindowMs = 60_000;
    const run = await deploy({ 'endpoint-name': 'crash-fast' });
    expect([run.exitCode, run.outputs.status, run.outputs['failed-stage']]).toEqual([
      1,
      'failed',
      'deployment'
    ]);

    // The traceback is in the log, the summary and an annotation on the line of score.py that raised.
    expect(run.visibleLog).toMatch(
      /FileNotFoundError: \[Errno 2\] No such file or directory: .*linear\.json/
    );
    expect(scriptAnnotation(run)).toMatchObject({ properties: { line: '5' } });
    expect(scriptAnnotation(run)!.message).toMatch(/FileNotFoundError/);
    expect(run.summary).toMatch(/FileNotFoundError: .*\(src\/score\.py line 5, in init\)/);

    // The error says why the action stopped and that Azure goes on; a warning says how to remove the deployment.
    const error = run.annotations.find(a => a.level === 'error' && a.message.startsWith('Online deployment'));
    expect(error?.message).toMatch(
      /failed: DeploymentCrashLoopBackOff: the inference server crashed \d+ times/
    );
    expect(error?.message).toContain('Azure keeps restarting the container in the background');
    expect(error?.message).toMatch(/Correlation id: [0-9a-f-]{36}/);
    expect(run.summary).toContain('DeploymentCrashLoopBackOff');

    // The action ended long before Azure's verdict: the deployment is still being retried, at 0% traffic.
    const left = run.annotations.find(
      a => a.level === 'warning' && /left behind/.test(a.properties.title ?? '')
    );
    expect(left?.message).toMatch(/keeps 1 × Standard_\w+ \(billed per instance-hour/);
    expect(left?.message).toMatch(/az ml online-deployment delete --name \S+ --endpoint-name crash-fast/);
    const deploymentName = /--name (\S+) --endpoint-name/.exec(left!.message)![1]!;
    const deployment = await ml.onlineDeployments.get(RG, WS, 'crash-fast', deploymentName);
    expect(deployment.properties.provisioningState).toBe('Creating');
    const endpoint = await ml.onlineEndpoints.get(RG, WS, 'crash-fast');
    expect(endpoint.properties.traffic ?? {}).toEqual({});
    crashLooping = deploymentName;
  });

  it('a re-run of the same content finds that deployment still retried, and stops as early', async () => {
    const again = await deploy({ 'endpoint-name': 'crash-fast' });
    expect([again.exitCode, again.outputs['failed-stage']]).toEqual([1, 'deployment']);
    expect(again.visibleLog).toContain(`Deployment '${crashLooping}' is Creating (another run?); waiting.`);
    const error = again.annotations.find(
      a => a.level === 'error' && a.message.startsWith('Online deployment')
    );
    expect(error?.message).toMatch(
      /the inference server crashed \d+ times with the same traceback \(FileNotFoundError\)/
    );
    expect(again.summary).toContain(
      `az ml online-deployment delete --name ${crashLooping} --endpoint-name crash-fast`
    );
    const deployment = await ml.onlineDeployments.get(RG, WS, 'crash-fast', crashLooping);
    expect(deployment.properties.provisioningState).toBe('Creating');
    await ml.onlineDeployments.beginDeleteAndWait(RG, WS, 'crash-fast', crashLooping, {
      updateIntervalInMs: 50
    });
  });

  it("with 'crash-loop: wait' waits for Azure to mark the deployment failed, as before", async () => {
    emulator.knobs.mlCrashLoopWindowMs = 1500;
    const run = await deploy({ 'endpoint-name': 'crash-wait', 'crash-loop': 'wait' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);
    const error = run.annotations.find(a => a.level === 'error' && a.message.startsWith('Online deployment'));
    expect(error?.message).toMatch(/failed: ResourceNotReady: User container has crashed/);
    expect(run.visibleLog).not.toContain('DeploymentCrashLoopBackOff');
    expect(scriptAnnotation(run)).toMatchObject({ properties: { line: '5' } });
    const names: string[] = [];
    for await (const deployment of ml.onlineDeployments.list(RG, WS, 'crash-wait')) {
      names.push(`${deployment.properties.provisioningState}`);
    }
    expect(names).toEqual(['Failed']);
  });

  it("refuses an unknown 'crash-loop' value before any request", async () => {
    emulator.requestLog.clear();
    const run = await deploy({ 'endpoint-name': 'crash-bad', 'crash-loop': 'retry' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    expect(run.annotations.map(a => a.message)).toContainEqual(
      expect.stringMatching(/^input 'crash-loop': 'retry' is not one of 'fail-fast', 'wait'/)
    );
    expect(emulator.requestLog.entries().filter(e => e.service === 'arm' || e.service === 'blob')).toEqual(
      []
    );
  });
});
