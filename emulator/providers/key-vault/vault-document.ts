import type { JwtClaims } from '../../identity/jwt.js';
import type { StoredResource } from '../../arm/resource-store.js';
import type { AccessPolicyEntry } from './access-policy-operations.js';

export const VAULT_TYPE = 'Microsoft.KeyVault/vaults';
export const ACCESS_POLICIES_TYPE = 'Microsoft.KeyVault/vaults/accessPolicies';
export const DELETED_VAULT_TYPE = 'Microsoft.KeyVault/deletedVaults';

// What a client may set in VaultProperties; anything else it sends is dropped, as the resource provider does.
// `accessPolicies`, `tenantId` and `sku` are handled separately; `createMode` is an instruction, not state.
const SETTABLE = [
  'enabledForDeployment',
  'enabledForDiskEncryption',
  'enabledForTemplateDeployment',
  'enableRbacAuthorization',
  'networkAcls',
  'publicNetworkAccess'
] as const;

// Irreversible or creation-time settings: a PUT that omits them keeps the vault's values.
const KEPT_WHEN_OMITTED = ['enableSoftDelete', 'softDeleteRetentionInDays', 'enablePurgeProtection'] as const;

/** The vault's data-plane address; the recording's GET shows it with a trailing slash. */
export function vaultUri(name: string): string {
  return `https://${name.toLowerCase()}.vault.azure.net/`;
}

/**
 * The properties a PUT leaves on a vault: the request's settable properties replace the old ones wholesale
 * (an omitted `networkAcls` is gone, and `accessPolicies: []` empties the list — the wipe this project
 * guards against), while the protection settings keep their values when omitted. New vaults get the
 * resource provider's defaults.
 */
export function replacedProperties(
  name: string,
  requested: Record<string, unknown>,
  accessPolicies: AccessPolicyEntry[],
  existing: Record<string, unknown> | undefined
): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    sku: requested.sku,
    tenantId: requested.tenantId,
    accessPolicies
  };
  for (const key of SETTABLE) if (requested[key] !== undefined) properties[key] = requested[key];
  for (const key of KEPT_WHEN_OMITTED) {
    const value = requested[key] ?? existing?.[key];
    if (value !== undefined && value !== null) properties[key] = value;
  }
  properties.enableSoftDelete ??= true;
  properties.softDeleteRetentionInDays ??= 90;
  properties.enableRbacAuthorization ??= false;
  properties.publicNetworkAccess ??= 'Enabled';
  properties.vaultUri = vaultUri(name);
  return properties;
}

/** PATCH: the given properties are merged in; a given `accessPolicies` still replaces the whole list. */
export function patchedProperties(
  existing: Record<string, unknown>,
  requested: Record<string, unknown>,
  accessPolicies: AccessPolicyEntry[] | undefined
): Record<string, unknown> {
  const properties: Record<string, unknown> = { ...existing };
  for (const key of ['sku', 'tenantId', ...SETTABLE, ...KEPT_WHEN_OMITTED]) {
    if (requested[key] !== undefined && requested[key] !== null) properties[key] = requested[key];
  }
  if (accessPolicies) properties.accessPolicies = accessPolicies;
  return properties;
}

/** ARM's `systemData`, keeping the creation half across updates. */
export function systemData(claims: JwtClaims | undefined, previous: unknown): Record<string, string> {
  const now = new Date().toISOString();
  const who = String(claims?.appid ?? claims?.azp ?? claims?.oid ?? claims?.sub ?? 'unknown');
  const kept = (previous ?? {}) as Record<string, string>;
  return {
    createdBy: kept.createdBy ?? who,
    createdByType: kept.createdByType ?? 'Application',
    createdAt: kept.createdAt ?? now,
    lastModifiedBy: who,
    lastModifiedByType: 'Application',
    lastModifiedAt: now
  };
}

/** The vault as GET, PUT and list answer it (fields the provider keeps for itself are left out). */
export function presentVault(doc: StoredResource): Record<string, unknown> {
  const { id, name, type, location, tags, systemData: data, properties } = doc;
  const body: Record<string, unknown> = { id, name, type, location, tags: tags ?? {} };
  if (data !== undefined) body.systemData = data;
  body.properties = properties;
  return body;
}

/** Whether a stored document is a vault. */
export function isVault(doc: StoredResource): boolean {
  return doc.type.toLowerCase() === VAULT_TYPE.toLowerCase();
}
