import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OnlineDeployment } from '@azure/arm-machinelearning';
import {
  POLL,
  RG,
  WS,
  registerAssets,
  score,
  startMlKit,
  type MlKit
} from '../fixtures/machine-learning/ml-test-kit.js';

type Assets = Awaited<ReturnType<typeof registerAssets>>;

function managed(assets: Assets, scoringScript: string, requestSettings: object = {}): OnlineDeployment {
  return {
    location: 'westeurope',
    sku: { name: 'Default', capacity: 1 },
    properties: {
      endpointComputeType: 'Managed',
      instanceType: 'Standard_DS3_v2',
      model: assets.modelId,
      environmentId: assets.environmentId,
      codeConfiguration: { codeId: assets.codeId, scoringScript },
      requestSettings
    }
  } as OnlineDeployment;
}

async function failureOf(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error('expected the deployment to fail');
}

describe('Azure ML provider: online endpoints and deployments running the real score.py', () => {
  let kit: MlKit;
  let assets: Assets;
  let scoringUri: string;
  let key: string;

  beforeAll(async () => {
    kit = await startMlKit({ mlImageBuildMs: 50, mlCrashLoopWindowMs: 1500, mlCrashLoopBackoffMs: 100 });
    assets = await registerAssets(kit);
    const endpoint = await kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      { location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: { authMode: 'Key' } },
      POLL
    );
    expect(endpoint.properties.provisioningState).toBe('Succeeded');
    scoringUri = endpoint.properties.scoringUri as string;
    key = (await kit.client.onlineEndpoints.listKeys(RG, WS, 'ep-managed')).primaryKey as string;
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('deploys, shifts traffic with a full endpoint PUT, and predicts through the scoring URI with the key', async () => {
    const deployment = await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      'blue',
      managed(assets, 'score.py'),
      POLL
    );
    expect(deployment.properties.provisioningState).toBe('Succeeded');
    expect(scoringUri).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/ws-ml\/ep-managed\/score$/);
    expect(key).toMatch(/^[A-Za-z0-9]{32}$/);

    const noTraffic = await score(kit, scoringUri, { data: [[1, 2, 3]] }, { authorization: `Bearer ${key}` });
    expect(noTraffic.status).toBe(404);
    expect(noTraffic.text).toMatch(/No valid deployments to route to/);

    await kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      { location: 'westeurope', properties: { authMode: 'Key', traffic: { blue: 100 } } },
      POLL
    );
    const reply = await score(kit, scoringUri, { data: [[1, 2, 3]] }, { authorization: `Bearer ${key}` });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toEqual({ predictions: [2.5] });
    expect(reply.headers['azureml-model-deployment']).toBe('blue');
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const unauthorized = await score(kit, scoringUri, { data: [[1, 2, 3]] });
    expect(unauthorized.status).toBe(401);
    const wrongKey = await score(kit, scoringUri, { data: [[1, 2, 3]] }, { authorization: 'Bearer nope' });
    expect(wrongKey.status).toBe(401);
  });

  it('serves getLogs for both containers, honouring tail', async () => {
    const storage = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'blue', {
      containerType: 'StorageInitializer'
    });
    expect(storage.content).toMatch(/Downloaded model file model\/linear\.json/);
    expect(storage.content).toMatch(/Downloaded code file code\/score\.py/);
    const all = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'blue', {
      containerType: 'InferenceServer'
    });
    expect(all.content).toMatch(/model loaded with 3 weights/);
    const tail = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'blue', {
      containerType: 'InferenceServer',
      tail: 3
    });
    const lines = (tail.content as string).split('\n');
    expect(lines).toHaveLength(3);
    expect((all.content as string).endsWith(lines.join('\n'))).toBe(true);
  });

  it('answers 424 with ms-azureml-model-error-statuscode when run() raises (deployment header routing)', async () => {
    await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      'broken-run',
      managed(assets, 'run_fails.py'),
      POLL
    );
    const reply = await score(
      kit,
      scoringUri,
      { data: [[1, 2]] },
      { authorization: `Bearer ${key}`, 'azureml-model-deployment': 'broken-run' }
    );
    expect(reply.status).toBe(424);
    expect(reply.headers['ms-azureml-model-error-statuscode']).toBe('500');
    expect(reply.headers['azureml-model-deployment']).toBe('broken-run');
    const logs = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'broken-run', {
      containerType: 'InferenceServer'
    });
    expect(logs.content).toMatch(/ValueError: expected 3 features, got 2/);
  });

  it('answers 429 above 2 × maxConcurrentRequestsPerInstance × instances and 408 after requestTimeout', async () => {
    await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      'slow',
      managed(assets, 'slow.py', { maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT1.5S' }),
      POLL
    );
    const headers = { authorization: `Bearer ${key}`, 'azureml-model-deployment': 'slow' };
    const burst = await Promise.all([1, 2, 3].map(() => score(kit, scoringUri, { delay_ms: 600 }, headers)));
    expect(burst.map(r => r.status).sort()).toEqual([200, 200, 429]);
    const timeout = await score(kit, scoringUri, { delay_ms: 4000 }, headers);
    expect(timeout.status).toBe(408);
  });

  it('fails the deployment with a StorageInitializer log when the model blob is missing', async () => {
    const missing = await registerAssets(kit, {
      uploadModel: false,
      modelPrefix: 'LocalUpload/never-uploaded'
    });
    const error = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-managed',
        'no-model',
        managed(missing, 'score.py'),
        POLL
      )
    );
    expect(error.message).toMatch(/Unable to download user model/);
    const deployment = await kit.client.onlineDeployments.get(RG, WS, 'ep-managed', 'no-model');
    expect(deployment.properties.provisioningState).toBe('Failed');
    const logs = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'no-model', {
      containerType: 'StorageInitializer'
    });
    expect(logs.content).toMatch(
      /ERROR \| Failed to download model .*BlobNotFound.*LocalUpload\/never-uploaded\/model/
    );
  });

  it('restarts a crashing init() with back-off, then fails with ResourceNotReady and keeps the tracebacks', async () => {
    const started = Date.now();
    const error = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-managed',
        'crash',
        managed(assets, 'init_fails.py'),
        POLL
      )
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(error.message).toMatch(/ResourceNotReady/);
    expect(error.message).toMatch(/User container has crashed or terminated/);
    const logs = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'crash', {
      containerType: 'InferenceServer'
    });
    const content = logs.content as string;
    expect(content.match(/Traceback \(most recent call last\)/g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(content).toMatch(/FileNotFoundError: .*linear\.json/);
    expect(content).toMatch(/Back-off restarting failed container/);
  });

  it('fails the image build for an unavailable pip package and writes the build log the error names', async () => {
    kit.ml.setUnavailablePackages(['scikit-learn-nightly']);
    const badEnv = await registerAssets(kit, { condaFile: 'unavailable.yml' });
    const error = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-managed',
        'bad-image',
        managed(badEnv, 'score.py'),
        POLL
      )
    );
    expect(error.message).toMatch(/Image build failed/);
    const logPath = /under the path '\/azureml\/([^']+)'/.exec(error.message)?.[1];
    expect(logPath).toMatch(/^ImageLogs\/[0-9a-f]{32}\/build\.log$/);
    const log = await kit.blobs
      .getContainerClient('azureml')
      .getBlobClient(logPath as string)
      .downloadToBuffer();
    expect(log.toString()).toMatch(/No matching distribution found for scikit-learn-nightly==9\.9\.9/);

    const invalid = await registerAssets(kit, { condaFile: 'invalid.yml' });
    const yamlError = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-managed',
        'bad-yaml',
        managed(invalid, 'score.py'),
        POLL
      )
    );
    expect(yamlError.message).toMatch(/Image build failed/);
  });

  it('keeps the old container serving during an update, then serves the new one', async () => {
    const poller = await kit.client.onlineDeployments.beginCreateOrUpdate(
      RG,
      WS,
      'ep-managed',
      'blue',
      managed(assets, 'run_fails.py'),
      POLL
    );
    const during = await kit.client.onlineDeployments.get(RG, WS, 'ep-managed', 'blue');
    expect(during.properties.provisioningState).toBe('Updating');
    const old = await score(kit, scoringUri, { data: [[1, 2, 3]] }, { authorization: `Bearer ${key}` });
    expect(old.status).toBe(200);
    await poller.pollUntilDone();
    const updated = await score(kit, scoringUri, { data: [[1, 2]] }, { authorization: `Bearer ${key}` });
    expect(updated.status).toBe(424);
    // blue (only the new one: the old container was stopped), broken-run, slow
    expect(kit.ml.inferenceServerPids()).toHaveLength(3);
  });

  it('mounts a model registered as a single file directly in AZUREML_MODEL_DIR', async () => {
    const folderUri = (
      await kit.client.modelVersions.get(RG, WS, 'linear', assets.modelId.split('/').pop() as string)
    ).properties.modelUri as string;
    const file = await kit.client.modelVersions.createOrUpdate(RG, WS, 'linear-file', '1', {
      properties: { modelUri: `${folderUri}/linear.json` }
    });
    // init_fails.py reads $AZUREML_MODEL_DIR/linear.json: wrong for a folder model, right for a file model.
    const deployment = await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-managed',
      'file-model',
      managed({ ...assets, modelId: file.id as string }, 'init_fails.py'),
      POLL
    );
    expect(deployment.properties.provisioningState).toBe('Succeeded');
    const logs = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-managed', 'file-model', {
      containerType: 'StorageInitializer'
    });
    expect(logs.content).toMatch(/Downloaded model file linear\.json/);
    expect(logs.content).toMatch(/azureml-models\/linear-file\/1/);
  });
});
