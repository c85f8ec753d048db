import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
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
  try {
    const vault = await azureCall(`read Key Vault '${name}'`, () =>
      client.vaults.get(resourceGroup, name, { abortSignal })
    );
    const properties = vault.properties;
    return {
      kind: 'active',
      vault: {
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
      }
    };
  } catch (error) {
    if (!(error instanceof AzureOperationError && error.status === 404)) throw error;
  }
  const deleted = await findDeletedVault(client, name, abortSignal);
  return deleted ? { kind: 'soft-deleted', deleted } : { kind: 'absent' };
}

async function findDeletedVault(
  client: KeyVaultManagementClient,
  name: string,
  abortSignal: AbortSignal
): Promise<DeletedVaultFacts | undefined> {
  return azureCall('list soft-deleted Key Vaults', async () => {
    for await (const deleted of client.vaults.listDeleted({ abortSignal })) {
      if (deleted.name?.toLowerCase() !== name.toLowerCase()) continue;
      const properties = deleted.properties ?? {};
      return {
        location: properties.location ?? '',
        ...(properties.deletionDate ? { deletionDate: properties.deletionDate } : {}),
        ...(properties.scheduledPurgeDate ? { scheduledPurgeDate: properties.scheduledPurgeDate } : {}),
        purgeProtectionEnabled: properties.purgeProtectionEnabled === true
      };
    }
    return undefined;
  });
}
