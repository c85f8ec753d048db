import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmErrorDetail } from '../../http-result.js';
import { handleGenericResource } from '../../arm/generic-resources.js';
import { parseResourcePath } from '../../arm/resource-id.js';
import { isTerminalState } from '../../arm/resource-store.js';
import { recordActivity } from '../activity-log/index.js';
import { applyVaultAccessPolicies, putVault, type VaultContext } from '../key-vault/index.js';

/** How one resource write ended, as the deployment operation records it. */
export interface WriteOutcome {
  status: number;
  error?: ArmErrorDetail;
}

/** The resource to write: its id, full type and the body evaluated from the template. */
export interface ResourceWrite {
  id: string;
  type: string;
  name: string;
  body: Record<string, unknown>;
  /** The deployment's correlation id, recorded in the activity log with its vault writes (as ARM does). */
  correlationId?: string;
}

/** The field that makes the stand-in fail a resource on purpose (see README.md, "Scripted failures"). */
export const FAIL_WITH = 'emulatorFailWith';

const VAULT_POLL_MS = 10;
const VAULT_WAIT_MS = 10 * 60_000;

function scriptedFailure(body: Record<string, unknown>): WriteOutcome | undefined {
  const properties = body.properties as Record<string, unknown> | undefined;
  const failWith = properties?.[FAIL_WITH] as
    { code?: unknown; message?: unknown; status?: unknown } | undefined;
  if (!failWith || typeof failWith !== 'object') return undefined;
  return {
    status: typeof failWith.status === 'number' ? failWith.status : 400,
    error: {
      code: String(failWith.code ?? 'ScriptedFailure'),
      message: String(failWith.message ?? 'The resource was scripted to fail.')
    }
  };
}

function outcome(answer: { status: number; body?: unknown; error?: ArmErrorDetail }): WriteOutcome {
  const error = answer.error ?? (answer.body as { error?: ArmErrorDetail } | undefined)?.error;
  return answer.status >= 400 && error ? { status: answer.status, error } : { status: answer.status };
}

// A vault is usable once its DNS name is registered; dependents start only then, as in Azure.
async function untilProvisioned(ctx: VaultContext, id: string): Promise<WriteOutcome | undefined> {
  const deadline = Date.now() + VAULT_WAIT_MS;
  while (Date.now() < deadline) {
    const state = ctx.store.get(id)?.properties?.provisioningState;
    if (isTerminalState(state)) {
      return state === 'Succeeded'
        ? undefined
        : {
            status: 500,
            error: { code: 'ResourceDeploymentFailure', message: `The resource ended '${String(state)}'.` }
          };
    }
    await sleep(VAULT_POLL_MS);
  }
  return {
    status: 500,
    error: { code: 'ResourceDeploymentFailure', message: 'The vault never became ready.' }
  };
}

function groupPathOf(id: string): string {
  return id.slice(0, id.toLowerCase().indexOf('/providers/'));
}

/** ARM writes a template's resources as the deployment's caller, under the deployment's correlation id. */
function logDeploymentWrite(ctx: VaultContext, id: string, operationName: string, correlationId?: string) {
  recordActivity(ctx.store, {
    resourceId: id,
    operationName,
    caller: 'Microsoft.Resources/deployments',
    ...(correlationId ? { correlationId } : {})
  });
}

/**
 * Writes one template resource: vaults through the Key Vault provider (full-replace PUT, then wait for
 * `Succeeded`), `vaults/accessPolicies` `{vault}/{add|replace|remove}` per principal, extension resources
 * (`scope`) and every other type through the generic store with PUT semantics.
 */
export async function writeResource(ctx: VaultContext, write: ResourceWrite): Promise<WriteOutcome> {
  const scripted = scriptedFailure(write.body);
  if (scripted) return scripted;
  const type = write.type.toLowerCase();
  const group = groupPathOf(write.id);
  if (type === 'microsoft.keyvault/vaults') {
    const answer = await putVault(ctx, group, write.name, write.body);
    if (answer.status >= 400) return outcome(answer);
    logDeploymentWrite(ctx, write.id, 'Microsoft.KeyVault/vaults/write', write.correlationId);
    return (await untilProvisioned(ctx, write.id)) ?? { status: answer.status };
  }
  if (type === 'microsoft.keyvault/vaults/accesspolicies') {
    const [vault, operation] = write.name.split('/');
    const answer = outcome(await applyVaultAccessPolicies(ctx, group, vault!, operation!, write.body));
    if (!answer.error)
      logDeploymentWrite(
        ctx,
        write.id,
        'Microsoft.KeyVault/vaults/accessPolicies/write',
        write.correlationId
      );
    return answer;
  }
  const isExtension = write.id.toLowerCase().split('/providers/').length > 2;
  const path = parseResourcePath(write.id);
  if (isExtension || !path) {
    const { created } = ctx.store.put(write.id, write.body);
    return { status: created ? 201 : 200 };
  }
  return outcome(handleGenericResource('PUT', path, write.body, ctx.store, ctx.lro));
}
