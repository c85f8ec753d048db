import { missingGrants, type AccessPolicyEntry } from './access-policies.js';
import { guardMode } from './guard-mode.js';
import { declaresNoChange } from './vault-drift.js';
import type { VaultAction, VaultDecision, VaultInstance, VaultNode } from './vault-plan.js';
import type { VaultState } from './vault-state.js';

import type { DeletedVaultMode, KeyVaultPolicyMode } from '../config/infra-config.js';

export type { DeletedVaultMode, KeyVaultPolicyMode };

/** A vault the guard cannot deploy safely, with the reason and what to do. */
export interface VaultRefusal {
  name: string;
  node: VaultNode;
  reason: string;
  fix: string;
}

/**
 * Decides, per vault, what the deployment does with it, from what Azure holds now and the user's modes.
 * Pure: no Azure calls, so every combination is tested directly.
 */
export function decideVault(
  name: string,
  resourceGroup: string,
  node: VaultNode,
  state: VaultState,
  modes: { keyVaultPolicy: KeyVaultPolicyMode; deletedVault: DeletedVaultMode },
  declared?: { instance: VaultInstance; isUnknownValue: (value: unknown) => boolean }
): VaultDecision {
  const action = chooseAction(state, modes, declared);
  const policiesBefore = state.kind === 'active' ? state.vault.accessPolicies : [];
  const unchanged =
    action === 'preserve' &&
    state.kind === 'active' &&
    declared !== undefined &&
    declaresNoChange(declared.instance.declared(), state.vault, declared.isUnknownValue);
  const ownPoliciesPresent =
    action === 'preserve' &&
    declared !== undefined &&
    ownEntriesGranted(declared.instance, policiesBefore, declared.isUnknownValue);
  return {
    name,
    resourceGroup,
    node,
    state,
    action,
    policiesBefore,
    protectedFlags: [],
    unchanged,
    ownPoliciesPresent
  };
}

/** Whether the template's own `accessPolicies` are known before deploying and already on the vault. */
function ownEntriesGranted(
  instance: VaultInstance,
  current: readonly AccessPolicyEntry[],
  isUnknownValue: (value: unknown) => boolean
): boolean {
  const own = declaredEntries(instance, isUnknownValue);
  return own !== undefined && missingGrants(own, current).length === 0;
}

/** The template's own `accessPolicies` of a vault when known before deploying; undefined when not. */
export function declaredEntries(
  instance: VaultInstance,
  isUnknownValue: (value: unknown) => boolean
): AccessPolicyEntry[] | undefined {
  const properties = instance.declared().properties;
  if (!properties || typeof properties !== 'object' || isUnknownValue(properties)) return undefined;
  const key = Object.keys(properties).find(k => k.toLowerCase() === 'accesspolicies');
  const own = key === undefined ? [] : (properties as Record<string, unknown>)[key];
  if (isUnknownValue(own) || !Array.isArray(own)) return undefined;
  return own as AccessPolicyEntry[];
}

function chooseAction(
  state: VaultState,
  modes: { keyVaultPolicy: KeyVaultPolicyMode; deletedVault: DeletedVaultMode },
  declared: { instance: VaultInstance; isUnknownValue: (value: unknown) => boolean } | undefined
): VaultAction {
  if (state.kind === 'soft-deleted')
    return modes.deletedVault === 'recover' ? 'recover' : 'refuse-soft-deleted';
  const mode = guardMode(modes.keyVaultPolicy);
  if (!mode.guards) return 'unguarded';
  if (state.kind === 'absent') return 'create';
  if (mode.existingVault === 'skip') return 'skip';
  return state.vault.rbacAuthorization && keepsRbac(declared) ? 'rbac' : 'preserve';
}

/**
 * True only when the template certainly leaves RBAC authorization on. A vault keeps its stored
 * `accessPolicies` while RBAC is on, and a template that turns RBAC off (false, absent — the default is off —
 * or not knowable offline) makes them count again: those must be preserved like any other.
 */
function keepsRbac(
  declared: { instance: VaultInstance; isUnknownValue: (value: unknown) => boolean } | undefined
): boolean {
  const properties = declared?.instance.declared().properties;
  if (!properties || typeof properties !== 'object' || declared!.isUnknownValue(properties)) return false;
  const key = Object.keys(properties).find(k => k.toLowerCase() === 'enablerbacauthorization');
  return key !== undefined && (properties as Record<string, unknown>)[key] === true;
}

/** Refusals for soft-deleted vaults under `deleted-vault: fail`, explaining recover versus purge. */
export function softDeletedRefusal(decision: VaultDecision): VaultRefusal | undefined {
  if (decision.action !== 'refuse-soft-deleted' || decision.state.kind !== 'soft-deleted') return undefined;
  const deleted = decision.state.deleted;
  const purgeDate = deleted.scheduledPurgeDate
    ? ` until ${deleted.scheduledPurgeDate.toISOString().slice(0, 10)}`
    : '';
  const purge = deleted.purgeProtectionEnabled
    ? 'It has purge protection, so it cannot be purged: recovering it is the only way to reuse the name.'
    : `Or purge it to free the name for good (its keys and secrets are then lost): az keyvault purge --name ${decision.name} --location ${deleted.location}.`;
  return {
    name: decision.name,
    node: decision.node,
    reason: `Key Vault '${decision.name}' was deleted and is held in soft-deleted state${purgeDate}; its name is still taken, so deploying the template would fail.`,
    fix: `Set 'deleted-vault: recover' to recover it with its keys, secrets and access policies. ${purge}`
  };
}

/** One line per decision for the log and the summary. */
export function describeDecision(decision: VaultDecision): string {
  const policies = formatPolicyCount(decision.policiesBefore.length);
  switch (decision.action) {
    case 'create':
      return `'${decision.name}' does not exist: created as the template declares it.`;
    case 'preserve':
      return decision.unchanged
        ? `'${decision.name}' exists with ${policies} and the template changes nothing else: not rewritten; the template's own entries are added per principal.`
        : `'${decision.name}' exists with ${policies}: kept verbatim; the template's own entries are added per principal.`;
    case 'skip':
      return `'${decision.name}' exists: left unchanged (key-vault-policy: skip-existing).`;
    case 'recover':
      return `'${decision.name}' is soft-deleted: recovered (deleted-vault: recover).`;
    case 'refuse-soft-deleted':
      return `'${decision.name}' is soft-deleted: not deployed (deleted-vault: fail).`;
    case 'rbac':
      return `'${decision.name}' uses Azure RBAC authorization: access policies do not apply, nothing to preserve.`;
    case 'unguarded':
      return `'${decision.name}': not guarded (key-vault-policy: off); the template's accessPolicies replace the vault's ${policies}.`;
  }
}

/** "1 access policy", "3 access policies". */
function formatPolicyCount(count: number): string {
  return `${count} access ${count === 1 ? 'policy' : 'policies'}`;
}
