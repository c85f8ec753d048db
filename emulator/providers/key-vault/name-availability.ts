import type { HttpResult } from '../../http-result.js';
import type { ResourceStore } from '../../arm/resource-store.js';
import { findDeletedVault } from './deleted-vaults.js';
import { VAULT_TYPE } from './vault-document.js';
import { vaultErrors } from './vault-errors.js';
import { isObject, vaultNameProblem } from './vault-validation.js';

/**
 * POST `/subscriptions/{s}/providers/Microsoft.KeyVault/checkNameAvailability`: a name held by an active or a
 * soft-deleted vault is not available, and neither is one Key Vault would refuse.
 */
export function checkNameAvailability(store: ResourceStore, body: unknown): HttpResult {
  if (!isObject(body) || typeof body.name !== 'string') return vaultErrors.notSpecified('name');
  if (body.type !== undefined && String(body.type).toLowerCase() !== VAULT_TYPE.toLowerCase()) {
    return vaultErrors.invalidValue('type');
  }
  const name = body.name;
  const invalid = vaultNameProblem(name);
  if (invalid) {
    const message = (invalid.body as { error: { message: string } }).error.message;
    return { status: 200, body: { nameAvailable: false, reason: 'AccountNameInvalid', message } };
  }
  const taken =
    store.list({ type: VAULT_TYPE }).some(v => v.name.toLowerCase() === name.toLowerCase()) ||
    findDeletedVault(store, name) !== undefined;
  if (!taken) return { status: 200, body: { nameAvailable: true } };
  const message = (vaultErrors.alreadyExists(name).body as { error: { message: string } }).error.message;
  return { status: 200, body: { nameAvailable: false, reason: 'AlreadyExists', message } };
}
