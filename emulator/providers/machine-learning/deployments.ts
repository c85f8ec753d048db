import type { HttpResult } from '../../http-result.js';
import type { StoredResource } from '../../arm/resource-store.js';
import { resolveAssetUri } from './blob-storage.js';
import type { ComputeType, DeploymentSpec } from './deployment-runtime.js';
import { mlErrors } from './ml-errors.js';
import {
  bodyObject,
  childId,
  listResult,
  mlKnob,
  ML_NAMESPACE,
  propertiesOf,
  systemData,
  type MlRequest
} from './ml-context.js';
import { datastoreContainer } from './workspaces.js';

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of an ISO 8601 duration such as `PT5S` (how requestSettings.requestTimeout is sent). */
export function durationMs(value: unknown, fallback: number): number {
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!match) return fallback;
  const [, d, h, m, s] = match.map(part => Number(part ?? 0));
  return Math.round((((d * 24 + h) * 60 + m) * 60 + s) * 1000);
}

/**
 * An asset reference as deployments carry it: a full ARM id, or the `azureml:name:version` short form.
 * Returns the version document's id in this workspace.
 */
function assetVersionId(workspaceId: string, kind: string, reference: string): string {
  const short = /^azureml:([^:/]+):([^:/]+)$/.exec(reference);
  if (short) return `${workspaceId}/${kind}/${short[1]}/versions/${short[2]}`;
  return reference.replace(/^azureml:/, '');
}

function lookup(m: MlRequest, kind: string, reference: unknown): StoredResource | HttpResult {
  if (typeof reference !== 'string' || reference === '') {
    return mlErrors.badRequest(`The deployment needs a ${kind} reference.`);
  }
  const doc = m.ctx.store.get(assetVersionId(m.workspaceId, kind, reference));
  return doc ?? mlErrors.badRequest(`Could not find asset with ID: ${reference}`, kind);
}

function isResult(value: StoredResource | HttpResult): value is HttpResult {
  return 'status' in value && typeof value.status === 'number';
}

/** Resolves the model, code and environment of a deployment into what the runtime needs. */
function resolveSpec(
  m: MlRequest,
  id: string,
  properties: Record<string, unknown>,
  compute: ComputeType,
  capacity: number
): DeploymentSpec | HttpResult {
  const model = lookup(m, 'models', properties.model);
  if (isResult(model)) return model;
  const environment = lookup(m, 'environments', properties.environmentId);
  if (isResult(environment)) return environment;
  const codeConfiguration = (properties.codeConfiguration ?? undefined) as
    { codeId?: string; scoringScript?: string } | undefined;
  const code = codeConfiguration ? lookup(m, 'codes', codeConfiguration.codeId) : undefined;
  if (code && isResult(code)) return code;
  const containerOf = (datastore: string) => datastoreContainer(m, datastore);
  const blobEndpoint = m.ctx.facts.blobEndpoint;
  const modelUri = String(model.properties?.modelUri ?? '');
  const codeUri = String(code?.properties?.codeUri ?? '');
  const requestSettings = (properties.requestSettings ?? {}) as Record<string, unknown>;
  const versionName = model.id.split('/');
  return {
    id,
    compute,
    model: {
      name: versionName[versionName.length - 3],
      version: versionName[versionName.length - 1],
      uri: modelUri,
      location: resolveAssetUri(modelUri, blobEndpoint, containerOf)
    },
    code: code
      ? {
          uri: codeUri,
          location: resolveAssetUri(codeUri, blobEndpoint, containerOf),
          scoringScript: codeConfiguration?.scoringScript ?? 'score.py'
        }
      : undefined,
    environment: {
      condaFile: environment.properties?.condaFile as string | undefined,
      image: environment.properties?.image as string | undefined
    },
    environmentVariables: (properties.environmentVariables as Record<string, string> | undefined) ?? {},
    maxConcurrentRequestsPerInstance: Number(requestSettings.maxConcurrentRequestsPerInstance ?? 1),
    instanceCount: capacity,
    requestTimeoutMs: durationMs(requestSettings.requestTimeout, 5000),
    storage: m.state.storage(m.ctx),
    storageAccountName: m.ctx.facts.storageAccountName,
    unavailablePackages: m.state.unavailablePackages,
    timing: {
      imageBuildMs: mlKnob(m.ctx, 'mlImageBuildMs'),
      crashLoopWindowMs: mlKnob(m.ctx, 'mlCrashLoopWindowMs'),
      crashLoopBackoffMs: mlKnob(m.ctx, 'mlCrashLoopBackoffMs'),
      startTimeoutMs: mlKnob(m.ctx, 'mlContainerStartTimeoutMs')
    }
  };
}

function putDeployment(m: MlRequest, endpointId: string, id: string): HttpResult {
  const body = bodyObject(m.req);
  if (!body) return mlErrors.badRequest('The request body must be a JSON object.');
  const endpoint = m.ctx.store.get(endpointId);
  if (!endpoint) return mlErrors.notFound('Online endpoint', m.resource.names[1], m.resource.names[0]);
  const properties = propertiesOf(body);
  delete properties.provisioningState;
  const compute = properties.endpointComputeType;
  if (compute !== 'Managed' && compute !== 'Kubernetes') {
    return mlErrors.badRequest(
      "'endpointComputeType' must be 'Managed' or 'Kubernetes'.",
      'properties.endpointComputeType'
    );
  }
  if ((compute === 'Kubernetes') !== Boolean(endpoint.properties?.compute)) {
    return mlErrors.badRequest(
      `A ${compute} deployment cannot be added to endpoint '${m.resource.names[1]}', which is ${endpoint.properties?.compute ? 'a Kubernetes' : 'a managed'} endpoint.`,
      'properties.endpointComputeType'
    );
  }
  const sku = (body.sku ?? { name: 'Default', capacity: 1 }) as { capacity?: number };
  const capacity = Number(sku.capacity ?? 1);
  const spec = resolveSpec(m, id, properties, compute, capacity);
  if ('status' in spec) return spec;
  const existing = m.ctx.store.get(id);
  const { resource } = m.ctx.store.put(id, {
    location: (body.location as string | undefined) ?? endpoint.location,
    tags: (body.tags as Record<string, string> | undefined) ?? {},
    kind: (body.kind as string | undefined) ?? compute,
    sku: { name: 'Default', tier: 'Standard', ...sku, capacity },
    systemData: systemData(m.req, existing),
    properties: {
      scaleSettings: { scaleType: 'Default' },
      appInsightsEnabled: false,
      egressPublicNetworkAccess: 'Enabled',
      ...properties,
      requestSettings: {
        requestTimeout: 'PT5S',
        maxConcurrentRequestsPerInstance: 1,
        ...(properties.requestSettings as object | undefined)
      },
      provisioningState: existing ? 'Updating' : 'Creating'
    }
  });
  const operation = m.state.operations.start(m.resource.subscriptionId);
  void m.state.runtime.start(spec).then(outcome => {
    if (outcome.status === 'Canceled') return m.state.operations.settle(operation, outcome);
    m.ctx.store.update(id, doc => {
      doc.properties = { ...doc.properties, provisioningState: outcome.status };
    });
    m.state.operations.settle(operation, outcome);
  });
  const headers = m.state.operations.headers(
    operation,
    m.ctx.facts.armEndpoint,
    m.req.apiVersion,
    m.ctx.knobs.retryAfterSeconds
  );
  return { status: existing ? 200 : 201, headers, body: resource };
}

function getLogs(m: MlRequest, id: string): HttpResult {
  if (m.req.method !== 'POST') return mlErrors.methodNotAllowed(m.req.method, m.resource.type);
  if (!m.ctx.store.has(id))
    return mlErrors.notFound('Online deployment', m.resource.names[2], m.resource.names[0]);
  const request = bodyObject(m.req) ?? {};
  const type = String(request.containerType ?? 'InferenceServer')
    .toLowerCase()
    .replace(/[-_]/g, '');
  if (type !== 'inferenceserver' && type !== 'storageinitializer') {
    return mlErrors.badRequest(
      "'containerType' must be 'StorageInitializer' or 'InferenceServer'.",
      'containerType'
    );
  }
  const run = m.state.runtime.get(id);
  const lines = (type === 'storageinitializer' ? run?.storageInitializerLog : run?.inferenceServerLog) ?? [];
  const tail = Number(request.tail ?? 0);
  const shown = Number.isInteger(tail) && tail > 0 ? lines.slice(-tail) : lines;
  return { status: 200, body: { content: shown.join('\n') } };
}

/** Online deployments: PUT (LRO running the real phases), GET, list, DELETE (LRO), getLogs. */
export async function handleDeployment(m: MlRequest): Promise<HttpResult> {
  const { resource } = m;
  const endpointId = childId(m.workspaceId, 'onlineEndpoints', resource.names[1]);
  if (resource.types.length === 3 && resource.isCollection) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, resource.type);
    return listResult(
      m.ctx.store.list({ under: endpointId, type: `${ML_NAMESPACE}/workspaces/onlineEndpoints/deployments` })
    );
  }
  const id = `${endpointId}/deployments/${resource.names[2]}`;
  if (resource.isCollection) {
    if (resource.types[3].toLowerCase() === 'getlogs') return getLogs(m, id);
    return mlErrors.methodNotAllowed(m.req.method, resource.type);
  }
  switch (m.req.method) {
    case 'PUT':
      return putDeployment(m, endpointId, id);
    case 'GET': {
      const doc = m.ctx.store.get(id);
      return doc
        ? { status: 200, body: doc }
        : mlErrors.notFound('Online deployment', resource.name, resource.names[0]);
    }
    case 'DELETE': {
      if (!m.ctx.store.has(id)) return { status: 204 };
      await m.state.runtime.stop(id);
      const operation = m.state.operations.startTimed(
        m.resource.subscriptionId,
        m.ctx.knobs.lroDurationMs,
        () => {
          m.ctx.store.delete(id);
        }
      );
      const headers = m.state.operations.headers(
        operation,
        m.ctx.facts.armEndpoint,
        m.req.apiVersion,
        m.ctx.knobs.retryAfterSeconds
      );
      return { status: 202, headers };
    }
    default:
      return mlErrors.methodNotAllowed(m.req.method, resource.type);
  }
}
