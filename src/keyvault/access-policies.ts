/**
 * Key Vault access policies and the per-principal arithmetic ARM applies to them. Shared by the guard (what
 * to keep, what went missing) and by the local stand-in (what `accessPolicies/add|replace|remove` do), so
 * both sides agree on what "the same policy" means.
 */

export const PERMISSION_KINDS = ['keys', 'secrets', 'certificates', 'storage'] as const;
export type PermissionKind = (typeof PERMISSION_KINDS)[number];

export interface AccessPolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: Partial<Record<PermissionKind, string[]>>;
}

export type PolicyOperation = 'add' | 'replace' | 'remove';

/** Entries are one per principal: tenant, object and (for compound identities) application. */
export function principalKey(
  entry: Pick<AccessPolicyEntry, 'tenantId' | 'objectId' | 'applicationId'>
): string {
  return [entry.tenantId, entry.objectId, entry.applicationId ?? '']
    .map(part => part.toLowerCase())
    .join('|');
}

/** `objectId` (and application) for messages. */
export function describePrincipal(entry: AccessPolicyEntry): string {
  return entry.applicationId ? `${entry.objectId} (application ${entry.applicationId})` : entry.objectId;
}

/**
 * Applies an `accessPolicies/{operation}` request to a vault's list, as ARM does:
 * `add` unions permissions into the principal's entry (creating it), `replace` sets the principal's
 * permissions to exactly those given, `remove` takes the given permissions away and drops an entry left empty.
 * Principals not named in the request are untouched in every case.
 */
export function applyPolicyOperation(
  current: readonly AccessPolicyEntry[],
  operation: PolicyOperation,
  changes: readonly AccessPolicyEntry[]
): AccessPolicyEntry[] {
  const result = current.map(cloneEntry);
  for (const change of changes) {
    const index = result.findIndex(entry => principalKey(entry) === principalKey(change));
    const existing = index >= 0 ? result[index] : undefined;
    if (operation === 'replace' || (operation === 'add' && !existing)) {
      const entry = cloneEntry(change);
      if (existing) result[index] = entry;
      else result.push(entry);
      continue;
    }
    if (!existing) continue;
    if (operation === 'add') {
      existing.permissions = unionPermissions(existing.permissions, change.permissions);
    } else {
      existing.permissions = subtractPermissions(existing.permissions, change.permissions);
      if (isEmpty(existing.permissions)) result.splice(index, 1);
    }
  }
  return result;
}

/**
 * What of `before` is not granted by `after`: whole entries that vanished and permissions that were taken
 * away. Returned as entries ready for `accessPolicies/add`, which restores them without touching others.
 */
export function missingGrants(
  before: readonly AccessPolicyEntry[],
  after: readonly AccessPolicyEntry[]
): AccessPolicyEntry[] {
  const missing: AccessPolicyEntry[] = [];
  for (const entry of before) {
    const now = after.find(candidate => principalKey(candidate) === principalKey(entry));
    const lost = now ? subtractPermissions(entry.permissions, now.permissions) : entry.permissions;
    if (!isEmpty(lost)) missing.push({ ...cloneEntry(entry), permissions: lost });
  }
  return missing;
}

function unionPermissions(
  a: AccessPolicyEntry['permissions'],
  b: AccessPolicyEntry['permissions']
): AccessPolicyEntry['permissions'] {
  const result: AccessPolicyEntry['permissions'] = {};
  for (const kind of PERMISSION_KINDS) {
    const merged = [...(a[kind] ?? [])];
    for (const permission of b[kind] ?? []) {
      if (!merged.some(p => p.toLowerCase() === permission.toLowerCase())) merged.push(permission);
    }
    if (a[kind] !== undefined || b[kind] !== undefined) result[kind] = merged;
  }
  return result;
}

function subtractPermissions(
  a: AccessPolicyEntry['permissions'],
  b: AccessPolicyEntry['permissions']
): AccessPolicyEntry['permissions'] {
  const result: AccessPolicyEntry['permissions'] = {};
  for (const kind of PERMISSION_KINDS) {
    const removed = new Set((b[kind] ?? []).map(p => p.toLowerCase()));
    // 'all' grants everything of its kind, so holding 'all' keeps every permission of that kind.
    if (removed.has('all')) continue;
    const left = (a[kind] ?? []).filter(p => !removed.has(p.toLowerCase()));
    if (left.length > 0) result[kind] = left;
  }
  return result;
}

function isEmpty(permissions: AccessPolicyEntry['permissions']): boolean {
  return PERMISSION_KINDS.every(kind => (permissions[kind] ?? []).length === 0);
}

function cloneEntry(entry: AccessPolicyEntry): AccessPolicyEntry {
  const permissions: AccessPolicyEntry['permissions'] = {};
  for (const kind of PERMISSION_KINDS)
    if (entry.permissions?.[kind]) permissions[kind] = [...entry.permissions[kind]!];
  return {
    tenantId: entry.tenantId,
    objectId: entry.objectId,
    ...(entry.applicationId ? { applicationId: entry.applicationId } : {}),
    permissions
  };
}
