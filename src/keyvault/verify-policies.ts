import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import type { Deadline } from '../run/deadline.js';
import {
  applyPolicyOperation,
  describePrincipal,
  missingGrants,
  principalKey,
  type AccessPolicyEntry
} from './access-policies.js';
import type { SeenGrant } from './policy-watch.js';
import { listGroupVaults, vaultKey } from './read-vaults.js';
import type { VaultDecision } from './vault-plan.js';
import { getActiveVault } from './vault-state.js';

/** Why an entry was expected after the deployment. */
export type GrantOrigin =
  'present before the run' | 'declared by the template' | 'added during the deployment';

/** An entry (or some of its permissions) that went missing and was put back. */
export interface RestoredGrant {
  entry: AccessPolicyEntry;
  origin: GrantOrigin;
  /** When the watch first saw it (entries added by someone else during the deployment). */
  seenAt?: Date;
}

/** What verification found for one vault, and what it put back. */
export interface PolicyVerification {
  name: string;
  /** Entries present before the run that came through it untouched. */
  kept: number;
  /** Entries (or permissions) that went missing and were put back with `accessPolicies/add`. */
  restored: AccessPolicyEntry[];
  /** The same, each with why it was expected and, for grants made during the run, when it was seen. */
  restoredGrants: RestoredGrant[];
  policiesAfter: AccessPolicyEntry[];
}

/** What else, beyond the policies read before the run, each vault must hold afterwards (by vault key). */
export interface ExpectedGrants {
  /** The template's own entries, where known before deploying (ARM evaluates the rest). */
  declared?: Map<string, AccessPolicyEntry[]>;
  /** Grants someone else made while the deployment ran, as the watch saw them. */
  seen?: Map<string, SeenGrant[]>;
}

const CONFLICT_ATTEMPTS = 6;

/**
 * After the deployment, checks every vault the run guarded: every policy present before the run, every entry
 * the template declares, and every grant someone else made while the deployment ran (as far as the watch saw
 * them) must be there. Two guarded runs at once would otherwise lose each other's new grants. Anything missing
 * is restored with `accessPolicies/add` — never a full vault PUT, which could itself wipe what someone else
 * just added — and reported. Reads one list per resource group; a 409 on the restore is retried with jitter.
 */
export async function verifyAndRestorePolicies(
  client: KeyVaultManagementClient,
  decisions: readonly VaultDecision[],
  deadline: Deadline,
  expected: ExpectedGrants = {}
): Promise<PolicyVerification[]> {
  const guarded = decisions.filter(
    d => d.state.kind === 'active' && d.action !== 'rbac' && d.action !== 'unguarded'
  );
  const current = await currentPolicies(client, guarded, deadline);
  const results: PolicyVerification[] = [];
  for (const decision of guarded) {
    const key = vaultKey(decision.name);
    const seen = expected.seen?.get(key) ?? [];
    const declared = decision.action === 'preserve' ? (expected.declared?.get(key) ?? []) : [];
    const wanted = applyPolicyOperation(decision.policiesBefore, 'add', [
      ...declared,
      ...seen.map(s => s.entry)
    ]);
    let after = current.get(key)!;
    const missing = missingGrants(wanted, after);
    if (missing.length > 0) {
      await addPolicies(client, decision, missing, deadline);
      after = (await currentPolicies(client, [decision], deadline)).get(key)!;
      const stillMissing = missingGrants(wanted, after);
      if (stillMissing.length > 0) {
        throw new Error(
          `Key Vault '${decision.name}' lost access policies during the deployment and restoring them did not hold: ` +
            `${stillMissing.map(describePrincipal).join(', ')}. Check for another process rewriting the vault.`
        );
      }
    }
    results.push({
      name: decision.name,
      kept: decision.policiesBefore.filter(
        entry => !missing.some(m => principalKey(m) === principalKey(entry))
      ).length,
      restored: missing,
      restoredGrants: missing.map(entry => attribute(entry, decision.policiesBefore, seen)),
      policiesAfter: after
    });
  }
  return results;
}

/** Why a restored entry was expected: grants seen during the run first, as those are what the race loses. */
function attribute(
  entry: AccessPolicyEntry,
  before: readonly AccessPolicyEntry[],
  seen: readonly SeenGrant[]
): RestoredGrant {
  const sighting = seen.find(s => principalKey(s.entry) === principalKey(entry));
  if (sighting) return { entry, origin: 'added during the deployment', seenAt: sighting.firstSeen };
  if (before.some(b => principalKey(b) === principalKey(entry)))
    return { entry, origin: 'present before the run' };
  return { entry, origin: 'declared by the template' };
}

/** The vaults' policies now: one list per resource group; a vault a list does not show is read on its own. */
async function currentPolicies(
  client: KeyVaultManagementClient,
  decisions: readonly VaultDecision[],
  deadline: Deadline
): Promise<Map<string, AccessPolicyEntry[]>> {
  const groups = [...new Set(decisions.map(d => d.resourceGroup.toLowerCase()))];
  const lists = await Promise.all(groups.map(group => listGroupVaults(client, group, deadline.signal)));
  const policies = new Map<string, AccessPolicyEntry[]>();
  for (const decision of decisions) {
    const listed = lists[groups.indexOf(decision.resourceGroup.toLowerCase())]!.get(vaultKey(decision.name));
    const vault =
      listed ?? (await getActiveVault(client, decision.resourceGroup, decision.name, deadline.signal));
    if (!vault) {
      throw new Error(
        `Key Vault '${decision.name}' existed before the deployment but is not found after it. ` +
          'Check the deployment operations and the vault in the portal (deleted during the run?).'
      );
    }
    policies.set(vaultKey(decision.name), vault.accessPolicies);
  }
  return policies;
}

async function addPolicies(
  client: KeyVaultManagementClient,
  decision: VaultDecision,
  entries: AccessPolicyEntry[],
  deadline: Deadline
): Promise<void> {
  const operation = `restore ${entries.length} access policy entr${entries.length === 1 ? 'y' : 'ies'} on Key Vault '${decision.name}'`;
  for (let attempt = 1; ; attempt++) {
    try {
      await azureCall(operation, () =>
        client.vaults.updateAccessPolicy(
          decision.resourceGroup,
          decision.name,
          'add',
          { properties: { accessPolicies: entries } },
          {
            abortSignal: deadline.signal
          }
        )
      );
      return;
    } catch (error) {
      const conflict = error instanceof AzureOperationError && error.status === 409;
      if (!conflict || attempt >= CONFLICT_ATTEMPTS) throw error;
      // Writes to one vault are serialised by Azure; spread ours so concurrent runs do not collide again.
      await deadline.sleep(250 * 2 ** (attempt - 1) * (0.5 + Math.random()), operation);
    }
  }
}
