import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { RestError } from '@azure/core-rest-pipeline';
import {
  POLL,
  RG,
  WS,
  restExample,
  startMlKit,
  type MlKit
} from '../fixtures/machine-learning/ml-test-kit.js';

/** Keys of an example body, recursively, so a stand-in's shape can be compared with the real one. */
function keysOf(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) =>
    key === 'string' ? [] : [prefix + key, ...keysOf(inner, `${prefix}${key}.`)]
  );
}

async function errorOf(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    return error as RestError;
  }
  throw new Error('expected the call to fail');
}

describe('Azure ML provider: workspace, datastores, assets (real @azure/arm-machinelearning client)', () => {
  let kit: MlKit;

  beforeAll(async () => {
    kit = await startMlKit();
  });
  afterAll(async () => {
    await kit?.stop();
  });

  it('creates a workspace through the Azure-AsyncOperation LRO with a default blob datastore in Azurite', async () => {
    const workspace = await kit.client.workspaces.get(RG, WS);
    expect(workspace.provisioningState).toBe('Succeeded');
    expect(workspace.storageAccount).toMatch(
      /\/providers\/Microsoft\.Storage\/storageAccounts\/devstoreaccount1$/
    );
    const puts = kit.emu.requestLog
      .entries()
      .filter(e => e.method === 'PUT' && /workspaces\/ws-ml$/.test(e.path));
    expect(puts.map(e => e.status)).toEqual([201]);
    expect(kit.emu.requestLog.entries().some(e => /mfeOperationsStatus/.test(e.path))).toBe(true);

    const datastore = await kit.client.datastores.get(RG, WS, 'workspaceblobstore');
    const properties = datastore.properties as unknown as Record<string, unknown>;
    expect(properties).toMatchObject({
      datastoreType: 'AzureBlob',
      isDefault: true,
      accountName: 'devstoreaccount1',
      credentials: { credentialsType: 'AccountKey' }
    });
    expect(properties.containerName).toMatch(/^azureml-blobstore-[0-9a-f-]{36}$/);
    const example = await restExample('Datastore-get.json');
    for (const key of keysOf((example.responses['200'].body as { properties: unknown }).properties)) {
      if (!['description', 'tags', 'properties'].includes(key)) expect(keysOf(properties)).toContain(key);
    }
    // The container exists in Azurite: a client with the listed secret can use it.
    const exists = await kit.blobs.getContainerClient(kit.container).exists();
    expect(exists).toBe(true);
    const all = [];
    for await (const page of kit.client.datastores.list(RG, WS)) all.push(page.name);
    expect(all.sort()).toEqual(['workspaceartifactstore', 'workspaceblobstore']);
  });

  it('returns the account key from listSecrets, and never in a GET', async () => {
    const secrets = await kit.client.datastores.listSecrets(RG, WS, 'workspaceblobstore');
    expect(secrets).toEqual({ secretsType: 'AccountKey', key: kit.emu.facts.storageAccountKey });
    const get = JSON.stringify(await kit.client.datastores.get(RG, WS, 'workspaceblobstore'));
    expect(get).not.toContain(kit.emu.facts.storageAccountKey);
  });

  it('keeps asset versions immutable: identical re-PUT is 200, changed content is 409 UserError', async () => {
    const body = {
      properties: {
        modelUri: 'azureml://datastores/workspaceblobstore/paths/m/model',
        modelType: 'custom_model'
      }
    };
    const created = await kit.client.modelVersions.createOrUpdate(RG, WS, 'immutable', '1', body);
    expect(created.properties).toMatchObject(body.properties);
    const again = await kit.client.modelVersions.createOrUpdate(RG, WS, 'immutable', '1', {
      properties: { ...body.properties, description: 'only the description changes' }
    });
    expect(again.properties.description).toBe('only the description changes');
    const statuses = kit.emu.requestLog.entries().filter(e => /models\/immutable\/versions\/1$/.test(e.path));
    expect(statuses.map(e => e.status)).toEqual([201, 200]);

    const error = await errorOf(
      kit.client.modelVersions.createOrUpdate(RG, WS, 'immutable', '1', {
        properties: {
          ...body.properties,
          modelUri: 'azureml://datastores/workspaceblobstore/paths/other/model'
        }
      })
    );
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('UserError');
    expect(error.message).toMatch(/immutable.*'modelUri'/);

    const code = await kit.client.codeVersions.createOrUpdate(RG, WS, 'code', '1', {
      properties: { codeUri: 'https://x.blob.core.windows.net/c/a' }
    });
    expect(code.properties.codeUri).toBe('https://x.blob.core.windows.net/c/a');
    const codeError = await errorOf(
      kit.client.codeVersions.createOrUpdate(RG, WS, 'code', '1', {
        properties: { codeUri: 'https://x.blob.core.windows.net/c/b' }
      })
    );
    expect(codeError.statusCode).toBe(409);

    await kit.client.environmentVersions.createOrUpdate(RG, WS, 'env', '1', {
      properties: { image: 'img:1', condaFile: 'name: a' }
    });
    const envError = await errorOf(
      kit.client.environmentVersions.createOrUpdate(RG, WS, 'env', '1', {
        properties: { image: 'img:1', condaFile: 'name: b' }
      })
    );
    expect(envError.message).toMatch(/'condaFile'/);
  });

  it('lists versions and creates the container on first use with latestVersion', async () => {
    await kit.client.modelVersions.createOrUpdate(RG, WS, 'listed', '1', {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/a' }
    });
    await kit.client.modelVersions.createOrUpdate(RG, WS, 'listed', '2', {
      properties: { modelUri: 'azureml://datastores/workspaceblobstore/paths/b' }
    });
    const versions = [];
    for await (const version of kit.client.modelVersions.list(RG, WS, 'listed')) versions.push(version.name);
    expect(versions).toEqual(['1', '2']);
    const container = await kit.client.modelContainers.get(RG, WS, 'listed');
    expect(container.properties).toMatchObject({ latestVersion: '2', nextVersion: '3' });
    const missing = await errorOf(kit.client.modelVersions.get(RG, WS, 'listed', '9'));
    expect(missing.statusCode).toBe(404);
  });

  it('rejects a model version without modelUri with 400 and names the field', async () => {
    const error = await errorOf(
      kit.client.modelVersions.createOrUpdate(RG, WS, 'bad', '1', { properties: {} })
    );
    expect(error.statusCode).toBe(400);
    expect(error.message).toMatch(/modelUri/);
  });

  it('answers 404 for children of a workspace that does not exist', async () => {
    const error = await errorOf(kit.client.datastores.get(RG, 'nope', 'workspaceblobstore'));
    expect(error.statusCode).toBe(404);
    expect(POLL.updateIntervalInMs).toBeGreaterThan(0);
  });
});
