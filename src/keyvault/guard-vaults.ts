import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { Deadline } from '../run/deadline.js';
import type { ConfigurationProblem } from '../run/errors.js';
import {
  decideVault,
  softDeletedRefusal,
  type DeletedVaultMode,
  type KeyVaultPolicyMode
} from './decide-vaults.js';
import type { VaultDecision, VaultInstance, VaultNode } from './vault-plan.js';
import { findUnknowns } from '../arm/index.js';
import { readVaultState } from './vault-state.js';
import { splitResourceId } from '../azure/resource-id.js';

/** A vault to guard: its name as the engine resolved it, or as ARM's validation named it. */
export interface NamedVault {
  name: string;
  resourceGroup: string;
  node: VaultNode;
  instance: VaultInstance;
}

/**
 * Names every vault the template deploys. Names the engine could not know before deploying are taken from
 * ARM's `validatedResources` when exactly one unresolved declaration and one unmatched validated vault
 * remain; otherwise the vault is refused (in `preserve`/`skip-existing`), because guessing which vault a
 * policy list belongs to could wipe the wrong one.
 */
export function nameVaults(
  nodes: readonly VaultNode[],
  validatedIds: readonly string[] | undefined,
  defaultResourceGroup: string,
  mode: KeyVaultPolicyMode
): { vaults: NamedVault[]; problems: ConfigurationProblem[] } {
  const vaults: NamedVault[] = [];
  const unresolved: { node: VaultNode; instance: VaultInstance; reason: string }[] = [];
  for (const node of nodes) {
    for (const instance of node.instances) {
      if (instance.deployed === false) continue;
      if (typeof instance.name === 'string') {
        vaults.push({
          name: instance.name,
          resourceGroup: instance.resourceGroup || defaultResourceGroup,
          node,
          instance
        });
      } else {
        unresolved.push({ node, instance, reason: instance.name.unknown });
      }
    }
  }
  const known = new Set(vaults.map(v => v.name.toLowerCase()));
  const unmatched = (validatedIds ?? [])
    .map(id => ({ id, ...splitResourceId(id) }))
    .filter(
      v => v.resourceType.toLowerCase() === 'microsoft.keyvault/vaults' && !known.has(v.name.toLowerCase())
    );
  if (unresolved.length === 1 && unmatched.length === 1) {
    const group = /\/resourcegroups\/([^/]+)/i.exec(unmatched[0]!.id)?.[1] ?? defaultResourceGroup;
    vaults.push({
      name: unmatched[0]!.name,
      resourceGroup: group,
      node: unresolved[0]!.node,
      instance: unresolved[0]!.instance
    });
    return { vaults, problems: [] };
  }
  if (mode === 'off') return { vaults, problems: [] };
  const problems = unresolved.map(({ node, reason }) => ({
    file: node.file,
    line: node.line,
    message: `The name of this Key Vault cannot be known before deploying (${reason}), so its access policies cannot be protected.`,
    fix: "Give the vault a name that does not depend on runtime values, or set 'key-vault-policy: off' to deploy it unguarded."
  }));
  return { vaults, problems };
}

/** Reads each vault's state and decides what to do with it; soft-deleted vaults under `fail` are refused. */
export async function decideVaults(
  client: KeyVaultManagementClient,
  vaults: readonly NamedVault[],
  modes: { keyVaultPolicy: KeyVaultPolicyMode; deletedVault: DeletedVaultMode },
  deadline: Deadline
): Promise<{ decisions: VaultDecision[]; problems: ConfigurationProblem[] }> {
  const decisions: VaultDecision[] = [];
  const problems: ConfigurationProblem[] = [];
  for (const vault of vaults) {
    const state = await readVaultState(client, vault.resourceGroup, vault.name, deadline.signal);
    const decision = decideVault(vault.name, vault.resourceGroup, vault.node, state, modes, {
      instance: vault.instance,
      isUnknownValue: value => findUnknowns(value).length > 0
    });
    decisions.push(decision);
    const refusal = softDeletedRefusal(decision);
    if (refusal)
      problems.push({
        file: vault.node.file,
        line: vault.node.line,
        message: refusal.reason,
        fix: refusal.fix
      });
  }
  return { decisions, problems };
}
