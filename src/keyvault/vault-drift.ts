import type { ActiveVault } from './vault-state.js';

/** Properties the guard manages itself, or that only matter when a vault is created. */
const IGNORED = new Set([
  'accesspolicies',
  'createmode',
  'provisioningstate',
  'vaulturi',
  'hsmpoolresourceid'
]);

/**
 * True when every property, the location and the tags a template declares for a vault equal what the vault
 * has (access policies aside). Anything not knowable before deploying counts as a change: the vault is then
 * deployed, as before, with its policies preserved.
 */
export function declaresNoChange(
  declared: { location?: unknown; tags?: unknown; properties?: unknown },
  vault: ActiveVault,
  isUnknownValue: (value: unknown) => boolean
): boolean {
  if (
    declared.location !== undefined &&
    !sameValue(normaliseLocation(declared.location), normaliseLocation(vault.location), isUnknownValue)
  ) {
    return false;
  }
  if (declared.tags !== undefined && !sameValue(declared.tags, vault.tags, isUnknownValue)) return false;
  const properties = declared.properties;
  if (properties === undefined) return true;
  if (isUnknownValue(properties) || typeof properties !== 'object' || properties === null) return false;
  for (const [key, value] of Object.entries(properties)) {
    if (IGNORED.has(key.toLowerCase())) continue;
    const existingKey = Object.keys(vault.properties).find(k => k.toLowerCase() === key.toLowerCase());
    if (
      !sameValue(value, existingKey === undefined ? undefined : vault.properties[existingKey], isUnknownValue)
    )
      return false;
  }
  return true;
}

function normaliseLocation(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase().replace(/\s+/g, '') : value;
}

/** Deep equality where strings compare case-insensitively (ARM treats GUIDs, SKU names and enums so). */
function sameValue(
  declared: unknown,
  existing: unknown,
  isUnknownValue: (value: unknown) => boolean
): boolean {
  if (isUnknownValue(declared)) return false;
  if (typeof declared === 'string' && typeof existing === 'string')
    return declared.toLowerCase() === existing.toLowerCase();
  if (Array.isArray(declared)) {
    return (
      Array.isArray(existing) &&
      declared.length === existing.length &&
      declared.every((item, i) => sameValue(item, existing[i], isUnknownValue))
    );
  }
  if (declared && typeof declared === 'object') {
    if (!existing || typeof existing !== 'object' || Array.isArray(existing)) return false;
    return Object.entries(declared).every(([key, value]) => {
      const match = Object.keys(existing).find(k => k.toLowerCase() === key.toLowerCase());
      return sameValue(
        value,
        match === undefined ? undefined : (existing as Record<string, unknown>)[match],
        isUnknownValue
      );
    });
  }
  return declared === existing;
}
