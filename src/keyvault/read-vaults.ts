import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import {
  activeVault,
  getActiveVault,
  listDeletedVaults,
  type ActiveVault,
  type VaultState
} from './vault-state.js';

/** A vault the template deploys, where it deploys it. */
export interface VaultTarget {
  name: string;
  resourceGroup: string;
}

/** How many single-vault GETs run at once when names missing from a list are confirmed. */
const CONFIRM_CONCURRENCY = 8;

/** Vault names are global and case-insensitive: the key of a vault in every map of the guard. */
export function vaultKey(name: string): string {
  return name.toLowerCase();
}

/**
 * Reads the state of every vault with as few requests as Azure allows, so the state is as fresh as possible
 * when the deployment is sent: one `vaults.listByResourceGroup` per resource group (full vault objects,
 * access policies included), all groups at once; one `listDeleted` for every name not found. A re-deploy of
 * 800 vaults in one group costs one or a few list pages instead of 2,400 sequential GETs (ARM allows 12,000
 * reads an hour). A name a list does not show is confirmed with its own GET before it counts as absent: a
 * list is served from a replica that can lag behind a write, and "absent" is the verdict that lets a
 * template's policy list replace everything.
 */
export async function readVaultStates(
  client: KeyVaultManagementClient,
  targets: readonly VaultTarget[],
  abortSignal: AbortSignal
): Promise<Map<string, VaultState>> {
  const groups = [...new Set(targets.map(t => t.resourceGroup.toLowerCase()))];
  const listed = new Map<string, ActiveVault>();
  const lists = await Promise.all(groups.map(group => listGroupVaults(client, group, abortSignal)));
  lists.forEach(list => list.forEach((vault, key) => listed.set(key, vault)));

  const states = new Map<string, VaultState>();
  const missing = targets.filter(t => !listed.has(vaultKey(t.name)));
  for (const target of targets) {
    const vault = listed.get(vaultKey(target.name));
    if (vault) states.set(vaultKey(target.name), { kind: 'active', vault });
  }
  const confirmed = await inBatches(missing, CONFIRM_CONCURRENCY, target =>
    getActiveVault(client, target.resourceGroup, target.name, abortSignal)
  );
  const absent = missing.filter((target, i) => {
    const vault = confirmed[i];
    if (vault) states.set(vaultKey(target.name), { kind: 'active', vault });
    return !vault;
  });
  if (absent.length === 0) return states;
  const deleted = await listDeletedVaults(client, abortSignal);
  for (const target of absent) {
    const facts = deleted.get(vaultKey(target.name));
    states.set(vaultKey(target.name), facts ? { kind: 'soft-deleted', deleted: facts } : { kind: 'absent' });
  }
  return states;
}

/** Every vault of one resource group, by key; none when the group does not exist (yet). */
export async function listGroupVaults(
  client: KeyVaultManagementClient,
  resourceGroup: string,
  abortSignal: AbortSignal
): Promise<Map<string, ActiveVault>> {
  try {
    return await azureCall(`list the Key Vaults of resource group '${resourceGroup}'`, async () => {
      const vaults = new Map<string, ActiveVault>();
      for await (const vault of client.vaults.listByResourceGroup(resourceGroup, { abortSignal })) {
        if (vault.name && vault.properties) vaults.set(vaultKey(vault.name), activeVault(vault));
      }
      return vaults;
    });
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return new Map();
    throw error;
  }
}

/** Runs `work` over `items`, at most `size` at a time, keeping the order of results. */
async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<R>
): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(work))));
  }
  return results;
}
