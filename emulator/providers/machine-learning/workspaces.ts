import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../../http-result.js';
import type { StoredResource } from '../../arm/resource-store.js';
import { resourceGroupId } from '../../arm/resource-id.js';
import { resourceGroupNotFound } from '../../arm/resource-groups.js';
import { mlErrors } from './ml-errors.js';
import {
  bodyObject,
  childId,
  listResult,
  ML_NAMESPACE,
  propertiesOf,
  systemData,
  type MlRequest
} from './ml-context.js';

export const DEFAULT_DATASTORE = 'workspaceblobstore';
/** The artifact store: image build logs live in its `azureml` container, as in a real workspace. */
export const ARTIFACT_DATASTORE = 'workspaceartifactstore';
export const ARTIFACT_CONTAINER = 'azureml';

function datastoreDocument(
  accountName: string,
  containerName: string,
  isDefault: boolean
): Record<string, unknown> {
  return {
    description: null,
    tags: {},
    properties: {},
    isDefault,
    credentials: { credentialsType: 'AccountKey' },
    datastoreType: 'AzureBlob',
    accountName,
    containerName,
    endpoint: 'core.windows.net',
    protocol: 'https',
    serviceDataAccessAuthIdentity: 'WorkspaceSystemAssignedIdentity'
  };
}

function linkedIds(m: MlRequest, workspace: string): Record<string, string> {
  const group = resourceGroupId(m.resource.subscriptionId, m.resource.resourceGroup);
  const suffix = workspace
    .replace(/[^a-z0-9]/gi, '')
    .toLowerCase()
    .slice(0, 12);
  return {
    storageAccount: `${group}/providers/Microsoft.Storage/storageAccounts/${m.ctx.facts.storageAccountName}`,
    keyVault: `${group}/providers/Microsoft.KeyVault/vaults/kv${suffix}`,
    applicationInsights: `${group}/providers/microsoft.insights/components/ai${suffix}`
  };
}

/** PUT workspace: an Azure-AsyncOperation LRO that also creates the default datastores and containers. */
function putWorkspace(m: MlRequest): HttpResult {
  const body = bodyObject(m.req);
  if (!body) return mlErrors.badRequest('The request body must be a JSON object.');
  const existing = m.ctx.store.get(m.workspaceId);
  const requested = propertiesOf(body);
  const workspaceGuid = (existing?.properties?.workspaceId as string | undefined) ?? randomUUID();
  const properties: Record<string, unknown> = {
    ...linkedIds(m, m.resource.name),
    friendlyName: m.resource.name,
    hbiWorkspace: false,
    publicNetworkAccess: 'Enabled',
    v1LegacyMode: false,
    ...existing?.properties,
    ...requested,
    workspaceId: workspaceGuid,
    discoveryUrl: `${m.ctx.facts.armEndpoint}/discovery`,
    mlFlowTrackingUri: `azureml://local/mlflow/v1.0${m.workspaceId}`,
    provisioningState: existing ? 'Updating' : 'Creating'
  };
  const { resource } = m.ctx.store.put(m.workspaceId, {
    location: (body.location as string | undefined) ?? existing?.location ?? 'westeurope',
    tags: (body.tags as Record<string, string> | undefined) ?? existing?.tags ?? {},
    identity: {
      type: 'SystemAssigned',
      principalId: (existing?.identity as { principalId?: string } | undefined)?.principalId ?? randomUUID(),
      tenantId: m.ctx.facts.tenantId
    },
    sku: (body.sku as object | undefined) ?? { name: 'Basic', tier: 'Basic' },
    kind: (body.kind as string | undefined) ?? 'Default',
    systemData: systemData(m.req, existing),
    properties
  });
  const blobContainer = `azureml-blobstore-${workspaceGuid}`;
  const datastores: [string, string, boolean][] = [
    [DEFAULT_DATASTORE, blobContainer, true],
    [ARTIFACT_DATASTORE, ARTIFACT_CONTAINER, false]
  ];
  for (const [name, container, isDefault] of datastores) {
    const id = childId(m.workspaceId, 'datastores', name);
    if (m.ctx.store.has(id)) continue;
    m.ctx.store.put(id, {
      systemData: systemData(m.req),
      properties: datastoreDocument(m.ctx.facts.storageAccountName, container, isDefault)
    });
  }
  const operation = m.state.operations.start(m.resource.subscriptionId);
  const duration = m.ctx.knobs.lroDurationMs;
  const storage = m.state.storage(m.ctx);
  const started = Date.now();
  void Promise.all(datastores.map(([, container]) => storage.ensureContainer(container)))
    // A stand-in started without blob storage (`blob: false`, infra-only tests) answers 503: the workspace
    // and its datastore documents still exist, as the tests of templates need, only without containers.
    .catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 503) throw error;
    })
    .then(async () => {
      await new Promise(resolve => setTimeout(resolve, Math.max(0, duration - (Date.now() - started))));
      m.ctx.store.update(m.workspaceId, doc => {
        doc.properties = { ...doc.properties, provisioningState: 'Succeeded' };
      });
      m.state.operations.settle(operation, { status: 'Succeeded' });
    })
    .catch((error: Error) => {
      m.ctx.store.update(m.workspaceId, doc => {
        doc.properties = { ...doc.properties, provisioningState: 'Failed' };
      });
      m.state.operations.settle(operation, {
        status: 'Failed',
        error: {
          code: 'StorageAccountUnavailable',
          message: `Creating the blob containers failed: ${error.message}`
        }
      });
    });
  return {
    status: existing ? 200 : 201,
    headers: m.state.operations.headers(
      operation,
      m.ctx.facts.armEndpoint,
      m.req.apiVersion,
      m.ctx.knobs.retryAfterSeconds
    ),
    body: resource
  };
}

/** Workspaces: PUT (LRO), GET, DELETE, list in the group. */
export function handleWorkspace(m: MlRequest): HttpResult {
  const group = resourceGroupId(m.resource.subscriptionId, m.resource.resourceGroup);
  if (!m.ctx.store.has(group)) return resourceGroupNotFound(m.resource.resourceGroup);
  if (m.resource.isCollection) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, m.resource.type);
    return listResult(m.ctx.store.list({ under: group, type: `${ML_NAMESPACE}/workspaces` }));
  }
  switch (m.req.method) {
    case 'PUT':
      return putWorkspace(m);
    case 'GET': {
      const found = m.ctx.store.get(m.workspaceId);
      return found
        ? { status: 200, body: found }
        : mlErrors.workspaceNotFound(m.resource.resourceGroup, m.resource.name);
    }
    case 'DELETE':
      void m.state.runtime.stopUnder(m.workspaceId);
      return { status: m.ctx.store.delete(m.workspaceId) ? 200 : 204 };
    default:
      return mlErrors.methodNotAllowed(m.req.method, m.resource.type);
  }
}

/** The container behind a datastore of this workspace, or undefined. */
export function datastoreContainer(
  m: Pick<MlRequest, 'ctx' | 'workspaceId'>,
  name: string
): string | undefined {
  const doc = m.ctx.store.get(childId(m.workspaceId, 'datastores', name));
  return doc?.properties?.containerName as string | undefined;
}

function presentDatastore(doc: StoredResource): StoredResource {
  const properties = { ...doc.properties };
  delete properties.provisioningState;
  const credentials = { ...(properties.credentials as Record<string, unknown> | undefined) };
  delete credentials.secrets; // secrets only ever leave through listSecrets
  properties.credentials = credentials;
  return { ...doc, properties };
}

/** Datastores: PUT, GET, list, DELETE and POST listSecrets. */
export function handleDatastore(m: MlRequest): HttpResult {
  const { resource } = m;
  if (resource.isCollection && resource.types.length === 2) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, resource.type);
    const all = m.ctx.store.list({ under: m.workspaceId, type: `${ML_NAMESPACE}/workspaces/datastores` });
    return listResult(all.map(presentDatastore));
  }
  const name = resource.names[1];
  const id = childId(m.workspaceId, 'datastores', name);
  if (resource.isCollection) {
    // POST …/datastores/{name}/listSecrets
    if (resource.types[2].toLowerCase() !== 'listsecrets' || m.req.method !== 'POST') {
      return mlErrors.methodNotAllowed(m.req.method, resource.type);
    }
    const doc = m.ctx.store.get(id);
    if (!doc) return mlErrors.notFound('Datastore', name, resource.names[0]);
    const secrets = (doc.properties?.credentials as { secrets?: Record<string, unknown> } | undefined)
      ?.secrets;
    return {
      status: 200,
      body: secrets ?? { secretsType: 'AccountKey', key: m.ctx.facts.storageAccountKey }
    };
  }
  switch (m.req.method) {
    case 'GET': {
      const doc = m.ctx.store.get(id);
      return doc
        ? { status: 200, body: presentDatastore(doc) }
        : mlErrors.notFound('Datastore', name, resource.names[0]);
    }
    case 'PUT': {
      const properties = propertiesOf(bodyObject(m.req));
      if (typeof properties.datastoreType !== 'string') {
        return mlErrors.badRequest(
          "The datastore's 'datastoreType' is required.",
          'properties.datastoreType'
        );
      }
      const existing = m.ctx.store.get(id);
      const { created, resource: doc } = m.ctx.store.put(id, {
        systemData: systemData(m.req, existing),
        properties: { isDefault: false, ...properties }
      });
      return { status: created ? 201 : 200, body: presentDatastore(doc) };
    }
    case 'DELETE':
      return { status: m.ctx.store.delete(id) ? 200 : 204 };
    default:
      return mlErrors.methodNotAllowed(m.req.method, resource.type);
  }
}
