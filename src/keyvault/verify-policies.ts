import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import type { Deadline } from '../run/deadline.js';
import { describePrincipal, missingGrants, principalKey, type AccessPolicyEntry } from './access-policies.js';
import type { VaultDecision } from './vault-plan.js';
import { readVaultState } from './vault-state.js';

/** What verification found for one vault, and what it put back. */
export interface PolicyVerification {
  name: string;
  /** Entries present before the run that came through it untouched. */
  kept: number;
  /** Entries (or permissions) that went missing and were put back with `accessPolicies/add`. */
  restored: AccessPolicyEntry[];
  policiesAfter: AccessPolicyEntry[];
}

const CONFLICT_ATTEMPTS = 6;

/**
 * After the deployment, checks every vault the run touched: every policy present before the run must still
 * be there. Anything missing (a concurrent run without the guard, a template edited by hand) is restored with
 * `accessPolicies/add` — never a full vault PUT, which could itself wipe what someone else just added — and
 * reported. A 409 (another write on the vault in progress) is retried with jitter within the deadline.
 */
export async function verifyAndRestorePolicies(
  client: KeyVaultManagementClient,
  decisions: readonly VaultDecision[],
  deadline: Deadline
): Promise<PolicyVerification[]> {
  const results: PolicyVerification[] = [];
  for (const decision of decisions) {
    if (decision.state.kind !== 'active' || decision.action === 'rbac' || decision.action === 'unguarded')
      continue;
    let after = await currentPolicies(client, decision, deadline);
    const missing = missingGrants(decision.policiesBefore, after);
    if (missing.length > 0) {
      await addPolicies(client, decision, missing, deadline);
      after = await currentPolicies(client, decision, deadline);
      const stillMissing = missingGrants(decision.policiesBefore, after);
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
      policiesAfter: after
    });
  }
  return results;
}

async function currentPolicies(
  client: KeyVaultManagementClient,
  decision: VaultDecision,
  deadline: Deadline
): Promise<AccessPolicyEntry[]> {
  const state = await readVaultState(client, decision.resourceGroup, decision.name, deadline.signal);
  if (state.kind !== 'active') {
    throw new Error(
      `Key Vault '${decision.name}' existed before the deployment but is ${state.kind} after it.`
    );
  }
  return state.vault.accessPolicies;
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
