import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, RequestLogEntry } from '../../emulator/index.js';
import { postScoring } from '../../harness/azure-clients.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-ml-e2e';
const WS = 'ws-ml-e2e';
/** Weights [2, -1, 0.5] and bias 1 (fixtures/ml-e2e/model/linear.json): 2·1 − 1·2 + 0.5·3 + 1. */
const ROW = [1, 2, 3];
const PREDICTION = 2.5;

/** The stages of a model deployment as the `stages` output lists them, `name: status`. */
function stageStatuses(run: ActionRun): string[] {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; status: string }[];
  return stages.map(stage => `${stage.name}: ${stage.status}`);
}

/** `METHOD path` of each write, with the workspace prefix cut off, so assertions read like the REST API. */
function writes(emulator: Emulator): string[] {
  return emulator.requestLog.writes().map(describeRequest);
}

/**
 * ARM paths start at the workspace (`…/codes/…`); blobs in the workspace's default datastore, where the action
 * uploads, read `blob:datastore/…`, and blobs the stand-in's own image builds write to the artifact store
 * (`azureml` container, as Azure does) read `blob:azureml/…`.
 */
function describeRequest(entry: RequestLogEntry): string {
  const path = entry.path
    .replace(/^.*\/workspaces\/[^/]+/i, '…')
    .replace(/^\/devstoreaccount1\/azureml-blobstore-[^/]+/, 'blob:datastore')
    .replace(/^\/devstoreaccount1\//, 'blob:');
  return `${entry.method} ${path}`;
}

/** Writes of the action: ARM and the default datastore, not the stand-in's own build logs. */
function actionWrites(emulator: Emulator): string[] {
  return writes(emulator).filter(w => !w.startsWith('PUT blob:azureml'));
}

describe('staged model deployment (dist/index.js against the stand-in)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: Emulator;
  let ml: AzureMachineLearningWorkspaces;

  beforeAll(async () => {
    standIn = await startMlStandIn(RG, WS);
    ({ emulator, ml } = standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  /** A fresh copy of the fixture repository. */
  function checkout(): string {
    const workspace = mkdtempSync(join(tmpdir(), 'ml-e2e-'));
    cpSync(FIXTURE, workspace, { recursive: true });
    return workspace;
  }

  function deploy(workspace: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'timeout-minutes': '3',
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace
    });
  }

  async function scoreThrough(run: ActionRun): Promise<{ status: number; body: unknown }> {
    const endpoint = run.outputs['endpoint-name']!;
    const keys = await ml.onlineEndpoints.listKeys(RG, WS, endpoint);
    const reply = await postScoring(emulator, run.outputs['scoring-uri']!, keys.primaryKey!, { data: [ROW] });
    return { status: reply.status, body: reply.text ? (JSON.parse(reply.text) as unknown) : undefined };
  }

  async function trafficOf(endpoint: string): Promise<Record<string, number>> {
    return (await ml.onlineEndpoints.get(RG, WS, endpoint)).properties.traffic ?? {};
  }

  describe('managed online endpoint from az ml files', () => {
    const repository = { path: '' };
    const files = { 'endpoint-file': 'deploy/endpoint.yml', 'deployment-file': 'deploy/deployment.yml' };
    let first: ActionRun;

    beforeAll(() => {
      repository.path = checkout();
    });

    it('a first run registers model, environment and code, creates endpoint and deployment, and moves traffic', async () => {
      emulator.requestLog.clear();
      first = await deploy(repository.path, files);
      expect(first.stderr).toBe('');
      expect([first.exitCode, first.outputs.status, first.outputs['failed-stage']]).toEqual([
        0,
        'succeeded',
        ''
      ]);
      expect(stageStatuses(first)).toEqual([
        // python3 is on PATH and the model and code are files: preflight runs score.py first (input 'preflight').
        'preflight: succeeded',
        'sign-in: succeeded',
        'resource-group: succeeded',
        'model: succeeded',
        'environment: succeeded',
        'code: succeeded',
        'endpoint: succeeded',
        'deployment: succeeded',
        'traffic: succeeded'
      ]);
      // No sample-request: no health stage, and the summary says traffic moved without one.
      expect(first.summary).toContain('No health check: set `sample-request`');
      const { outputs } = first;
      expect(outputs['endpoint-name']).toBe('linear-ep');
      expect(outputs['deployment-name']).toMatch(/^linear-[0-9a-f]{8}$/);
      expect(outputs['model-version']).toBe('1');
      expect(outputs['model-id']).toMatch(/\/workspaces\/ws-ml-e2e\/models\/linear-model\/versions\/1$/);
      expect(outputs['environment-id']).toMatch(/\/environments\/linear-ep-env\/versions\/1$/);
      expect(outputs['code-id']).toMatch(/\/codes\/linear-ep-code\/versions\/1$/);

      // The model is in the datastore where az ml would put it, and registered with the azureml:// URI.
      const model = await ml.modelVersions.get(RG, WS, 'linear-model', '1');
      expect(model.properties.modelUri).toMatch(
        /^azureml:\/\/subscriptions\/.+\/workspaces\/ws-ml-e2e\/datastores\/workspaceblobstore\/paths\/LocalUpload\/[0-9a-f]{64}\/model$/
      );
      expect(writes(emulator)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^PUT blob:datastore\/LocalUpload\/[0-9a-f]{64}\/model\/linear\.json$/),
          expect.stringMatching(/^PUT blob:datastore\/LocalUpload\/[0-9a-f]{64}\/src\/score\.py$/)
        ])
      );

      expect(await trafficOf('linear-ep')).toEqual({ [outputs['deployment-name']!]: 100 });
      expect(await scoreThrough(first)).toEqual({ status: 200, body: { predictions: [PREDICTION] } });

      // The datastore key was masked when it arrived and never shown.
      const { key } = (await ml.datastores.listSecrets(RG, WS, 'workspaceblobstore')) as { key: string };
      expect(first.masks).toContain(key);
      expect(first.visibleLog + first.summary).not.toContain(key);
      expect(first.summary).toContain('| Deployment | ✅ succeeded |');
      expect(first.summary).toMatch(
        /Traffic: none \(no deployment serves\) → \*\*linear-[0-9a-f]{8} 100%\*\*/
      );
    });

    it('a re-run with nothing changed uploads nothing and writes nothing', async () => {
      emulator.requestLog.clear();
      const again = await deploy(repository.path, files);
      expect(again.exitCode).toBe(0);
      // writes() leaves out read-like POSTs (listSecrets, listKeys, getLogs): every PUT, DELETE, blob upload.
      expect(writes(emulator)).toEqual([]);
      expect(emulator.requestLog.entries().filter(e => e.service === 'blob' && e.method === 'PUT')).toEqual(
        []
      );
      expect(again.outputs['deployment-name']).toBe(first.outputs['deployment-name']);
      expect(again.outputs['model-version']).toBe('1');
      expect(again.summary).toContain('reused linear-model:1');
      expect(again.summary).toContain('already deployed');
    });

    it('a changed score.py creates only a new code version and a new deployment; traffic moves once it succeeded', async () => {
      const script = join(repository.path, 'src', 'score.py');
      writeFileSync(
        script,
        readFileSync(script, 'utf8').replace(
          'return {"predictions"',
          'return {"model": "linear", "predictions"'
        )
      );
      emulator.requestLog.clear();
      const changed = await deploy(repository.path, files);
      expect(changed.exitCode).toBe(0);
      const newName = changed.outputs['deployment-name']!;
      const oldName = first.outputs['deployment-name']!;
      expect(newName).not.toBe(oldName);
      expect(changed.outputs['code-id']).toMatch(/\/codes\/linear-ep-code\/versions\/2$/);
      expect(changed.outputs['model-version']).toBe('1');
      expect(changed.outputs['environment-id']).toBe(first.outputs['environment-id']);

      const arm = actionWrites(emulator).filter(w => !w.startsWith('PUT blob:'));
      expect(arm).toEqual([
        'PUT …/codes/linear-ep-code/versions/2',
        `PUT …/onlineEndpoints/linear-ep/deployments/${newName}`,
        'PUT …/onlineEndpoints/linear-ep'
      ]);
      expect(actionWrites(emulator).filter(w => w.startsWith('PUT blob:'))).toEqual([
        expect.stringMatching(/^PUT blob:datastore\/LocalUpload\/[0-9a-f]{64}\/src\/score\.py$/)
      ]);
      // The endpoint PUT came after the deployment's operation reported success.
      const log = emulator.requestLog.entries();
      const endpointPut = log.findIndex(
        e => e.method === 'PUT' && /onlineEndpoints\/linear-ep$/i.test(e.path)
      );
      const deploymentPut = log.findIndex(e => e.method === 'PUT' && e.path.endsWith(newName));
      const lastPoll = log
        .map((e, i) => (/mfeOperationsStatus/i.test(e.path) ? i : -1))
        .filter(i => i < endpointPut);
      expect(deploymentPut).toBeLessThan(Math.max(...lastPoll));
      expect(await trafficOf('linear-ep')).toEqual({ [newName]: 100, [oldName]: 0 });
      expect(await scoreThrough(changed)).toEqual({
        status: 200,
        body: { model: 'linear', predictions: [PREDICTION] }
      });
    });

    it('a new deployment whose init() fails leaves all traffic where it was and fails the deployment stage', async () => {
      const before = await trafficOf('linear-ep');
      writeFileSync(
        join(repository.path, 'src', 'score.py'),
        'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n'
      );
      emulator.requestLog.clear();
      // Azure's own verdict on a crash loop (the early stop is __tests__/e2e/crash-loop.test.ts).
      // preflight: false — preflight would catch this script on the runner; here the cloud path is under test.
      const failed = await deploy(repository.path, { ...files, 'crash-loop': 'wait', preflight: 'false' });
      expect(failed.exitCode).toBe(1);
      expect(failed.outputs.status).toBe('failed');
      expect(failed.outputs['failed-stage']).toBe('deployment');
      expect(stageStatuses(failed).slice(-2)).toEqual(['deployment: failed', 'traffic: not run']);
      expect(writes(emulator).filter(w => /onlineEndpoints\/linear-ep$/.test(w))).toEqual([]);
      expect(await trafficOf('linear-ep')).toEqual(before);
      expect(await scoreThrough(failed)).toMatchObject({ status: 200 });

      // The init() traceback becomes an annotation on the line of score.py that failed.
      const script = failed.annotations.find(a => a.properties.title === 'Scoring script failed');
      expect(script).toMatchObject({ level: 'error', properties: { file: 'src/score.py', line: '5' } });
      expect(script!.message).toMatch(/FileNotFoundError: .*linear\.json/);
      expect(failed.summary).toMatch(
        /The scoring script failed: FileNotFoundError: .*\(src\/score\.py line 5, in init\)/
      );

      const error = failed.annotations.find(
        a => a.level === 'error' && a.message.startsWith('Online deployment')
      )!;
      expect(error.message).toMatch(
        /^Online deployment 'linear-[0-9a-f]{8}' on endpoint 'linear-ep' failed: ResourceNotReady: User container has crashed/
      );
      const serving = Object.entries(before).find(([, percent]) => percent === 100)![0];
      expect(error.message).toContain(`Traffic was not moved (traffic stays ${serving} 100%`);
      expect(error.message).toMatch(/Correlation id: [0-9a-f-]{36}/);
      // The reason is in the container log the stage printed: the init() traceback.
      expect(failed.visibleLog).toMatch(/FileNotFoundError/);
      expect(failed.summary).toContain('Traffic was not moved');
    });
  });

  it('reports every problem of the az ml files and inputs at once, with file and line, before any request', async () => {
    const repository = checkout();
    const file = join(repository, 'deploy', 'deployment.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('instance_type:', 'instance_typ:'));
    emulator.requestLog.clear();
    const run = await deploy(repository, {
      'endpoint-file': 'deploy/endpoint.yml',
      'deployment-file': 'deploy/deployment.yml',
      traffic: 'most'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    const errors = run.annotations.filter(a => a.properties.title === 'Invalid configuration');
    expect(errors.map(e => [e.properties.file ?? '', e.properties.line ?? '', e.message])).toEqual([
      ['', '', expect.stringMatching(/^input 'traffic': 'most' is neither/)],
      [
        'deploy/deployment.yml',
        '13',
        expect.stringMatching(/unknown field 'instance_typ'. Did you mean 'instance_type'\?/)
      ]
    ]);
    expect(emulator.requestLog.entries().filter(e => e.service === 'arm' || e.service === 'blob')).toEqual(
      []
    );
  });

  it('deploys the same way to a Kubernetes online endpoint (compute), from inputs alone; canary, then promote', async () => {
    const repository = checkout();
    const inputs = {
      'endpoint-name': 'linear-k8s',
      compute: 'k8s-compute',
      'model-path': 'model',
      'model-name': 'linear-model',
      'scoring-script': 'src/score.py',
      'conda-file': 'env/conda.yml',
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
      'instance-type': 'defaultinstancetype'
    };
    const run = await deploy(repository, inputs);
    expect(run.stderr).toBe('');
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([0, '']);
    const endpoint = await ml.onlineEndpoints.get(RG, WS, 'linear-k8s');
    expect(endpoint.properties.compute).toMatch(/\/workspaces\/ws-ml-e2e\/computes\/k8s-compute$/);
    const deployment = await ml.onlineDeployments.get(RG, WS, 'linear-k8s', run.outputs['deployment-name']!);
    expect(deployment.properties.endpointComputeType).toBe('Kubernetes');
    expect(await trafficOf('linear-k8s')).toEqual({ [run.outputs['deployment-name']!]: 100 });
    expect(await scoreThrough(run)).toEqual({ status: 200, body: { predictions: [PREDICTION] } });

    emulator.requestLog.clear();
    const again = await deploy(repository, inputs);
    expect(again.exitCode).toBe(0);
    expect(writes(emulator)).toEqual([]);

    // A canary: the new deployment takes 30%, the one that served keeps the rest.
    const first = run.outputs['deployment-name']!;
    const script = join(repository, 'src', 'score.py');
    writeFileSync(script, readFileSync(script, 'utf8') + '\n# canary\n');
    const canary = await deploy(repository, { ...inputs, traffic: '30' });
    expect(canary.exitCode).toBe(0);
    const second = canary.outputs['deployment-name']!;
    expect(await trafficOf('linear-k8s')).toEqual({ [first]: 70, [second]: 30 });

    // Promoting it with keep-previous: false moves everything and deletes the deployment left without traffic.
    const promoted = await deploy(repository, { ...inputs, traffic: 'all', 'keep-previous': 'false' });
    expect(promoted.exitCode).toBe(0);
    expect(promoted.outputs['deployment-name']).toBe(second);
    expect(await trafficOf('linear-k8s')).toEqual({ [second]: 100 });
    const left: string[] = [];
    for await (const deployment of ml.onlineDeployments.list(RG, WS, 'linear-k8s'))
      left.push(deployment.name!);
    expect(left).toEqual([second]);

    // Naming the registered model instead of its files deploys the very same thing: nothing to write.
    emulator.requestLog.clear();
    const byReference = await deploy(repository, {
      ...inputs,
      'model-path': '',
      'model-name': 'azureml:linear-model:1',
      traffic: 'all'
    });
    expect(byReference.exitCode).toBe(0);
    expect(byReference.outputs['deployment-name']).toBe(second);
    expect(byReference.summary).toContain('using registered linear-model:1');
    expect(writes(emulator)).toEqual([]);
  });
});
