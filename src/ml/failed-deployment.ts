import { azureLroCall } from '../azure/azure-error.js';
import { RANK } from '../run/finding.js';
import type { MlContext } from './ml-context.js';
import { POLL_INTERVAL_MS, readEndpoint } from './endpoint-stage.js';
import type { MlResult } from './ml-result.js';
import type { DeploymentSpec } from '../config/ml-specs.js';
import { mlScope, type MlScope } from './ml-workspace.js';

/** The model stages' context, and whether the health gate (which runs after them) judged the deployment. */
type SettleContext = MlContext & { results: { health?: { healthy: boolean } } };

/**
 * How long deleting a failed deployment may take after the run failed, whatever the run's deadline: Azure goes
 * on deleting once it accepted the request, so a slow deletion is reported as under way, not waited for.
 */
export const DELETE_BUDGET_MS = 120_000;

/**
 * After a failed run, and after the diagnosis read its logs: the new deployment that failed (provisioning, a
 * crash loop) or failed the health gate has 0% traffic, but its instances bill for as long as it exists, and a
 * crash-looping one is restarted by Azure for hours. With `failed-deployment: delete` (the default) the action
 * deletes a deployment this run created or deployed again; one that existed before the run, or one that has
 * traffic, is never deleted. Whatever stays is reported with what it keeps running and how to delete it.
 * Never throws: the run's own failure is what the user must see.
 */
export async function settleFailedDeployment(context: SettleContext): Promise<void> {
  const failed = failedDeployment(context);
  if (!failed) return;
  const scope: MlScope = {
    ...mlScope(context),
    options: { abortSignal: AbortSignal.timeout(DELETE_BUDGET_MS) }
  };
  try {
    const endpoint = await readEndpoint(scope, scope.result.endpointName);
    if ((endpoint?.properties.traffic?.[failed.name] ?? 0) > 0) return; // it serves: not a leftover
    let kept = "'failed-deployment' is 'keep'";
    if (failed.action === 'unchanged') kept = 'it existed before this run, so the action leaves it alone';
    else if (scope.config.failedDeployment === 'delete') {
      const deleted = await deleteDeployment(scope, failed.name).catch((error: unknown) => error as Error);
      if (!(deleted instanceof Error)) {
        scope.result.failedDeployment = { name: failed.name, outcome: deleted, why: failed.why };
        context.log.info(
          `Deployment '${failed.name}' ${failed.why}; ${deleted === 'deleted' ? 'deleted' : 'deletion started'} (failed-deployment: delete) after its logs were read.`
        );
        return;
      }
      kept = `deleting it failed: ${deleted.message}`;
    }
    reportLeftBehind(context, scope, failed, kept);
  } catch (error) {
    context.log.debug(`Settling the failed deployment '${failed.name}' failed: ${(error as Error).message}`);
  }
}

interface FailedDeployment {
  name: string;
  action: NonNullable<MlResult['deployment']>['action'];
  why: string;
}

/** The run's online deployment, when it failed or was found unhealthy; not after a cancel (exit quickly). */
function failedDeployment(context: SettleContext): FailedDeployment | undefined {
  const { config, results, deadline } = context;
  const deployment = results.ml?.deployment;
  if (!config.ml || config.target?.kind === 'local' || !deployment || deadline.cancelled) return undefined;
  const { name, action } = deployment;
  if (deployment.provisioningState === 'Failed') return { name, action, why: 'failed' };
  if (results.health?.healthy === false) return { name, action, why: 'failed the health gate' };
  return undefined;
}

/** Deletes the deployment; `deleting` when Azure accepted the deletion but did not finish it within the budget. */
async function deleteDeployment(scope: MlScope, name: string): Promise<'deleted' | 'deleting'> {
  const operation = `delete failed online deployment '${name}' (failed-deployment: delete)`;
  const poller = await azureLroCall(operation, onResponse =>
    scope.client.onlineDeployments.beginDelete(
      scope.resourceGroup,
      scope.workspace,
      scope.result.endpointName,
      name,
      { ...scope.options, updateIntervalInMs: POLL_INTERVAL_MS, onResponse }
    )
  );
  try {
    await azureLroCall(operation, () => poller.pollUntilDone({ abortSignal: scope.options.abortSignal }));
    return 'deleted';
  } catch (error) {
    if (scope.options.abortSignal.aborted) return 'deleting';
    throw error;
  }
}

/** A warning finding (summary and annotation): what stays, what it keeps running, and the command to delete it. */
function reportLeftBehind(
  context: SettleContext,
  scope: MlScope,
  failed: FailedDeployment,
  kept: string
): void {
  const { config, result, resourceGroup, workspace } = scope;
  const command =
    `az ml online-deployment delete --name ${failed.name} --endpoint-name ${result.endpointName} ` +
    `--resource-group ${resourceGroup} --workspace-name ${workspace} --yes`;
  result.failedDeployment = { name: failed.name, outcome: 'left', why: failed.why, deleteCommand: command };
  context.findings.add({
    id: 'failed-deployment-left',
    stage: context.results.health?.healthy === false ? 'health' : 'deployment',
    severity: 'warning',
    title: `Deployment '${failed.name}' left behind at 0% traffic`,
    cause: `Deployment '${failed.name}' ${failed.why} and was not deleted (${kept}). It serves no traffic but keeps ${runningCost(config.deployment, config.endpoint.compute)} running until it is deleted.`,
    fix: `Once its logs are no longer needed, delete it: \`${command}\`. With 'failed-deployment: delete' (the default) the action deletes a failed deployment it created.`,
    evidence: [],
    rank: RANK.advice
  });
}

/**
 * What a deployment keeps running, the base of what it costs: its instances (the minimum of an autoscaled
 * Kubernetes deployment), each billed like a VM of its size — or, on Kubernetes, held from the cluster.
 */
export function runningCost(deployment: DeploymentSpec, compute?: string): string {
  const scale = deployment.scaleSettings;
  const count =
    scale?.type === 'target_utilization' ? (scale.minInstances ?? 1) : (deployment.instanceCount ?? 1);
  const size = deployment.instanceType ?? 'default-size';
  return deployment.kind === 'kubernetes'
    ? `${count} × ${size} of Kubernetes compute '${compute ?? ''}' (cluster capacity no other deployment can use)`
    : `${count} × ${size} (billed per instance-hour, as a virtual machine of that size)`;
}
