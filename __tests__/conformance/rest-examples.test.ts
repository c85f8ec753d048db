/**
 * Every Microsoft REST example in __tests__/fixtures/rest-examples/ replayed against the stand-in: the example's
 * request (its parameters fill the operation's path, its body is sent as is) and a comparison of the answer
 * with the example's response — the status code is one the example documents, and every property path of the
 * documented body is present (values aside: many are placeholders). Requests that point at things that cannot
 * exist here are substituted, each with its reason (see `Replay.substitute`).
 */
import { afterAll, beforeAll, describe } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import { armToken, send } from '../emulator/client.js';
import { missingPaths, propertyPaths } from './support/property-paths.js';
import { stepTable } from './support/step-table.js';

const EXAMPLES = fileURLToPath(new URL('../fixtures/rest-examples/', import.meta.url));
const PROVIDERS = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers';
const VAULT = `${PROVIDERS}/Microsoft.KeyVault/vaults/{vaultName}`;
const DELETED_VAULT =
  '/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/locations/{location}/deletedVaults/{vaultName}';
const DEPLOYMENT = `${PROVIDERS}/Microsoft.Resources/deployments/{deploymentName}`;
const WORKSPACE = `${PROVIDERS}/Microsoft.MachineLearningServices/workspaces/{workspaceName}`;
const ENDPOINT = `${WORKSPACE}/onlineEndpoints/{endpointName}`;
const ONLINE_DEPLOYMENT = `${ENDPOINT}/deployments/{deploymentName}`;
const ML = 'Microsoft.MachineLearningServices/2022-10-01';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Example {
  parameters: Json;
  responses: Record<string, { body?: unknown }>;
}

interface Replay {
  file: string;
  method: string;
  path: string;
  /** The example's parameter that is the request body. */
  body?: 'parameters' | 'body';
  /** A change to the example's request, with the reason it cannot be sent as is. */
  substitute?: { reason: string; apply: (parameters: Json, subscriptionId: string) => void };
}

// An inline template in place of the examples' templateLink to https://example.com/exampleTemplate.json: the
// stand-in, like this machine, has no internet, and that URI holds no template in Azure either.
const INLINE_TEMPLATE = {
  reason: 'templateLink https://example.com/exampleTemplate.json replaced by an inline empty template',
  apply: (parameters: Json) => {
    delete parameters.parameters.properties.templateLink;
    parameters.parameters.properties.template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources: []
    };
  }
};

// The deployment examples name their model, code and environment "string": the ids of the assets the
// CodeVersion/EnvironmentVersion/ModelVersion examples created just before, in the same workspace.
const EXAMPLE_ASSETS = {
  reason:
    'model/code/environment "string" replaced by the ids the asset examples created; instanceType by a real SKU',
  apply: (parameters: Json, subscriptionId: string) => {
    const workspace = `/subscriptions/${subscriptionId}/resourceGroups/test-rg/providers/Microsoft.MachineLearningServices/workspaces/my-aml-workspace`;
    const properties = parameters.body.properties;
    properties.model = `${workspace}/models/string/versions/string`;
    properties.environmentId = `${workspace}/environments/string/versions/string`;
    properties.codeConfiguration.codeId = `${workspace}/codes/string/versions/string`;
    properties.instanceType = 'Standard_DS3_v2';
  }
};

const API_VERSIONS = ['2024-11-01', '2025-04-01', '2022-10-01'];
const KUBERNETES_ENDPOINT = 'testKubernetesEndpoint';
const TOKEN_ENDPOINT = 'testTokenEndpoint';

/** In the order a user would call them: creates before reads, deletes last. */
const REPLAYS: Replay[] = [
  { file: 'Microsoft.KeyVault/2024-11-01/createVault.json', method: 'PUT', path: VAULT, body: 'parameters' },
  { file: 'Microsoft.KeyVault/2024-11-01/getVault.json', method: 'GET', path: VAULT },
  {
    file: 'Microsoft.KeyVault/2024-11-01/updateVault.json',
    method: 'PATCH',
    path: VAULT,
    body: 'parameters'
  },
  {
    file: 'Microsoft.KeyVault/2024-11-01/updateAccessPoliciesAdd.json',
    method: 'PUT',
    path: `${VAULT}/accessPolicies/{operationKind}`,
    body: 'parameters',
    substitute: {
      reason:
        "resource group 'sample-group' → 'sample-resource-group', where the createVault example put the vault",
      apply: parameters => (parameters.resourceGroupName = 'sample-resource-group')
    }
  },
  { file: 'Microsoft.KeyVault/2024-11-01/deleteVault.json', method: 'DELETE', path: VAULT },
  {
    file: 'Microsoft.KeyVault/2024-11-01/listDeletedVaults.json',
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/providers/Microsoft.KeyVault/deletedVaults'
  },
  { file: 'Microsoft.KeyVault/2024-11-01/getDeletedVault.json', method: 'GET', path: DELETED_VAULT },
  {
    file: 'Microsoft.KeyVault/2024-11-01/purgeDeletedVault.json',
    method: 'POST',
    path: `${DELETED_VAULT}/purge`
  },
  {
    file: 'Microsoft.Resources/2025-04-01/PostDeploymentValidateOnResourceGroup.json',
    method: 'POST',
    path: `${DEPLOYMENT}/validate`,
    body: 'parameters',
    substitute: INLINE_TEMPLATE
  },
  {
    file: 'Microsoft.Resources/2025-04-01/PostDeploymentWhatIfOnResourceGroup.json',
    method: 'POST',
    path: `${DEPLOYMENT}/whatIf`,
    body: 'parameters',
    substitute: INLINE_TEMPLATE
  },
  {
    file: 'Microsoft.Resources/2025-04-01/PutDeploymentResourceGroup.json',
    method: 'PUT',
    path: DEPLOYMENT,
    body: 'parameters',
    substitute: INLINE_TEMPLATE
  },
  { file: `${ML}/Workspace/get.json`, method: 'GET', path: WORKSPACE },
  {
    file: `${ML}/Workspace/diagnose.json`,
    method: 'POST',
    path: `${WORKSPACE}/diagnose`,
    body: 'parameters'
  },
  { file: `${ML}/Workspace/resyncKeys.json`, method: 'POST', path: `${WORKSPACE}/resyncKeys` },
  {
    file: `${ML}/Datastore/AzureBlobWAccountKey/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/datastores/{name}`,
    body: 'body'
  },
  { file: `${ML}/Datastore/get.json`, method: 'GET', path: `${WORKSPACE}/datastores/{name}` },
  {
    file: `${ML}/Datastore/listSecrets.json`,
    method: 'POST',
    path: `${WORKSPACE}/datastores/{name}/listSecrets`
  },
  {
    file: `${ML}/CodeContainer/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/codes/{name}`,
    body: 'body'
  },
  {
    file: `${ML}/CodeVersion/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/codes/{name}/versions/{version}`,
    body: 'body'
  },
  {
    file: `${ML}/EnvironmentContainer/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/environments/{name}`,
    body: 'body'
  },
  {
    file: `${ML}/EnvironmentVersion/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/environments/{name}/versions/{version}`,
    body: 'body'
  },
  {
    file: `${ML}/EnvironmentVersion/get.json`,
    method: 'GET',
    path: `${WORKSPACE}/environments/{name}/versions/{version}`
  },
  {
    file: `${ML}/ModelContainer/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/models/{name}`,
    body: 'body'
  },
  {
    file: `${ML}/ModelVersion/createOrUpdate.json`,
    method: 'PUT',
    path: `${WORKSPACE}/models/{name}/versions/{version}`,
    body: 'body'
  },
  { file: `${ML}/OnlineEndpoint/update.json`, method: 'PATCH', path: ENDPOINT, body: 'body' },
  { file: `${ML}/OnlineEndpoint/get.json`, method: 'GET', path: ENDPOINT },
  { file: `${ML}/OnlineEndpoint/listKeys.json`, method: 'POST', path: `${ENDPOINT}/listKeys` },
  {
    file: `${ML}/OnlineEndpoint/regenerateKeys.json`,
    method: 'POST',
    path: `${ENDPOINT}/regenerateKeys`,
    body: 'body'
  },
  {
    file: `${ML}/OnlineEndpoint/getToken.json`,
    method: 'POST',
    path: `${ENDPOINT}/token`,
    substitute: {
      reason:
        'an AMLToken endpoint of its own: Azure gives tokens only to AMLToken endpoints, keys only to Key ones',
      apply: parameters => (parameters.endpointName = TOKEN_ENDPOINT)
    }
  },
  {
    file: `${ML}/OnlineDeployment/ManagedOnlineDeployment/createOrUpdate.json`,
    method: 'PUT',
    path: ONLINE_DEPLOYMENT,
    body: 'body',
    substitute: EXAMPLE_ASSETS
  },
  { file: `${ML}/OnlineDeployment/ManagedOnlineDeployment/get.json`, method: 'GET', path: ONLINE_DEPLOYMENT },
  {
    file: `${ML}/OnlineDeployment/KubernetesOnlineDeployment/createOrUpdate.json`,
    method: 'PUT',
    path: ONLINE_DEPLOYMENT,
    body: 'body',
    substitute: {
      reason: `${EXAMPLE_ASSETS.reason}; a Kubernetes endpoint of its own (a managed one refuses Kubernetes deployments)`,
      apply: (parameters, subscriptionId) => {
        EXAMPLE_ASSETS.apply(parameters, subscriptionId);
        parameters.endpointName = KUBERNETES_ENDPOINT;
      }
    }
  },
  {
    file: `${ML}/OnlineDeployment/getLogs.json`,
    method: 'POST',
    path: `${ONLINE_DEPLOYMENT}/getLogs`,
    body: 'body',
    substitute: {
      reason:
        'no example creates testrg123/workspace123/testEndpoint/testDeployment: the managed example deployment',
      apply: parameters =>
        Object.assign(parameters, {
          resourceGroupName: 'test-rg',
          workspaceName: 'my-aml-workspace',
          endpointName: 'testEndpointName',
          deploymentName: 'testDeploymentName'
        })
    }
  },
  { file: `${ML}/OnlineEndpoint/delete.json`, method: 'DELETE', path: ENDPOINT }
];

/** Paths every documented answer of a resource carries, requested or not. */
const ALWAYS_ANSWERED = [
  'id',
  'name',
  'type',
  'location',
  'properties',
  'properties.provisioningState',
  'value',
  'status'
];

/** Map-valued properties whose keys are names the request chose, not part of the documented shape. */
const FREE_FORM = [
  'tags',
  'properties.properties',
  'properties.tags',
  'properties.environmentVariables',
  'identity.userAssignedIdentities'
];

function fill(template: string, parameters: Json): { path: string; used: Set<string> } {
  const used = new Set<string>();
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    used.add(name);
    if (parameters[name] === undefined) throw new Error(`example has no parameter '${name}'`);
    return encodeURIComponent(String(parameters[name]));
  });
  return { path, used };
}

describe('Microsoft REST examples replayed against the stand-in', () => {
  const step = stepTable('REST example conformance');
  let standIn: AzureStandIn;
  let token: string;

  beforeAll(async () => {
    // keyVaultWriteBusyMs 0: the replay is one sequential client; the 409 a vault answers while another write
    // runs (Azure's ConflictError) is for concurrent writers, which a replay of documented calls never is.
    standIn = await startAzureStandIn({
      blob: false,
      knobs: { lroDurationMs: 100, retryAfterSeconds: 0, keyVaultWriteBusyMs: 0 }
    });
    token = await armToken(standIn);
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  /** The groups, workspaces and endpoints the examples assume exist (no example creates them). */
  async function prerequisites(parameters: Json, path: string): Promise<void> {
    const sub = standIn.facts.subscriptionId;
    const ensure = async (resourcePath: string, body: unknown, apiVersion: string): Promise<void> => {
      const url = `${resourcePath}?api-version=${apiVersion}`;
      if ((await send(standIn, 'GET', url, { token })).status === 200) return;
      const put = await send(standIn, 'PUT', url, { token, body });
      if (put.status >= 300) throw new Error(`prerequisite ${resourcePath}: ${put.status} ${put.text}`);
      for (let i = 0; i < 100; i += 1) {
        const state = (await send(standIn, 'GET', url, { token })).body?.properties?.provisioningState;
        if (!state || state === 'Succeeded') return;
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    };
    if (parameters.resourceGroupName) {
      await ensure(
        `/subscriptions/${sub}/resourcegroups/${parameters.resourceGroupName}`,
        { location: 'westus' },
        '2021-04-01'
      );
    }
    if (parameters.workspaceName) {
      await ensure(fill(WORKSPACE, parameters).path, { location: 'westus', properties: {} }, '2022-10-01');
    }
    if (parameters.endpointName && !/^PATCH|^DELETE/.test(path)) {
      // Azure gives tokens only to AMLToken endpoints and keys only to Key ones; a Kubernetes endpoint names
      // its attached compute.
      const properties: Json = { authMode: parameters.endpointName === TOKEN_ENDPOINT ? 'AMLToken' : 'Key' };
      if (parameters.endpointName === KUBERNETES_ENDPOINT) {
        properties.compute = `${fill(WORKSPACE, parameters).path}/computes/aks-compute`;
      }
      await ensure(fill(ENDPOINT, parameters).path, { location: 'westus', properties }, '2022-10-01');
    }
  }

  /** Waits, as a client following the documented LRO would, until a written resource is no longer in progress. */
  async function settle(path: string): Promise<void> {
    const resource = `${path.replace(/\/(purge|listKeys|listSecrets|regenerateKeys|token|getLogs|diagnose|resyncKeys|validate|whatIf|accessPolicies\/\w+)$/, '')}`;
    for (let i = 0; i < 100; i += 1) {
      const reply = await send(
        standIn,
        'GET',
        `${resource}?api-version=${API_VERSIONS[resource.includes('KeyVault') ? 0 : resource.includes('Resources') ? 1 : 2]}`,
        { token }
      );
      const state = reply.body?.properties?.provisioningState;
      if (reply.status !== 200 || !state || ['Succeeded', 'Failed', 'Canceled'].includes(state)) return;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  for (const replay of REPLAYS) {
    step(`${replay.method} ${replay.file.replace(/^Microsoft\.(\w+)\/[\d-]+\//, '$1 ')}`, async () => {
      const example = JSON.parse(await readFile(EXAMPLES + replay.file, 'utf8')) as Example;
      const parameters = structuredClone(example.parameters);
      parameters.subscriptionId = standIn.facts.subscriptionId;
      replay.substitute?.apply(parameters, standIn.facts.subscriptionId);
      await prerequisites(parameters, `${replay.method} ${replay.path}`);
      const { path, used } = fill(replay.path, parameters);
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(parameters)) {
        if (!used.has(name) && name !== replay.body && typeof value !== 'object')
          query.set(name, String(value));
      }
      const reply = await send(standIn, replay.method, `${path}?${query}`, {
        token,
        body: replay.body ? parameters[replay.body] : undefined
      });
      if (replay.method !== 'GET') await settle(path);
      const documented = Object.keys(example.responses);
      if (!documented.includes(String(reply.status))) {
        throw new Error(
          `status ${reply.status} is not one of the documented ${documented.join(', ')}: ${reply.text.slice(0, 300)}`
        );
      }
      const expected = example.responses[String(reply.status)]?.body;
      if (expected === undefined) return;
      // A documented path must be there when the request set it (an echo) or when it is one every resource
      // answer has; the others are optional (Azure answers them once configured) and only reported.
      const requested = propertyPaths(replay.body ? parameters[replay.body] : undefined);
      const missing = missingPaths(expected, reply.body, FREE_FORM);
      const required = missing.filter(path => requested.has(path) || ALWAYS_ANSWERED.includes(path));
      if (required.length > 0) throw new Error(`missing property paths: ${required.join(', ')}`);
      return missing.length > 0
        ? `${missing.length} optional paths not answered: ${missing.join(', ')}`
        : undefined;
    });
  }
});
