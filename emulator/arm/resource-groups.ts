import { armError, type HttpResult } from '../http-result.js';
import type { ProviderContext } from './provider.js';
import { parseResourcePath, resourceGroupId } from './resource-id.js';
import type { ResourceStore, StoredResource } from './resource-store.js';

const GROUP_PATH = /^\/subscriptions\/([^/]+)\/resourcegroups(?:\/([^/]+))?\/?$/i;

// ARM: 1-90 characters of letters, digits, underscores, hyphens, periods and parentheses; no trailing period.
const VALID_NAME = /^[\p{L}\p{N}_\-.()]{1,90}$/u;

/** ARM's 404 for a resource group that does not exist. */
export function resourceGroupNotFound(name: string): HttpResult {
  return armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
}

function present(group: StoredResource): Record<string, unknown> {
  const { id, name, type, location, managedBy, tags, properties } = group;
  const body: Record<string, unknown> = { id, name, type, location };
  if (managedBy !== undefined) body.managedBy = managedBy;
  if (tags !== undefined) body.tags = tags;
  body.properties = { provisioningState: properties?.provisioningState ?? 'Succeeded' };
  return body;
}

function validateName(name: string): HttpResult | undefined {
  if (VALID_NAME.test(name) && !name.endsWith('.')) return undefined;
  const invalid = [...new Set([...name].filter(ch => !/[\p{L}\p{N}_\-.()]/u.test(ch)))].join('');
  const why = name.endsWith('.')
    ? "It must not end with '.'"
    : `It has these invalid characters: '${invalid}'`;
  return armError(
    400,
    'InvalidResourceGroup',
    `The provided resource group name '${name}' is invalid. ${why}. The name can only be a letter, digit, ` +
      `'-', '.', '(', ')' or '_', 1 to 90 characters long, and not end with '.'.`
  );
}

function put(store: ResourceStore, id: string, name: string, body: unknown): HttpResult {
  const invalid = validateName(name);
  if (invalid) return invalid;
  const doc = (body ?? {}) as { location?: unknown; tags?: Record<string, string>; managedBy?: string };
  if (typeof doc.location !== 'string' || doc.location === '') {
    return armError(400, 'LocationRequired', 'The location property is required for this definition.');
  }
  const existing = store.get(id);
  if (existing && existing.location?.toLowerCase() !== doc.location.toLowerCase()) {
    return armError(
      400,
      'InvalidResourceGroupLocation',
      `Invalid resource group location '${doc.location}'. The Resource group already exists in location ` +
        `'${existing.location}'.`
    );
  }
  const { created, resource } = store.put(id, {
    location: existing?.location ?? doc.location,
    tags: doc.tags,
    managedBy: doc.managedBy
  });
  return { status: created ? 201 : 200, body: present(resource) };
}

// A resource group's deletion deletes each resource through its own provider first, as ARM does: a vault
// is soft-deleted (its name stays taken), an ML workspace stops its deployments.
async function deleteContents(ctx: ProviderContext, id: string, apiVersion: string): Promise<void> {
  const topLevel = ctx.store.list({ under: id }).filter(doc => {
    const parsed = parseResourcePath(doc.id);
    return parsed !== undefined && parsed.names.length === 1 && doc.id.split('/providers/').length === 2;
  });
  for (const doc of topLevel) await ctx.dispatch({ method: 'DELETE', path: doc.id, apiVersion });
}

async function remove(ctx: ProviderContext, subscriptionId: string, id: string, apiVersion: string) {
  ctx.store.update(id, group => {
    group.properties = { ...group.properties, provisioningState: 'Deleting' };
  });
  await deleteContents(ctx, id, apiVersion);
  return ctx.lro.location(subscriptionId, {
    apiVersion,
    complete: () => {
      ctx.store.delete(id);
    }
  });
}

/**
 * Resource groups: PUT (201/200), GET, HEAD (204/404), PATCH (tags), DELETE (202 + Location, removing the
 * contained resources when done) and list. Names are case-insensitive as in ARM. Undefined for other paths.
 */
export async function handleResourceGroups(
  method: string,
  path: string,
  body: unknown,
  apiVersion: string,
  ctx: ProviderContext
): Promise<HttpResult | undefined> {
  const { store } = ctx;
  const match = GROUP_PATH.exec(path);
  if (!match) return undefined;
  const subscriptionId = decodeURIComponent(match[1]);
  if (!match[2]) {
    if (method !== 'GET') return undefined;
    const groups = store.list({
      under: `/subscriptions/${subscriptionId}`,
      type: 'Microsoft.Resources/resourceGroups'
    });
    return { status: 200, body: { value: groups.map(present) } };
  }
  const name = decodeURIComponent(match[2]);
  const id = resourceGroupId(subscriptionId, name);
  if (method === 'PUT') return put(store, id, name, body);
  const group = store.get(id);
  if (method === 'HEAD') return { status: group ? 204 : 404 };
  if (!group) return resourceGroupNotFound(name);
  if (method === 'GET') return { status: 200, body: present(group) };
  if (method === 'DELETE') return remove(ctx, subscriptionId, id, apiVersion);
  if (method === 'PATCH') {
    const patch = (body ?? {}) as { tags?: Record<string, string>; managedBy?: string };
    const updated = store.update(id, doc => {
      if (patch.tags !== undefined) doc.tags = patch.tags;
      if (patch.managedBy !== undefined) doc.managedBy = patch.managedBy;
    });
    return { status: 200, body: present(updated as StoredResource) };
  }
  return undefined;
}
