/**
 * The official Azure ML management client (@azure/arm-machinelearning, api-version 2022-10-01) drives the
 * stand-in through a workspace, its datastores, a model version, an online endpoint and an online deployment;
 * each answer is compared with the shape Azure documents for it (the REST reference of 2022-10-01).
 */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { ClientSecretCredential } from '@azure/identity';
import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions
} from '@azure/storage-blob';
import { resourceGroupId } from '../../emulator/index.js';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import { stepTable } from './support/step-table.js';

const ML_FIXTURES = fileURLToPath(new URL('../fixtures/machine-learning/', import.meta.url));
const GROUP = 'rg-ml-conformance';
const WORKSPACE = 'ws-conformance';
const POLL = { updateIntervalInMs: 50 };
const DEFAULT_DATASTORES = ['workspaceblobstore'];

describe('the official Azure ML SDK client against the stand-in', () => {
  const step = stepTable('ML SDK conformance');
  let standIn: AzureStandIn;
  let ml: AzureMachineLearningWorkspaces;
  let deployments: DeploymentsClient;
  let ca: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    standIn = await startAzureStandIn({
      knobs: { lroDurationMs: 200, retryAfterSeconds: 0, mlImageBuildMs: 200 }
    });
    const { facts } = standIn;
    ca = await readFile(facts.caCertPath, 'utf8');
    const credential = new ClientSecretCredential(facts.tenantId, facts.secretClientId, facts.clientSecret, {
      authorityHost: facts.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: { ca }
    });
    const options = {
      endpoint: facts.armEndpoint,
      $host: facts.armEndpoint,
      credentialScopes: [`${facts.armEndpoint}/.default`],
      tlsOptions: { ca }
    };
    ml = new AzureMachineLearningWorkspaces(credential, facts.subscriptionId, options);
    // The deployments client is of the newer SDK generation: scopes under `credentials`, a poller as the result.
    deployments = new DeploymentsClient(credential, facts.subscriptionId, {
      endpoint: facts.armEndpoint,
      credentials: { scopes: options.credentialScopes },
      tlsOptions: { ca }
    });
    standIn.store.put(resourceGroupId(facts.subscriptionId, GROUP), { location: 'westeurope' });
  }, 120_000);
  afterAll(async () => {
    await standIn?.stop();
  });

  async function upload(folder: string, prefix: string): Promise<string> {
    const secret = (await ml.datastores.listSecrets(GROUP, WORKSPACE, 'workspaceblobstore')) as {
      key?: string;
    };
    const datastore = await ml.datastores.get(GROUP, WORKSPACE, 'workspaceblobstore');
    const { facts } = standIn;
    const blobs = new BlobServiceClient(
      facts.blobEndpoint,
      new StorageSharedKeyCredential(facts.storageAccountName, secret.key ?? ''),
      { tlsOptions: { ca } } as StoragePipelineOptions
    );
    const container = blobs.getContainerClient(
      (datastore.properties as { containerName: string }).containerName
    );
    for (const name of await readdir(join(ML_FIXTURES, folder))) {
      const content = await readFile(join(ML_FIXTURES, folder, name));
      await container.getBlockBlobClient(`${prefix}/${folder}/${name}`).upload(content, content.length);
    }
    return `azureml://subscriptions/${facts.subscriptionId}/resourcegroups/${GROUP}/workspaces/${WORKSPACE}/datastores/workspaceblobstore/paths/${prefix}/${folder}`;
  }

  step('workspace create (LRO) answers Succeeded with a workspaceId and discovery URL', async () => {
    const workspace = await ml.workspaces.beginCreateOrUpdateAndWait(
      GROUP,
      WORKSPACE,
      { location: 'westeurope' },
      POLL
    );
    expect(workspace).toMatchObject({
      name: WORKSPACE,
      type: 'Microsoft.MachineLearningServices/workspaces',
      location: 'westeurope',
      provisioningState: 'Succeeded'
    });
    expect(workspace.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
  });

  step(
    'a new workspace has its default datastores (workspaceblobstore is the default blob store)',
    async () => {
      const listed = [];
      for await (const datastore of ml.datastores.list(GROUP, WORKSPACE)) listed.push(datastore);
      const names = listed.map(datastore => datastore.name);
      expect(names).toEqual(expect.arrayContaining(DEFAULT_DATASTORES));
      const blob = listed.find(datastore => datastore.name === 'workspaceblobstore');
      expect(blob?.properties).toMatchObject({
        datastoreType: 'AzureBlob',
        isDefault: true,
        containerName: expect.any(String)
      });
    }
  );

  step(
    'a workspace written by a template deployment has its datastores too (one dispatch path)',
    async () => {
      const template = {
        $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
        contentVersion: '1.0.0.0',
        resources: [
          {
            type: 'Microsoft.MachineLearningServices/workspaces',
            apiVersion: '2022-10-01',
            name: 'ws-from-template',
            location: '[resourceGroup().location]',
            identity: { type: 'SystemAssigned' },
            properties: {}
          }
        ]
      };
      const done = await deployments.deployments.createOrUpdate(
        GROUP,
        'workspace',
        { properties: { mode: 'Incremental', template } },
        POLL
      );
      expect(done.properties?.provisioningState).toBe('Succeeded');
      const names = [];
      for await (const datastore of ml.datastores.list(GROUP, 'ws-from-template')) names.push(datastore.name);
      expect(names).toEqual(expect.arrayContaining(DEFAULT_DATASTORES));
    }
  );

  step('model container and version: the version keeps its modelUri and type', async () => {
    const modelUri = await upload('model', 'LocalUpload/model-1');
    const version = await ml.modelVersions.createOrUpdate(GROUP, WORKSPACE, 'linear', '1', {
      properties: { modelUri, modelType: 'custom_model' }
    });
    expect(version).toMatchObject({
      name: '1',
      type: 'Microsoft.MachineLearningServices/workspaces/models/versions'
    });
    expect(version.properties).toMatchObject({ modelUri, modelType: 'custom_model' });
    ids.model = version.id as string;
    const container = await ml.modelContainers.get(GROUP, WORKSPACE, 'linear');
    expect(container.properties.latestVersion).toBe('1');
  });

  step('online endpoint create (LRO): Succeeded, a scoring URI, keys for Key auth', async () => {
    const endpoint = await ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      GROUP,
      WORKSPACE,
      'ep-conformance',
      { location: 'westeurope', identity: { type: 'SystemAssigned' }, properties: { authMode: 'Key' } },
      POLL
    );
    expect(endpoint.properties).toMatchObject({ provisioningState: 'Succeeded', authMode: 'Key' });
    expect(endpoint.properties.scoringUri).toMatch(/^https:\/\//);
    const keys = await ml.onlineEndpoints.listKeys(GROUP, WORKSPACE, 'ep-conformance');
    expect(keys.primaryKey).toEqual(expect.any(String));
    expect(keys.secondaryKey).toEqual(expect.any(String));
  });

  step(
    'online deployment create (LRO, image build, container start): Succeeded and logs readable',
    async () => {
      const codeUri = await upload('code', 'LocalUpload/code-1');
      const code = await ml.codeVersions.createOrUpdate(GROUP, WORKSPACE, 'score-code', '1', {
        properties: { codeUri }
      });
      const condaFile = await readFile(join(ML_FIXTURES, 'conda', 'conda.yml'), 'utf8');
      const environment = await ml.environmentVersions.createOrUpdate(GROUP, WORKSPACE, 'linear-env', '1', {
        properties: { image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest', condaFile }
      });
      const deployment = await ml.onlineDeployments.beginCreateOrUpdateAndWait(
        GROUP,
        WORKSPACE,
        'ep-conformance',
        'blue',
        {
          location: 'westeurope',
          sku: { name: 'Default', capacity: 1 },
          properties: {
            endpointComputeType: 'Managed',
            instanceType: 'Standard_DS3_v2',
            model: ids.model,
            environmentId: environment.id,
            codeConfiguration: { codeId: code.id, scoringScript: 'score.py' }
          }
        },
        POLL
      );
      expect(deployment.properties).toMatchObject({
        provisioningState: 'Succeeded',
        endpointComputeType: 'Managed'
      });
      expect(deployment.sku).toMatchObject({ capacity: 1 });
      const logs = await ml.onlineDeployments.getLogs(GROUP, WORKSPACE, 'ep-conformance', 'blue', {
        containerType: 'InferenceServer',
        tail: 50
      });
      expect(logs.content).toEqual(expect.any(String));
    },
    180_000
  );
});
