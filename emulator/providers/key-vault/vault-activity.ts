import type { TimingKnobs } from '../../knobs.js';
import type { ResourceStore } from '../../arm/resource-store.js';

/**
 * Knobs of the Key Vault provider (set them on `emulator.knobs`):
 * - `keyVaultDnsRegistrationMs`: how long a new or recovered vault stays `RegisteringDns` (default: `lroDurationMs`);
 * - `keyVaultWriteBusyMs`: how long an update (PUT over a vault, PATCH, accessPolicies) takes, during which
 *   another write to the vault gets 409 `ConflictError` (default 300 ms);
 * - `keyVaultPurgeMs`: how long a purge runs (default: `lroDurationMs`).
 */
export const KEY_VAULT_KNOBS = {
  dnsRegistrationMs: 'keyVaultDnsRegistrationMs',
  writeBusyMs: 'keyVaultWriteBusyMs',
  purgeMs: 'keyVaultPurgeMs'
} as const;

const DEFAULT_WRITE_BUSY_MS = 300;

/** How long RegisteringDns lasts. */
export function dnsRegistrationMs(knobs: TimingKnobs): number {
  return knobs[KEY_VAULT_KNOBS.dnsRegistrationMs] ?? knobs.lroDurationMs;
}

/** How long an update keeps the vault busy. */
export function writeBusyMs(knobs: TimingKnobs): number {
  return knobs[KEY_VAULT_KNOBS.writeBusyMs] ?? DEFAULT_WRITE_BUSY_MS;
}

/** How long a purge runs. */
export function purgeMs(knobs: TimingKnobs): number {
  return knobs[KEY_VAULT_KNOBS.purgeMs] ?? knobs.lroDurationMs;
}

// Keyed by the store so every caller lending the same store (the HTTP provider, the deployment engine) sees
// the same writes in progress, while separate emulators never share one.
const busyUntilByStore = new WeakMap<ResourceStore, Map<string, number>>();

function busyMap(store: ResourceStore): Map<string, number> {
  let map = busyUntilByStore.get(store);
  if (!map) {
    map = new Map();
    busyUntilByStore.set(store, map);
  }
  return map;
}

/** Milliseconds until the write in progress on this vault ends; 0 when none is. */
export function vaultBusyForMs(store: ResourceStore, vaultId: string): number {
  const until = busyMap(store).get(vaultId.toLowerCase()) ?? 0;
  return Math.max(0, until - Date.now());
}

/** Records a write on this vault that runs for `ms` from now. */
export function markVaultBusy(store: ResourceStore, vaultId: string, ms: number): void {
  if (ms <= 0) return;
  busyMap(store).set(vaultId.toLowerCase(), Date.now() + ms);
}

/** Forgets a vault's write in progress (it was deleted). */
export function clearVaultBusy(store: ResourceStore, vaultId: string): void {
  busyMap(store).delete(vaultId.toLowerCase());
}
