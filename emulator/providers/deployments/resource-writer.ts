import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmErrorDetail } from '../../http-result.js';
import { parseResourcePath } from '../../arm/resource-id.js';
import { isTerminalState } from '../../arm/resource-store.js';
import type { RunContext } from './deployment-run.js';

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
  /** The declaration's apiVersion, sent as the PUT's api-version. */
  apiVersion: string;
  body: Record<string, unknown>;
}

/** The field that makes the stand-in fail a resource on purpose (see README.md, "Scripted failures"). */
export const FAIL_WITH = 'emulatorFailWith';

const PROVISIONING_POLL_MS = 10;
const PROVISIONING_WAIT_MS = 10 * 60_000;

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

// ARM waits for a resource's provisioning to end before dependents start (a vault's DNS registration, a
// workspace's datastores), and a deployment operation ends with the provider's terminal state.
async function untilProvisioned(ctx: RunContext, id: string): Promise<WriteOutcome | undefined> {
  const deadline = Date.now() + PROVISIONING_WAIT_MS;
  while (Date.now() < deadline) {
    const state = ctx.store.get(id)?.properties?.provisioningState;
    if (isTerminalState(state)) {
      return state === undefined || String(state).toLowerCase() === 'succeeded'
        ? undefined
        : {
            status: 500,
            error: {
              code: 'ResourceDeploymentFailure',
              message:
                'The resource write operation failed to complete successfully, because it reached terminal ' +
                `provisioning state '${String(state)}'.`
            }
          };
    }
    await sleep(PROVISIONING_POLL_MS);
  }
  return {
    status: 500,
    error: {
      code: 'ResourceDeploymentFailure',
      message: 'The resource never reached a terminal provisioning state.'
    }
  };
}

/**
 * Writes one template resource through the same path as a direct PUT of it (the ARM router: the provider
 * serving the type, else the generic store), then waits for its provisioning to end. Extension resources
 * (`scope`, an id with a second `/providers/`) have no provider here and are stored as sent.
 */
export async function writeResource(ctx: RunContext, write: ResourceWrite): Promise<WriteOutcome> {
  const scripted = scriptedFailure(write.body);
  if (scripted) return scripted;
  const isExtension = write.id.toLowerCase().split('/providers/').length > 2;
  if (isExtension || !parseResourcePath(write.id)) {
    const { created } = ctx.store.put(write.id, write.body);
    return { status: created ? 201 : 200 };
  }
  const answer = await ctx.dispatch({
    method: 'PUT',
    path: write.id,
    body: write.body,
    apiVersion: write.apiVersion
  });
  if (answer.status >= 400) return outcome(answer);
  // Action-like children (`vaults/accessPolicies/{add|replace|remove}`) are not resources of their own.
  if (!ctx.store.has(write.id)) return { status: answer.status };
  return (await untilProvisioned(ctx, write.id)) ?? { status: answer.status };
}
