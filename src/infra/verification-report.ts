import { describePrincipal } from '../keyvault/access-policies.js';
import type { PolicyVerification, RestoredGrant } from '../keyvault/verify-policies.js';
import type { InfraContext } from './infra-context.js';
import type { InfraResult } from './infra-result.js';

/**
 * Puts the verification into the vault rows of the summary and warns about every entry that had to be put
 * back, naming the vault, the principal, why it was expected and when it was seen: a loss is never silent.
 */
export function recordVerification(
  context: InfraContext,
  result: InfraResult,
  verifications: PolicyVerification[]
): void {
  for (const verification of verifications) {
    const report = result.vaults.find(v => v.name === verification.name);
    if (!report) continue;
    report.policiesKept = verification.kept;
    report.policiesRestored = verification.restored.length;
    report.policiesAdded = Math.max(0, verification.policiesAfter.length - report.policiesBefore);
    if (verification.restoredGrants.length === 0) continue;
    const lost = verification.restoredGrants.map(describeRestored).join('; ');
    report.explanation += ` Restored after the deployment: ${lost}.`;
    context.log.warning(
      `Key Vault '${verification.name}' lost ${verification.restored.length} access policy entr${verification.restored.length === 1 ? 'y' : 'ies'} during the deployment (another writer?): ${lost}. They were restored with accessPolicies/add.`,
      { title: 'Key Vault access policies restored' }
    );
  }
}

/** "principal 0b… (secrets: get, list; added during the deployment, seen 12:00:03Z)". */
function describeRestored(grant: RestoredGrant): string {
  const permissions = Object.entries(grant.entry.permissions)
    .map(([kind, list]) => `${kind}: ${(list ?? []).join(', ')}`)
    .join('; ');
  const seen = grant.seenAt ? `, seen ${grant.seenAt.toISOString()}` : '';
  return `principal ${describePrincipal(grant.entry)} (${permissions}; ${grant.origin}${seen})`;
}
