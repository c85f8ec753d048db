import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { WhatIfChange } from '@azure/arm-resourcesdeployments';
import type { Deadline } from '../run/deadline.js';
import type { ConfigurationProblem } from '../run/errors.js';
import type { AccessPolicyEntry } from './access-policies.js';
import { guardMode } from './guard-mode.js';
import { PolicyWatch } from './policy-watch.js';
import {
  declaredEntries,
  decideVault,
  softDeletedRefusal,
  type DeletedVaultMode,
  type KeyVaultPolicyMode
} from './decide-vaults.js';
import type { VaultDecision, VaultInstance, VaultNode } from './vault-plan.js';
import { findUnknowns } from '../arm/index.js';
import { readVaultStates, vaultKey } from './read-vaults.js';
import {
  confirmExistence,
  VaultEvidence,
  VaultEvidenceConflictError,
  type ExistenceClaim
} from './vault-evidence.js';
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
  if (!guardMode(mode).guards) return { vaults, problems: [] };
  const problems = unresolved.map(({ node, reason }) => ({
    file: node.file,
    line: node.line,
    message: `The name of this Key Vault cannot be known before deploying (${reason}), so its access policies cannot be protected.`,
    fix: "Give the vault a name that does not depend on runtime values, or set 'key-vault-policy: off' to deploy it unguarded."
  }));
  return { vaults, problems };
}

/**
 * Reads every vault's state (one list per resource group, see read-vaults.ts) and decides what to do with
 * each; soft-deleted vaults under `fail` are refused. A vault earlier evidence showed to exist but now read
 * as not active is read again; if it still is not found, the run stops before anything is written.
 */
export async function decideVaults(
  client: KeyVaultManagementClient,
  vaults: readonly NamedVault[],
  modes: { keyVaultPolicy: KeyVaultPolicyMode; deletedVault: DeletedVaultMode },
  deadline: Deadline,
  evidence: VaultEvidence,
  source: string
): Promise<{ decisions: VaultDecision[]; problems: ConfigurationProblem[] }> {
  const decisions: VaultDecision[] = [];
  const problems: ConfigurationProblem[] = [];
  const conflicts: { name: string; claims: ExistenceClaim[] }[] = [];
  const states = await readVaultStates(client, vaults, deadline.signal);
  for (const vault of vaults) {
    let state = states.get(vaultKey(vault.name)) ?? { kind: 'absent' };
    evidence.recordState(vault.name, source, state);
    if (state.kind !== 'active' && evidence.existence(vault.name)) {
      const found = await confirmExistence(client, vault, evidence, deadline);
      if (!found) conflicts.push({ name: vault.name, claims: evidence.claims(vault.name) });
      else state = { kind: 'active', vault: found };
    }
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
  if (conflicts.length > 0) throw new VaultEvidenceConflictError(conflicts);
  return { decisions, problems };
}

/** What-if's change types that say the resource exists now (Create says it does not; Unsupported says nothing). */
const EXISTS_BY_WHAT_IF = new Set(['modify', 'nochange', 'ignore', 'deploy', 'delete']);

/**
 * Records what-if's word on each guarded vault and stops the run when it contradicts the reads: what-if
 * planning to create a vault the guard read as active means ARM and the guard do not mean the same vault
 * (another group, another name), and the guard's plan cannot be trusted for it.
 */
export function reconcileWhatIf(
  changes: readonly WhatIfChange[],
  decisions: readonly VaultDecision[],
  evidence: VaultEvidence
): void {
  const conflicts: { name: string; claims: ExistenceClaim[] }[] = [];
  for (const change of changes) {
    const { resourceType, name } = splitResourceId(change.resourceId ?? '');
    if (resourceType.toLowerCase() !== 'microsoft.keyvault/vaults') continue;
    const decision = decisions.find(d => vaultKey(d.name) === vaultKey(name));
    const type = change.changeType.toLowerCase();
    if (!decision || (type !== 'create' && !EXISTS_BY_WHAT_IF.has(type))) continue;
    const exists = type !== 'create';
    evidence.record(decision.name, { source: 'what-if', exists, said: change.changeType });
    if (!exists && decision.state.kind === 'active')
      conflicts.push({ name: decision.name, claims: evidence.claims(decision.name) });
  }
  if (conflicts.length > 0) throw new VaultEvidenceConflictError(conflicts);
}

/**
 * Starts watching the vaults the deployment rewrites (preserved, not unchanged): ARM's PUT of those carries
 * the list read before submission, so a grant someone adds meanwhile would be overwritten.
 */
export function watchRewrittenVaults(
  client: KeyVaultManagementClient,
  decisions: readonly VaultDecision[],
  signal: AbortSignal
): PolicyWatch {
  const rewritten = decisions.filter(d => d.action === 'preserve' && !d.unchanged);
  const watch = new PolicyWatch(
    client,
    rewritten.map(d => ({ name: d.name, resourceGroup: d.resourceGroup, baseline: d.policiesBefore })),
    signal
  );
  watch.start();
  return watch;
}

/** The template's own entries per vault (by vault key), where known before deploying. */
export function declaredPolicies(vaults: readonly NamedVault[]): Map<string, AccessPolicyEntry[]> {
  const declared = new Map<string, AccessPolicyEntry[]>();
  for (const vault of vaults) {
    const entries = declaredEntries(vault.instance, value => findUnknowns(value).length > 0);
    if (entries) declared.set(vaultKey(vault.name), entries);
  }
  return declared;
}
