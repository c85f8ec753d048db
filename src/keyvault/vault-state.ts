import type { DeletedVault, KeyVaultManagementClient, Vault } from '@azure/arm-keyvault';
import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import type { AccessPolicyEntry } from './access-policies.js';

/** What Azure holds under a vault name right now. */
export type VaultState =
  | { kind: 'absent' }
  | { kind: 'active'; vault: ActiveVault }
  | { kind: 'soft-deleted'; deleted: DeletedVaultFacts };

export interface ActiveVault {
  id: string;
  location: string;
  tags: Record<string, string>;
  /** Every property as Azure returned it, for comparing with what a template declares. */
  properties: Record<string, unknown>;
  accessPolicies: AccessPolicyEntry[];
  /** Vaults authorised by Azure RBAC ignore access policies: nothing to preserve. */
  rbacAuthorization: boolean;
  softDeleteEnabled: boolean;
  purgeProtectionEnabled: boolean;
}

export interface DeletedVaultFacts {
  location: string;
  deletionDate?: Date;
  scheduledPurgeDate?: Date;
  purgeProtectionEnabled: boolean;
}

/**
 * Reads a vault's state. A name that is not an active vault may still be taken by a soft-deleted one (for the
 * retention period, 7–90 days), which is why the deleted-vault list is consulted: deploying over it fails.
 */
export async function readVaultState(
  client: KeyVaultManagementClient,
  resourceGroup: string,
  name: string,
  abortSignal: AbortSignal
): Promise<VaultState> {
  const vault = await getActiveVault(client, resourceGroup, name, abortSignal);
  if (vault) return { kind: 'active', vault };
  const deleted = await findDeletedVault(client, name, abortSignal);
  return deleted ? { kind: 'soft-deleted', deleted } : { kind: 'absent' };
}

/** One GET of a vault: the vault, or undefined on 404. */
export async function getActiveVault(
  client: KeyVaultManagementClient,
  resourceGroup: string,
  name: string,
  abortSignal: AbortSignal
): Promise<ActiveVault | undefined> {
  try {
    const vault = await azureCall(`read Key Vault '${name}'`, () =>
      client.vaults.get(resourceGroup, name, { abortSignal })
    );
    return activeVault(vault);
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return undefined;
    throw error;
  }
}

/** A vault as Azure returned it (GET or list), as the guard keeps it. */
export function activeVault(vault: Vault): ActiveVault {
  const properties = vault.properties;
  return {
    id: vault.id ?? '',
    location: vault.location ?? '',
    tags: vault.tags ?? {},
    properties: properties as unknown as Record<string, unknown>,
    accessPolicies: (properties.accessPolicies ?? []).map(entry => ({
      tenantId: entry.tenantId,
      objectId: entry.objectId,
      ...(entry.applicationId ? { applicationId: entry.applicationId } : {}),
      permissions: { ...entry.permissions }
    })),
    rbacAuthorization: properties.enableRbacAuthorization === true,
    softDeleteEnabled: properties.enableSoftDelete !== false,
    purgeProtectionEnabled: properties.enablePurgeProtection === true
  };
}

/** The soft-deleted vaults of the subscription, by lower-case name: one list call for any number of names. */
export async function listDeletedVaults(
  client: KeyVaultManagementClient,
  abortSignal: AbortSignal
): Promise<Map<string, DeletedVaultFacts>> {
  return azureCall('list soft-deleted Key Vaults', async () => {
    const found = new Map<string, DeletedVaultFacts>();
    for await (const deleted of client.vaults.listDeleted({ abortSignal })) {
      if (deleted.name) found.set(deleted.name.toLowerCase(), deletedFacts(deleted));
    }
    return found;
  });
}

function deletedFacts(deleted: DeletedVault): DeletedVaultFacts {
  const properties = deleted.properties ?? {};
  return {
    location: properties.location ?? '',
    ...(properties.deletionDate ? { deletionDate: properties.deletionDate } : {}),
    ...(properties.scheduledPurgeDate ? { scheduledPurgeDate: properties.scheduledPurgeDate } : {}),
    purgeProtectionEnabled: properties.purgeProtectionEnabled === true
  };
}

async function findDeletedVault(
  client: KeyVaultManagementClient,
  name: string,
  abortSignal: AbortSignal
): Promise<DeletedVaultFacts | undefined> {
  return azureCall('list soft-deleted Key Vaults', async () => {
    for await (const deleted of client.vaults.listDeleted({ abortSignal })) {
      if (deleted.name?.toLowerCase() === name.toLowerCase()) return deletedFacts(deleted);
    }
    return undefined;
  });
}
