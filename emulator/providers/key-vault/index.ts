import type { HttpResult } from '../../http-result.js';
import type { ArmRequest, ProviderContext, ResourceProvider } from '../../arm/provider.js';
import { resourceGroupId, type ResourcePath } from '../../arm/resource-id.js';
import { resourceGroupNotFound } from '../../arm/resource-groups.js';
import { deletedVaults, getDeletedVault, presentDeletedVault, purgeDeletedVault } from './deleted-vaults.js';
import { checkNameAvailability } from './name-availability.js';
import { isVault, presentVault, VAULT_TYPE } from './vault-document.js';
import { vaultErrors } from './vault-errors.js';
import {
  applyVaultAccessPolicies,
  deleteVault,
  patchVault,
  putVault,
  vaultNotFound
} from './vault-writes.js';

export { KEY_VAULT_KNOBS, vaultBusyForMs } from './vault-activity.js';
export { deletedVaultId } from './deleted-vaults.js';
export {
  applyVaultAccessPolicies,
  deleteVault,
  patchVault,
  putVault,
  vaultId,
  type VaultCallOptions,
  type VaultContext,
  type VaultWriteResult
} from './vault-writes.js';

// Subscription-level Key Vault paths: vault list, deleted vaults, purge, checkNameAvailability.
const SUBSCRIPTION_PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.KeyVault\/(.+?)\/?$/i;
const DELETED_VAULT = /^locations\/([^/]+)\/deletedVaults\/([^/]+)(\/purge)?$/i;

function isKeyVault(resource: ResourcePath): boolean {
  return (
    resource.namespace.toLowerCase() === 'microsoft.keyvault' && resource.types[0].toLowerCase() === 'vaults'
  );
}

function groupPath(resource: ResourcePath): string {
  return resourceGroupId(resource.subscriptionId, resource.resourceGroup);
}

function getVault(ctx: ProviderContext, resource: ResourcePath): HttpResult {
  const vault = ctx.store.get(resource.id);
  if (!vault || !isVault(vault)) return vaultNotFound(resource.resourceGroup, resource.name);
  return {
    status: 200,
    headers: ctx.lro.bodyPollingHeaders(ctx.store, resource.id),
    body: presentVault(vault)
  };
}

async function handleVault(
  req: ArmRequest,
  ctx: ProviderContext,
  resource: ResourcePath
): Promise<HttpResult> {
  const group = groupPath(resource);
  if (!ctx.store.has(group)) return resourceGroupNotFound(resource.resourceGroup);
  if (resource.isCollection) {
    if (req.method !== 'GET') return vaultErrors.methodNotAllowed(req.method, VAULT_TYPE);
    return {
      status: 200,
      body: { value: ctx.store.list({ under: group, type: VAULT_TYPE }).map(presentVault) }
    };
  }
  const options = { claims: req.claims };
  switch (req.method) {
    case 'GET':
      return getVault(ctx, resource);
    case 'PUT':
      return putVault(ctx, group, resource.name, req.body, options);
    case 'PATCH':
      return patchVault(ctx, group, resource.name, req.body, options);
    case 'DELETE':
      return deleteVault(ctx, group, resource.name);
    default:
      return vaultErrors.methodNotAllowed(req.method, VAULT_TYPE);
  }
}

function handleSubscriptionPath(req: ArmRequest, ctx: ProviderContext): HttpResult | undefined {
  const match = SUBSCRIPTION_PATH.exec(req.path);
  if (!match) return undefined;
  const subscriptionId = decodeURIComponent(match[1]);
  const rest = match[2];
  if (/^vaults$/i.test(rest) && req.method === 'GET') {
    const prefix = `/subscriptions/${subscriptionId}/`.toLowerCase();
    const vaults = ctx.store.list({ type: VAULT_TYPE }).filter(v => v.id.toLowerCase().startsWith(prefix));
    return { status: 200, body: { value: vaults.map(presentVault) } };
  }
  if (/^deletedVaults$/i.test(rest) && req.method === 'GET') {
    return {
      status: 200,
      body: { value: deletedVaults(ctx.store, subscriptionId).map(presentDeletedVault) }
    };
  }
  // `az keyvault list-deleted` also lists deleted managed HSMs; the stand-in has none, as Azure answers for a
  // subscription without HSM pools.
  if (/^deletedManagedHSMs$/i.test(rest) && req.method === 'GET') return { status: 200, body: { value: [] } };
  if (/^checkNameAvailability$/i.test(rest) && req.method === 'POST') {
    return checkNameAvailability(ctx.store, req.body);
  }
  const deleted = DELETED_VAULT.exec(rest);
  if (!deleted) return undefined;
  const [, location, name, purge] = deleted.map(part => (part ? decodeURIComponent(part) : part));
  if (purge && req.method === 'POST')
    return purgeDeletedVault(ctx, subscriptionId, location, name, req.apiVersion);
  if (!purge && req.method === 'GET') return getDeletedVault(ctx.store, subscriptionId, location, name);
  return undefined;
}

/**
 * The `Microsoft.KeyVault` resource provider of the local Azure stand-in: vaults with the real PUT
 * semantics (access policies replaced wholesale), `accessPolicies/{add|replace|remove}`, soft delete,
 * deleted vaults, purge, `createMode: recover`, global names, and 409 on overlapping writes. Vaults live in
 * the emulator's resource store, so other providers (template deployments) see them. Other child types of a
 * vault (secrets, private endpoint connections) are left to the generic store.
 */
export function keyVaultProvider(): ResourceProvider {
  return {
    name: 'Microsoft.KeyVault',
    matches(req) {
      return req.resource ? isKeyVault(req.resource) : SUBSCRIPTION_PATH.test(req.path);
    },
    async handle(req, ctx) {
      const resource = req.resource;
      if (!resource) return handleSubscriptionPath(req, ctx);
      if (resource.types.length === 1) return handleVault(req, ctx, resource);
      const isPolicyOperation =
        resource.types.length === 2 &&
        resource.types[1].toLowerCase() === 'accesspolicies' &&
        !resource.isCollection;
      if (!isPolicyOperation) return undefined;
      if (req.method !== 'PUT')
        return vaultErrors.methodNotAllowed(req.method, 'Microsoft.KeyVault/vaults/accessPolicies');
      if (!ctx.store.has(groupPath(resource))) return resourceGroupNotFound(resource.resourceGroup);
      return applyVaultAccessPolicies(ctx, groupPath(resource), resource.names[0], resource.name, req.body);
    }
  };
}
