import type { HttpResult } from '../../http-result.js';
import type { ProviderContext } from '../../arm/provider.js';
import type { ResourceStore, StoredResource } from '../../arm/resource-store.js';
import { DELETED_VAULT_TYPE } from './vault-document.js';
import { purgeMs } from './vault-activity.js';
import { vaultErrors } from './vault-errors.js';

/** What the provider keeps about a soft-deleted vault besides what GET shows. */
interface DeletedVaultDoc extends StoredResource {
  /** The vault as it was when deleted: what `createMode: recover` brings back. */
  vault: StoredResource;
  /** Set while a purge runs; the record disappears at this time (epoch ms). */
  purgeCompletesAt?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Location as it appears in deleted-vault ids: `West US` → `westus`. */
export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

/** The id of a deleted vault. */
export function deletedVaultId(subscriptionId: string, location: string, name: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.KeyVault/locations/${normalizeLocation(location)}/deletedVaults/${name}`;
}

/**
 * Moves a deleted vault into the deleted-vault list, where it keeps its name taken until it is recovered,
 * purged, or its retention (softDeleteRetentionInDays) runs out.
 */
export function softDelete(store: ResourceStore, subscriptionId: string, vault: StoredResource): void {
  const properties = vault.properties ?? {};
  const deletionDate = new Date();
  const retentionDays = Number(properties.softDeleteRetentionInDays ?? 90);
  const location = String(vault.location ?? '');
  const id = deletedVaultId(subscriptionId, location, vault.name);
  store.put(id, {
    properties: {
      vaultId: vault.id,
      location: normalizeLocation(location),
      tags: vault.tags ?? {},
      deletionDate: deletionDate.toISOString(),
      scheduledPurgeDate: new Date(deletionDate.getTime() + retentionDays * DAY_MS).toISOString(),
      purgeProtectionEnabled: properties.enablePurgeProtection === true
    },
    vault
  });
  // The store names types after resource-group paths; a subscription-level id needs its type set by hand.
  store.update(id, doc => {
    doc.type = DELETED_VAULT_TYPE;
  });
}

function isGone(doc: DeletedVaultDoc, now: number): boolean {
  if (doc.purgeCompletesAt !== undefined && doc.purgeCompletesAt <= now) return true;
  const scheduled = Date.parse(String(doc.properties?.scheduledPurgeDate ?? ''));
  return Number.isFinite(scheduled) && scheduled <= now;
}

/** The subscription's deleted vaults, dropping those whose purge (requested or scheduled) has happened. */
export function deletedVaults(store: ResourceStore, subscriptionId?: string): DeletedVaultDoc[] {
  const now = Date.now();
  const prefix = subscriptionId ? `/subscriptions/${subscriptionId.toLowerCase()}/` : '/';
  const found: DeletedVaultDoc[] = [];
  for (const doc of store.list({ type: DELETED_VAULT_TYPE }) as DeletedVaultDoc[]) {
    if (!doc.id.toLowerCase().startsWith(prefix)) continue;
    if (isGone(doc, now)) store.delete(doc.id);
    else found.push(doc);
  }
  return found;
}

/** The deleted vault holding this name, if any (names are global, so any location). */
export function findDeletedVault(store: ResourceStore, name: string): DeletedVaultDoc | undefined {
  return deletedVaults(store).find(doc => doc.name.toLowerCase() === name.toLowerCase());
}

/**
 * Takes a deleted vault out of the list for `createMode: recover`; undefined when there is nothing to recover
 * (none, or its purge has begun).
 */
export function takeForRecovery(store: ResourceStore, name: string): StoredResource | undefined {
  const doc = findDeletedVault(store, name);
  if (!doc || doc.purgeCompletesAt !== undefined) return undefined;
  store.delete(doc.id);
  return doc.vault;
}

/** A deleted vault as the API shows it (see getDeletedVault.json). */
export function presentDeletedVault(doc: StoredResource): Record<string, unknown> {
  // The store gives every document a provisioningState; deleted vaults have none.
  const properties = { ...doc.properties };
  delete properties.provisioningState;
  return { id: doc.id, name: doc.name, type: DELETED_VAULT_TYPE, properties };
}

function findAt(store: ResourceStore, subscriptionId: string, location: string, name: string) {
  const id = deletedVaultId(subscriptionId, location, name).toLowerCase();
  return deletedVaults(store, subscriptionId).find(doc => doc.id.toLowerCase() === id);
}

/** GET `.../locations/{location}/deletedVaults/{name}`. */
export function getDeletedVault(
  store: ResourceStore,
  subscriptionId: string,
  location: string,
  name: string
): HttpResult {
  const doc = findAt(store, subscriptionId, location, name);
  return doc
    ? { status: 200, body: presentDeletedVault(doc) }
    : vaultErrors.deletedVaultNotFound(location, name);
}

/**
 * POST `.../deletedVaults/{name}/purge`: a Location-style LRO. Refused while purge protection is on (the
 * vault then stays until its scheduled purge date).
 */
export function purgeDeletedVault(
  ctx: ProviderContext,
  subscriptionId: string,
  location: string,
  name: string,
  apiVersion: string
): HttpResult {
  const doc = findAt(ctx.store, subscriptionId, location, name);
  if (!doc) return vaultErrors.deletedVaultNotFound(location, name);
  if (doc.properties?.purgeProtectionEnabled === true) return vaultErrors.purgeRefused();
  const durationMs = purgeMs(ctx.knobs);
  ctx.store.update(doc.id, stored => {
    stored.purgeCompletesAt ??= Date.now() + durationMs;
  });
  return ctx.lro.location(subscriptionId, {
    apiVersion,
    durationMs,
    namespace: 'Microsoft.KeyVault',
    complete: () => {
      ctx.store.delete(doc.id);
    }
  });
}
