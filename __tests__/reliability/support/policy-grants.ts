/**
 * Access-policy arithmetic for assertions, written independently of src/keyvault/access-policies.ts so the
 * property test does not check the guard with the guard's own reasoning. One entry per principal (tenant,
 * object, application; case-insensitive); permissions compare case-insensitively; `all` grants its kind.
 */
export interface PolicyEntry {
  tenantId: string;
  objectId: string;
  applicationId?: string;
  permissions: Partial<Record<'keys' | 'secrets' | 'certificates' | 'storage', string[]>>;
}

const KINDS = ['keys', 'secrets', 'certificates', 'storage'] as const;

function principal(entry: Pick<PolicyEntry, 'tenantId' | 'objectId' | 'applicationId'>): string {
  return `${entry.tenantId}|${entry.objectId}|${entry.applicationId ?? ''}`.toLowerCase();
}

/** Grants as `principal kind permission` strings, lower-case. */
export function grantsOf(entries: readonly PolicyEntry[]): Set<string> {
  const grants = new Set<string>();
  for (const entry of entries) {
    for (const kind of KINDS) {
      for (const permission of entry.permissions?.[kind] ?? [])
        grants.add(`${principal(entry)} ${kind} ${permission.toLowerCase()}`);
    }
  }
  return grants;
}

/** Grants of `expected` that `actual` does not give (an `all` in `actual` covers its whole kind). */
export function lostGrants(expected: readonly PolicyEntry[], actual: readonly PolicyEntry[]): string[] {
  const have = grantsOf(actual);
  return [...grantsOf(expected)].filter(grant => {
    if (have.has(grant)) return false;
    const [who, kind] = grant.split(' ');
    return !have.has(`${who} ${kind} all`);
  });
}
