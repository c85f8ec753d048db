import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OnlineDeployment } from '@azure/arm-machinelearning';
import {
  POLL,
  RG,
  WS,
  registerAssets,
  restExample,
  score,
  startMlKit,
  type MlKit
} from '../fixtures/machine-learning/ml-test-kit.js';

type Assets = Awaited<ReturnType<typeof registerAssets>>;

function kubernetes(assets: Assets, scoringScript: string, requestSettings: object = {}): OnlineDeployment {
  return {
    location: 'westeurope',
    sku: { name: 'Default', capacity: 1 },
    properties: {
      endpointComputeType: 'Kubernetes',
      instanceType: 'defaultinstancetype',
      model: assets.modelId,
      environmentId: assets.environmentId,
      codeConfiguration: { codeId: assets.codeId, scoringScript },
      requestSettings
    }
  } as OnlineDeployment;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('Azure ML provider: Kubernetes online endpoints, token auth, deletion', () => {
  let kit: MlKit;
  let assets: Assets;
  let scoringUri: string;
  let key: string;

  beforeAll(async () => {
    kit = await startMlKit({ mlImageBuildMs: 0, mlCrashLoopWindowMs: 800, mlCrashLoopBackoffMs: 100 });
    assets = await registerAssets(kit);
    const compute = `/subscriptions/${kit.emu.facts.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${WS}/computes/k8s`;
    const endpoint = await kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-k8s',
      { location: 'westeurope', properties: { authMode: 'Key', compute } },
      POLL
    );
    scoringUri = endpoint.properties.scoringUri as string;
    expect(endpoint.properties.compute).toBe(compute);
    key = (await kit.client.onlineEndpoints.listKeys(RG, WS, 'ep-k8s')).secondaryKey as string;
  });
  afterAll(async () => {
    const pids = kit?.ml.inferenceServerPids() ?? [];
    await kit?.stop();
    // No Python process outlives the provider.
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  it('answers 502 when run() raises and 503 for a burst above capacity', async () => {
    await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-k8s',
      'broken',
      kubernetes(assets, 'run_fails.py'),
      POLL
    );
    await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-k8s',
      'slow',
      kubernetes(assets, 'slow.py', { maxConcurrentRequestsPerInstance: 1 }),
      POLL
    );
    const auth = { authorization: `Bearer ${key}` };
    const broken = await score(
      kit,
      scoringUri,
      { data: [[1]] },
      { ...auth, 'azureml-model-deployment': 'broken' }
    );
    expect(broken.status).toBe(502);
    const burst = await Promise.all(
      [1, 2, 3].map(() =>
        score(kit, scoringUri, { delay_ms: 500 }, { ...auth, 'azureml-model-deployment': 'slow' })
      )
    );
    expect(burst.map(r => r.status).sort()).toEqual([200, 503, 503]);
  });

  it('fails a crash-looping Kubernetes deployment with DeploymentCrashLoopBackOff', async () => {
    const error = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-k8s',
        'crash',
        kubernetes(assets, 'init_fails.py'),
        POLL
      )
    );
    expect(error.message).toMatch(/CrashLoopBackOff/);
    const logs = await kit.client.onlineDeployments.getLogs(RG, WS, 'ep-k8s', 'crash', {
      containerType: 'InferenceServer',
      tail: 200
    });
    expect(logs.content).toMatch(/FileNotFoundError/);
  });

  it('refuses a Managed deployment on a Kubernetes endpoint', async () => {
    const deployment = kubernetes(assets, 'score.py');
    (deployment.properties as { endpointComputeType: string }).endpointComputeType = 'Managed';
    const error = await failureOf(
      kit.client.onlineDeployments.beginCreateOrUpdateAndWait(RG, WS, 'ep-k8s', 'wrong', deployment, POLL)
    );
    expect(error.message).toMatch(/Kubernetes endpoint/);
  });

  it('scores an AMLToken endpoint with a token from POST token, and not with a key', async () => {
    const endpoint = await kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-token',
      { location: 'westeurope', properties: { authMode: 'AMLToken' } },
      POLL
    );
    const blue = kubernetes(assets, 'score.py');
    (blue.properties as { endpointComputeType: string }).endpointComputeType = 'Managed';
    await kit.client.onlineDeployments.beginCreateOrUpdateAndWait(RG, WS, 'ep-token', 'blue', blue, POLL);
    await kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'ep-token',
      { location: 'westeurope', properties: { authMode: 'AMLToken', traffic: { blue: 100 } } },
      POLL
    );
    const token = await kit.client.onlineEndpoints.getToken(RG, WS, 'ep-token');
    expect(token.tokenType).toBe('Bearer');
    const uri = endpoint.properties.scoringUri as string;
    const ok = await score(kit, uri, { data: [[0, 0, 0]] }, { authorization: `Bearer ${token.accessToken}` });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toEqual({ predictions: [1] });
    expect((await score(kit, uri, { data: [[0, 0, 0]] }, { authorization: `Bearer ${key}` })).status).toBe(
      401
    );
  });

  it('rejects traffic to a deployment that does not exist', async () => {
    const error = await failureOf(
      kit.client.onlineEndpoints.beginCreateOrUpdateAndWait(
        RG,
        WS,
        'ep-token',
        { location: 'westeurope', properties: { authMode: 'AMLToken', traffic: { green: 100 } } },
        POLL
      )
    );
    expect(error.message).toMatch(/green/);
  });

  it('deletes an endpoint with its deployments and their inference servers', async () => {
    const before = kit.ml.inferenceServerPids();
    expect(before).toHaveLength(3); // broken, slow, and ep-token's blue
    await kit.client.onlineEndpoints.beginDeleteAndWait(RG, WS, 'ep-token', POLL);
    const after = kit.ml.inferenceServerPids();
    expect(after).toHaveLength(2);
    const stopped = before.find(pid => !after.includes(pid)) as number;
    expect(() => process.kill(stopped, 0)).toThrow();
    const missing = await failureOf(kit.client.onlineEndpoints.get(RG, WS, 'ep-token'));
    expect((missing as Error & { statusCode?: number }).statusCode).toBe(404);
    const deployments = [];
    for await (const d of kit.client.onlineDeployments.list(RG, WS, 'ep-k8s')) deployments.push(d.name);
    expect(deployments.sort()).toEqual(['broken', 'crash', 'slow']);
  });

  it('reports endpoint and deployment documents with the properties of the REST examples', async () => {
    const endpoint = await kit.client.onlineEndpoints.get(RG, WS, 'ep-k8s');
    const endpointExample = (await restExample('OnlineEndpoint-get.json')).responses['200'].body as {
      properties: Record<string, unknown>;
    };
    for (const key of ['scoringUri', 'swaggerUri', 'authMode', 'provisioningState', 'compute', 'traffic']) {
      expect(Object.keys(endpointExample.properties)).toContain(key);
      expect(endpoint.properties).toHaveProperty(key);
    }
    const deployment = await kit.client.onlineDeployments.get(RG, WS, 'ep-k8s', 'slow');
    expect(deployment.sku?.capacity).toBe(1);
    expect(deployment.properties).toMatchObject({
      endpointComputeType: 'Kubernetes',
      provisioningState: 'Succeeded',
      requestSettings: { maxConcurrentRequestsPerInstance: 1, requestTimeout: 'PT5S' }
    });
    const keys = await kit.client.onlineEndpoints.listKeys(RG, WS, 'ep-k8s');
    expect(Object.keys(keys).sort()).toEqual(['primaryKey', 'secondaryKey']);
  });

  it('deletes a single deployment and stops its inference server', async () => {
    const before = kit.ml.inferenceServerPids();
    await kit.client.onlineDeployments.beginDeleteAndWait(RG, WS, 'ep-k8s', 'broken', POLL);
    const after = kit.ml.inferenceServerPids();
    expect(after).toHaveLength(before.length - 1);
    const missing = await failureOf(kit.client.onlineDeployments.get(RG, WS, 'ep-k8s', 'broken'));
    expect((missing as Error & { statusCode?: number }).statusCode).toBe(404);
    const logs = await failureOf(
      kit.client.onlineDeployments.getLogs(RG, WS, 'ep-k8s', 'broken', { containerType: 'InferenceServer' })
    );
    expect((logs as Error & { statusCode?: number }).statusCode).toBe(404);
  });
});
