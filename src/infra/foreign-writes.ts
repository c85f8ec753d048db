import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { foreignVaultWrites, type ActivityLogPage } from '../keyvault/activity-log.js';
import type { VaultDecision } from '../keyvault/vault-plan.js';
import type { InfraContext } from './infra-context.js';
import type { InfraResult } from './infra-result.js';

/**
 * Reports every write someone else made to a vault the deployment rewrote, between the guard's last read and
 * ARM's vault PUT: the PUT carried the list read before, so such a write may have been overwritten. Grants the
 * watch saw are already restored; the activity log names the rest (vault, caller, time), so no loss is silent.
 * Azure shows activity log events after a delay (typically minutes): a write too recent to be listed yet is
 * the one case this cannot name, which the documentation says.
 */
export async function reportForeignWrites(
  context: InfraContext,
  decisions: readonly VaultDecision[],
  result: InfraResult,
  window: { from: Date; to: Date }
): Promise<void> {
  const rewritten = decisions.flatMap(d =>
    d.action === 'preserve' && !d.unchanged && d.state.kind === 'active'
      ? [{ name: d.name, resourceGroup: d.resourceGroup, id: d.state.vault.id }]
      : []
  );
  if (rewritten.length === 0) return;
  const { session } = context.azure;
  let writes;
  try {
    writes = await foreignVaultWrites(
      activityLogReader(context),
      {
        armEndpoint: session.cloud.armEndpoint,
        subscriptionId: session.subscriptionId,
        ownCorrelationId: session.correlationId
      },
      rewritten,
      window
    );
  } catch (error) {
    context.log.warning(
      `Could not read the activity log to check for writes by others to Key Vault ${rewritten.map(v => `'${v.name}'`).join(', ')} while the deployment rewrote it (${(error as Error).message}). A grant made in that window and overwritten would go unnoticed: check the vault's activity log.`,
      { title: 'Key Vault writes during the deployment not checked' }
    );
    return;
  }
  for (const write of writes) {
    const at = write.time.toISOString();
    context.log.warning(
      `Key Vault '${write.vault}' was written by ${write.caller} at ${at} (${write.operation}, correlation id ${write.correlationId}) while this deployment was rewriting it. Grants the guard saw were restored; anything else that write granted may have been overwritten: check it and grant it again.`,
      { title: 'Key Vault written during the deployment' }
    );
    const report = result.vaults.find(v => v.name === write.vault);
    if (report)
      report.explanation += ` Written by ${write.caller} at ${at} during the deployment: check that grant.`;
  }
}

/** One page of the activity log through the resource client's pipeline (sign-in, retries, deadline). */
function activityLogReader(context: InfraContext): ActivityLogPage {
  const client = context.azure.resources();
  return async url => {
    const response = await client.sendRequest(
      createPipelineRequest({ url, method: 'GET', abortSignal: context.deadline.signal })
    );
    if (response.status >= 400)
      throw new Error(
        `HTTP ${response.status} from the activity log: ${response.bodyAsText?.slice(0, 300) ?? ''}`
      );
    return JSON.parse(response.bodyAsText ?? '{}') as { value?: unknown[]; nextLink?: string };
  };
}
