/** The parts of an ARM resource path under a resource group's provider namespace. */
export interface ResourcePath {
  subscriptionId: string;
  resourceGroup: string;
  /** Provider namespace as the client spelled it, e.g. `Microsoft.KeyVault`. */
  namespace: string;
  /** Type segments after the namespace, e.g. `['vaults', 'accessPolicies']`. */
  types: string[];
  /** Name segments paired with `types`; one shorter than `types` for a collection path. */
  names: string[];
  /** True when the path names a collection (a list), not a single resource. */
  isCollection: boolean;
  /** Full type, e.g. `Microsoft.KeyVault/vaults/accessPolicies`. */
  type: string;
  /** The last name segment (empty for a collection). */
  name: string;
  /** The path itself without a trailing slash: the resource id (or collection id). */
  id: string;
}

const RESOURCE_PATH = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+?)\/?$/i;

/**
 * Parses `/subscriptions/{s}/resourceGroups/{rg}/providers/{ns}/{type}/{name}[/{childType}/{childName}...]`
 * (or a collection path ending in a type). Returns undefined for any other path.
 */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const match = RESOURCE_PATH.exec(path);
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, namespace, rest] = match;
  const segments = rest.split('/').map(decodeURIComponent);
  if (segments.some(segment => segment === '')) return undefined;
  const types = segments.filter((_, index) => index % 2 === 0);
  const names = segments.filter((_, index) => index % 2 === 1);
  const isCollection = types.length > names.length;
  return {
    subscriptionId: decodeURIComponent(subscriptionId),
    resourceGroup: decodeURIComponent(resourceGroup),
    namespace,
    types,
    names,
    isCollection,
    type: [namespace, ...types].join('/'),
    name: isCollection ? '' : names[names.length - 1],
    id: path.replace(/\/+$/, '')
  };
}

/** The id of a resource group. */
export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** The name and type ARM reports for the resource with this id (resource groups included). */
export function describeResourceId(id: string): { name: string; type: string } {
  const parsed = parseResourcePath(id);
  if (parsed && !parsed.isCollection) return { name: parsed.name, type: parsed.type };
  const group = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(id);
  if (group) return { name: decodeURIComponent(group[1]), type: 'Microsoft.Resources/resourceGroups' };
  const segments = id.split('/').filter(Boolean);
  return { name: segments[segments.length - 1] ?? '', type: 'unknown' };
}
