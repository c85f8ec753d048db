/**
 * The stand-in's own reading of Key Vault's access policies, from the REST specification
 * (`Vaults_UpdateAccessPolicy`, `PUT …/vaults/{name}/accessPolicies/{operationKind}`), kept apart from the
 * action's code so that a mistake in the action's idea of these semantics cannot hide in the stand-in.
 */

/** The permission lists of an entry (`Permissions` in the spec). */
export const PERMISSION_KINDS = ['keys', 'secrets', 'certificates', 'storage'] as const;

/** `AccessPolicyEntry` of the spec. */
export interface AccessPolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: Partial<Record<(typeof PERMISSION_KINDS)[number], string[]>>;
}

/** `AccessPolicyUpdateKind` of the spec. */
export type AccessPolicyUpdateKind = 'add' | 'replace' | 'remove';

// Key Vault keeps one entry per identity: tenant, object and, for a compound identity, application.
// GUIDs compare without regard to case.
function sameIdentity(a: AccessPolicyEntry, b: AccessPolicyEntry): boolean {
  const same = (x?: string, y?: string) => (x ?? '').toLowerCase() === (y ?? '').toLowerCase();
  return (
    same(a.tenantId, b.tenantId) && same(a.objectId, b.objectId) && same(a.applicationId, b.applicationId)
  );
}

// Permission names are case-insensitive in Key Vault (`Get` and `get` grant the same); the first spelling
// seen is kept.
function merged(kept: string[] = [], added: string[] = []): string[] {
  const out = [...kept];
  for (const name of added) if (!out.some(p => p.toLowerCase() === name.toLowerCase())) out.push(name);
  return out;
}

function without(kept: string[] = [], removed: string[] = []): string[] {
  const gone = new Set(removed.map(name => name.toLowerCase()));
  return kept.filter(name => !gone.has(name.toLowerCase()));
}

function permissionsOf(
  entry: AccessPolicyEntry,
  change: AccessPolicyEntry,
  combine: (kept?: string[], given?: string[]) => string[]
): AccessPolicyEntry['permissions'] {
  const permissions: AccessPolicyEntry['permissions'] = {};
  for (const kind of PERMISSION_KINDS) {
    const list = combine(entry.permissions?.[kind], change.permissions?.[kind]);
    if (list.length > 0 || entry.permissions?.[kind] !== undefined) permissions[kind] = list;
  }
  return permissions;
}

const isEmpty = (permissions: AccessPolicyEntry['permissions']) =>
  PERMISSION_KINDS.every(kind => (permissions[kind] ?? []).length === 0);

/**
 * What an `accessPolicies/{operationKind}` request leaves on the vault. Only the identities named in the
 * request change: `add` grants the given permissions on top of the identity's (a new entry when it has
 * none), `replace` makes the given permissions the identity's only ones, `remove` revokes them and drops an
 * entry left with nothing.
 */
export function updateAccessPolicies(
  current: readonly AccessPolicyEntry[],
  kind: AccessPolicyUpdateKind,
  requested: readonly AccessPolicyEntry[]
): AccessPolicyEntry[] {
  let entries = structuredClone([...current]);
  for (const change of requested) {
    const index = entries.findIndex(entry => sameIdentity(entry, change));
    if (index < 0) {
      if (kind !== 'remove') entries.push(structuredClone(change));
      continue;
    }
    const entry = entries[index]!;
    if (kind === 'replace') entries[index] = { ...entry, permissions: structuredClone(change.permissions) };
    else if (kind === 'add') entry.permissions = permissionsOf(entry, change, merged);
    else {
      entry.permissions = permissionsOf(entry, change, without);
      if (isEmpty(entry.permissions)) entries = entries.filter((_, i) => i !== index);
    }
  }
  return entries;
}
