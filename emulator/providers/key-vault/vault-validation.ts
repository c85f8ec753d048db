import type { HttpResult } from '../../http-result.js';
import { PERMISSION_KINDS, type AccessPolicyEntry } from './access-policy-operations.js';
import { vaultErrors } from './vault-errors.js';

/** A vault holds at most this many access policy entries. */
export const MAX_ACCESS_POLICIES = 1024;

// 3-24 letters, digits and hyphens; starts with a letter, ends with a letter or digit; no "--".
const VAULT_NAME = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// The permission names the resource provider accepts (case-insensitive). An unknown name, even one with a
// stray space (" list"), is refused as an invalid accessPolicies value.
const PERMISSIONS: Record<(typeof PERMISSION_KINDS)[number], string[]> = {
  keys: (
    'all encrypt decrypt wrapkey unwrapkey sign verify get list create update import delete backup restore ' +
    'recover purge release rotate getrotationpolicy setrotationpolicy'
  ).split(' '),
  secrets: 'all get list set delete backup restore recover purge'.split(' '),
  certificates: (
    'all get list delete create import update managecontacts getissuers listissuers setissuers deleteissuers ' +
    'manageissuers recover purge backup restore'
  ).split(' '),
  storage:
    'all get list delete set update regeneratekey recover purge backup restore setsas listsas getsas deletesas'.split(
      ' '
    )
};

/** Whether `value` is a plain JSON object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** ARM's 400 for a vault name Key Vault does not accept, or undefined when the name is fine. */
export function vaultNameProblem(name: string): HttpResult | undefined {
  return VAULT_NAME.test(name) ? undefined : vaultErrors.nameNotValid(name);
}

function entryProblem(entry: unknown): string | undefined {
  if (!isObject(entry)) return 'Each entry must be an object.';
  if (typeof entry.tenantId !== 'string' || !GUID.test(entry.tenantId))
    return 'Each entry needs a tenantId GUID.';
  if (typeof entry.objectId !== 'string' || entry.objectId.trim() === '')
    return 'Each entry needs an objectId.';
  if (entry.applicationId !== undefined && entry.applicationId !== null) {
    if (typeof entry.applicationId !== 'string' || !GUID.test(entry.applicationId)) {
      return 'applicationId must be a GUID.';
    }
  }
  if (!isObject(entry.permissions)) return 'Each entry needs permissions.';
  for (const [kind, list] of Object.entries(entry.permissions)) {
    const known = PERMISSIONS[kind as keyof typeof PERMISSIONS];
    if (!known) return `Unknown permission kind '${kind}'.`;
    if (!Array.isArray(list)) return `permissions.${kind} must be an array.`;
    const unknown = list.find(p => typeof p !== 'string' || !known.includes(p.toLowerCase()));
    if (unknown !== undefined) return `'${String(unknown)}' is not a valid ${kind} permission.`;
  }
  return undefined;
}

/**
 * Checks an `accessPolicies` array as the resource provider does and returns the entries in the shape the
 * policy arithmetic uses, or the 400 to answer.
 */
export function readAccessPolicies(value: unknown): { entries: AccessPolicyEntry[] } | { error: HttpResult } {
  if (!Array.isArray(value)) return { error: vaultErrors.invalidValue('accessPolicies') };
  if (value.length > MAX_ACCESS_POLICIES) {
    return {
      error: vaultErrors.invalidValue(
        'accessPolicies',
        `A vault can hold at most ${MAX_ACCESS_POLICIES} entries.`
      )
    };
  }
  for (const entry of value) {
    const problem = entryProblem(entry);
    if (problem) return { error: vaultErrors.invalidValue('accessPolicies', problem) };
  }
  return { entries: structuredClone(value) as AccessPolicyEntry[] };
}

/** Checks `tenantId` and `sku` when present (PATCH) or required (PUT). */
export function identityProblem(
  properties: Record<string, unknown>,
  required: boolean
): HttpResult | undefined {
  if (properties.tenantId === undefined || properties.tenantId === null) {
    if (required) return vaultErrors.notSpecified('tenantId');
  } else if (typeof properties.tenantId !== 'string' || !GUID.test(properties.tenantId)) {
    return vaultErrors.invalidValue('tenantId');
  }
  const sku = properties.sku;
  if (sku === undefined || sku === null) return required ? vaultErrors.notSpecified('sku') : undefined;
  if (
    !isObject(sku) ||
    typeof sku.name !== 'string' ||
    !['standard', 'premium'].includes(sku.name.toLowerCase())
  ) {
    return vaultErrors.invalidValue('sku');
  }
  if (sku.family !== undefined && sku.family !== 'A') return vaultErrors.invalidValue('sku.family');
  return undefined;
}

/**
 * The irreversible switches: purge protection can only be turned on (an explicit `false` is refused even on
 * a new vault), soft delete can be `false` only when the vault is created. Retention is 7-90 days.
 */
export function protectionProblem(
  properties: Record<string, unknown>,
  existing: Record<string, unknown> | undefined
): HttpResult | undefined {
  if (properties.enablePurgeProtection === false) return vaultErrors.purgeProtectionOff();
  if (properties.enableSoftDelete === false && existing && existing.enableSoftDelete !== false) {
    return vaultErrors.softDeleteOff();
  }
  const retention = properties.softDeleteRetentionInDays;
  if (retention !== undefined && retention !== null) {
    if (typeof retention !== 'number' || !Number.isInteger(retention) || retention < 7 || retention > 90) {
      return vaultErrors.invalidValue('softDeleteRetentionInDays', 'It must be an integer from 7 to 90.');
    }
  }
  return undefined;
}
