import { armError, type HttpResult } from '../http-result.js';
import type { LroManager } from './lro.js';
import { resourceGroupId, type ResourcePath } from './resource-id.js';
import type { ResourceStore, StoredResource } from './resource-store.js';
import { resourceGroupNotFound } from './resource-groups.js';

// Fields ARM computes; a client's values for them are ignored on PUT.
const READ_ONLY_FIELDS = ['id', 'name', 'type', 'systemData'];

/** ARM's 404 for a missing resource, naming it the way ARM does (`namespace/type/name/...`). */
export function resourceNotFound(resource: ResourcePath): HttpResult {
  const segments = resource.types.flatMap((type, index) => [type, resource.names[index]]).filter(Boolean);
  return armError(
    404,
    'ResourceNotFound',
    `The Resource '${[resource.namespace, ...segments].join('/')}' under resource group '${resource.resourceGroup}' ` +
      'was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix'
  );
}

/** The id of the resource's parent: the resource group for a top-level resource. */
function parentId(resource: ResourcePath): string | undefined {
  if (resource.names.length <= 1) return undefined;
  const segments = resource.types
    .slice(0, resource.names.length - 1)
    .flatMap((t, i) => [t, resource.names[i]]);
  return `${resourceGroupId(resource.subscriptionId, resource.resourceGroup)}/providers/${resource.namespace}/${segments.join('/')}`;
}

function put(store: ResourceStore, resource: ResourcePath, body: unknown): HttpResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return armError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.'
    );
  }
  const parent = parentId(resource);
  if (parent && !store.has(parent)) {
    return armError(
      404,
      'ParentResourceNotFound',
      `Can not perform requested operation on nested resource. Parent resource '${parent.split('/').slice(-3).join('/')}' not found.`
    );
  }
  const doc: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of READ_ONLY_FIELDS) delete doc[field];
  const properties = { ...((doc.properties as Record<string, unknown>) ?? {}) };
  delete properties.provisioningState;
  const { created, resource: stored } = store.put(resource.id, { ...doc, properties });
  return { status: created ? 201 : 200, body: stored };
}

function patch(store: ResourceStore, resource: ResourcePath, body: unknown): HttpResult {
  const change = (body ?? {}) as { tags?: Record<string, string>; properties?: Record<string, unknown> };
  const updated = store.update(resource.id, doc => {
    if (change.tags !== undefined) doc.tags = { ...doc.tags, ...change.tags };
    if (change.properties !== undefined) {
      // provisioningState is ARM's to set, never the client's.
      const merged = { ...doc.properties, ...change.properties };
      merged.provisioningState = doc.properties?.provisioningState ?? 'Succeeded';
      doc.properties = merged;
    }
  });
  return updated ? { status: 200, body: updated } : resourceNotFound(resource);
}

function list(store: ResourceStore, resource: ResourcePath): HttpResult {
  const under =
    parentId({ ...resource, names: [...resource.names, ''] }) ??
    resourceGroupId(resource.subscriptionId, resource.resourceGroup);
  return { status: 200, body: { value: store.list({ under, type: resource.type }) } };
}

/**
 * The generic resource provider: any type under a resource group is stored as sent (PUT creates or
 * replaces, PATCH merges `tags` and `properties`, GET, DELETE, list by type). A stored resource that a
 * provider put into body polling reports `Retry-After` while its provisioningState is not terminal.
 */
export function handleGenericResource(
  method: string,
  resource: ResourcePath,
  body: unknown,
  store: ResourceStore,
  lro: LroManager
): HttpResult {
  if (!store.has(resourceGroupId(resource.subscriptionId, resource.resourceGroup))) {
    return resourceGroupNotFound(resource.resourceGroup);
  }
  if (resource.isCollection) {
    if (method === 'GET') return list(store, resource);
    const action = resource.types[resource.types.length - 1];
    const owner = { ...resource, types: resource.types.slice(0, -1), isCollection: false };
    if (method === 'POST' && !store.has(resource.id.slice(0, resource.id.lastIndexOf('/')))) {
      return resourceNotFound(owner);
    }
    return armError(
      404,
      'NotFound',
      `The local Azure stand-in has no '${action}' action for '${owner.type}'. Register a provider for it.`
    );
  }
  switch (method) {
    case 'PUT':
      return put(store, resource, body);
    case 'PATCH':
      return patch(store, resource, body);
    case 'GET': {
      const found: StoredResource | undefined = store.get(resource.id);
      if (!found) return resourceNotFound(resource);
      return { status: 200, headers: lro.bodyPollingHeaders(store, resource.id), body: found };
    }
    case 'HEAD':
      return { status: store.has(resource.id) ? 204 : 404 };
    case 'DELETE':
      return { status: store.delete(resource.id) ? 200 : 204 };
    default:
      return armError(
        405,
        'MethodNotAllowed',
        `The method '${method}' is not supported on '${resource.type}'.`
      );
  }
}
