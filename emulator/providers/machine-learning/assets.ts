import type { HttpResult } from '../../http-result.js';
import type { StoredResource } from '../../arm/resource-store.js';
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

/** Asset kinds: collection segment → what users call it and which fields define a version's content. */
const ASSET_KINDS: Record<string, { label: string; content: string[]; defaults: Record<string, unknown> }> = {
  models: {
    label: 'Model',
    content: ['modelUri', 'modelType', 'flavors', 'jobName', 'properties', 'isAnonymous'],
    defaults: { modelType: 'custom_model', isAnonymous: false, properties: {} }
  },
  codes: {
    label: 'Code',
    content: ['codeUri', 'properties', 'isAnonymous'],
    defaults: { isAnonymous: false, properties: {} }
  },
  environments: {
    label: 'Environment',
    content: ['image', 'condaFile', 'build', 'inferenceConfig', 'osType', 'properties', 'isAnonymous'],
    defaults: { osType: 'Linux', isAnonymous: false, properties: {} }
  }
};

/** The asset collections this module serves. */
export function isAssetType(segment: string): boolean {
  return segment.toLowerCase() in ASSET_KINDS;
}

function kindOf(m: MlRequest): {
  segment: string;
  label: string;
  content: string[];
  defaults: Record<string, unknown>;
} {
  const segment = m.resource.types[1].toLowerCase();
  return { segment, ...ASSET_KINDS[segment] };
}

/** Keys sorted, so two documents with the same content compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function changedContent(
  kind: ReturnType<typeof kindOf>,
  before: Record<string, unknown>,
  after: Record<string, unknown>
): string[] {
  const value = (doc: Record<string, unknown>, field: string) =>
    canonical(doc[field] ?? kind.defaults[field] ?? null);
  return kind.content.filter(field => value(before, field) !== value(after, field));
}

function validateVersion(
  kind: ReturnType<typeof kindOf>,
  properties: Record<string, unknown>
): HttpResult | undefined {
  if (kind.segment === 'models' && typeof properties.modelUri !== 'string') {
    return mlErrors.badRequest("A model version needs 'modelUri'.", 'properties.modelUri');
  }
  if (kind.segment === 'codes' && typeof properties.codeUri !== 'string') {
    return mlErrors.badRequest("A code version needs 'codeUri'.", 'properties.codeUri');
  }
  if (kind.segment === 'environments' && !properties.image && !properties.build) {
    return mlErrors.badRequest(
      "An environment version needs 'image' (optionally with 'condaFile') or 'build'.",
      'properties.image'
    );
  }
  return undefined;
}

function refreshContainer(m: MlRequest, containerId: string): void {
  const versions = m.ctx.store
    .list({ under: containerId, type: `${m.resource.type.split('/').slice(0, 3).join('/')}/versions` })
    .map(v => v.name);
  const numeric = versions.map(Number).filter(Number.isInteger);
  const latest = numeric.length > 0 ? String(Math.max(...numeric)) : versions.at(-1);
  m.ctx.store.update(containerId, doc => {
    doc.properties = {
      ...doc.properties,
      latestVersion: latest ?? null,
      nextVersion: numeric.length > 0 ? String(Math.max(...numeric) + 1) : '1'
    };
  });
}

function putVersion(
  m: MlRequest,
  kind: ReturnType<typeof kindOf>,
  containerId: string,
  id: string
): HttpResult {
  const properties = propertiesOf(bodyObject(m.req));
  delete properties.provisioningState;
  const invalid = validateVersion(kind, properties);
  if (invalid) return invalid;
  const existing = m.ctx.store.get(id);
  if (existing) {
    const changed = changedContent(kind, existing.properties ?? {}, properties);
    if (changed.length > 0)
      return mlErrors.immutable(kind.label, m.resource.names[1], m.resource.name, changed);
  }
  if (!m.ctx.store.has(containerId)) {
    // The service creates a version's container on first use.
    m.ctx.store.put(containerId, {
      systemData: systemData(m.req),
      properties: { isArchived: false, tags: {}, properties: {} }
    });
  }
  const document: Partial<StoredResource> = {
    systemData: systemData(m.req, existing),
    properties: {
      ...kind.defaults,
      ...(kind.segment === 'environments' ? { environmentType: 'UserCreated' } : {}),
      isArchived: false,
      ...existing?.properties,
      ...properties
    }
  };
  const { resource } = m.ctx.store.put(id, document);
  refreshContainer(m, containerId);
  return { status: existing ? 200 : 201, body: resource };
}

/** models|codes|environments containers and their versions: PUT, GET, list, DELETE. */
export function handleAsset(m: MlRequest): HttpResult {
  const kind = kindOf(m);
  const { resource } = m;
  const workspace = resource.names[0];
  const containerType = `${ML_NAMESPACE}/workspaces/${resource.types[1]}`;
  if (resource.types.length === 2 && resource.isCollection) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, resource.type);
    return listResult(m.ctx.store.list({ under: m.workspaceId, type: containerType }));
  }
  const containerId = childId(m.workspaceId, resource.types[1], resource.names[1]);
  if (resource.types.length === 3 && resource.isCollection) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, resource.type);
    return listResult(m.ctx.store.list({ under: containerId, type: `${containerType}/versions` }));
  }
  const isVersion = resource.types.length === 3;
  const id = isVersion ? `${containerId}/versions/${resource.name}` : containerId;
  const label = isVersion
    ? `${kind.label} version '${resource.names[1]}:${resource.name}'`
    : `${kind.label} container`;
  switch (m.req.method) {
    case 'GET': {
      const doc = m.ctx.store.get(id);
      return doc
        ? { status: 200, body: doc }
        : mlErrors.notFound(label, isVersion ? resource.names[1] : resource.name, workspace);
    }
    case 'PUT': {
      if (isVersion) return putVersion(m, kind, containerId, id);
      const existing = m.ctx.store.get(id);
      const properties: Record<string, unknown> = {
        isArchived: false,
        ...existing?.properties,
        ...propertiesOf(bodyObject(m.req))
      };
      delete properties.provisioningState;
      const { resource: doc } = m.ctx.store.put(id, { systemData: systemData(m.req, existing), properties });
      return { status: existing ? 200 : 201, body: doc };
    }
    case 'DELETE': {
      const existed = m.ctx.store.delete(id);
      if (isVersion && existed) refreshContainer(m, containerId);
      return { status: existed ? 200 : 204 };
    }
    default:
      return mlErrors.methodNotAllowed(m.req.method, resource.type);
  }
}
