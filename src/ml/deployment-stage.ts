import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import { deploymentBody, onlineDeploymentName } from './deployment-body.js';
import { DeploymentCrashLoopError } from './deployment-crash-loop.js';
import { OnlineDeploymentFailedError } from './deployment-failure.js';
import { createOnlineDeployment, waitWhileInProgress } from './deployment-wait.js';
import { readContainerLogs } from './container-logs.js';
import type { ContainerLogs } from '../diagnose/failure-facts.js';
import { scriptFailureFromLog, type ScriptFailure } from '../scoring-script/init-traceback.js';
import { readEndpoint } from './endpoint-stage.js';
import { mlScope, readWorkspace, type MlScope } from './ml-workspace.js';
import { describeTraffic } from './traffic-plan.js';

/**
 * The online deployment, under a name derived from what it deploys (deployment-body.ts), beside the one that
 * serves: traffic is not touched here. An existing deployment of that name that succeeded is the result of
 * an earlier run with the same content and is left alone; a failed one is tried again; one still in progress
 * is waited for. `az ml` fails on create-if-exists; this converges either way.
 */
export const deploymentStage: Stage<MlContext> = {
  name: 'deployment',
  title: 'Deployment',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const { result } = scope;
    const workspace = await readWorkspace(scope);
    const body = deploymentBody(
      scope.config.deployment,
      { modelId: result.model!.id, environmentId: result.environment!.id, codeId: result.code!.id },
      workspace.location
    );
    const name = onlineDeploymentName(scope.config.deployment.name, body);
    const found = await readDeployment(scope, name);
    // Recorded before waiting: a crash loop seen while waiting is this content failing again, and what the run
    // leaves behind is then settled like a failure of its own (failed-deployment.ts).
    if (found)
      result.deployment = {
        name,
        action: 'retried',
        provisioningState: found.properties.provisioningState ?? ''
      };
    const existing = await waitWhileInProgress(context, scope, name, found, () =>
      readDeployment(scope, name)
    ).catch((error: unknown) => {
      if (result.deployment && error instanceof DeploymentCrashLoopError)
        result.deployment.provisioningState = 'Failed';
      throw error;
    });
    const state = existing?.properties.provisioningState;
    if (state === 'Succeeded') {
      result.deployment = { name, action: 'unchanged', provisioningState: state };
      return `'${name}' already deployed with this model, environment, code and settings; unchanged`;
    }
    result.deployment = { name, action: existing ? 'retried' : 'created', provisioningState: 'Creating' };
    context.log.info(
      existing
        ? `Deployment '${name}' exists in state ${state}; deploying it again.`
        : `Creating deployment '${name}' with 0% traffic; the serving deployment keeps all traffic meanwhile.`
    );
    try {
      await createOnlineDeployment(context, scope, name, body);
    } catch (error) {
      if (!(error instanceof AzureOperationError) || (error.status ?? 200) >= 400) throw error;
      result.deployment.provisioningState = 'Failed';
      const logs = await logContainerTails(context, scope, name, error);
      const scriptFailure = scriptFailureOf(scope, logs.inferenceServer ?? '');
      const endpoint = await readEndpoint(scope, result.endpointName).catch(() => undefined);
      const serving = `traffic stays ${describeTraffic(endpoint?.properties.traffic ?? {})}`;
      // The logs go with the error: the diagnosis (src/diagnose/) explains the failure from them.
      throw new OnlineDeploymentFailedError(error, name, result.endpointName, serving, scriptFailure, logs);
    }
    result.deployment.provisioningState = 'Succeeded';
    return `'${name}' ${existing ? 'deployed again' : 'created'} and succeeded (0% traffic until the traffic stage)`;
  }
};

async function readDeployment(scope: MlScope, name: string): Promise<OnlineDeployment | undefined> {
  try {
    return await azureCall(`read online deployment '${name}'`, () =>
      scope.client.onlineDeployments.get(
        scope.resourceGroup,
        scope.workspace,
        scope.result.endpointName,
        name,
        scope.options
      )
    );
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return undefined;
    throw error;
  }
}

const LOG_TAIL_LINES = 40;

/**
 * The storage initializer and inference server logs of a failed deployment, where the reason is (a missing
 * blob, an init() traceback): the operation's error only says where to look. Their last lines go to the step
 * log; all that was read goes with the error to the diagnosis. A crash-loop error brings the log that showed
 * the loop, which keeps the traceback even if a later container start has since overwritten the tail.
 */
async function logContainerTails(
  context: MlContext,
  scope: MlScope,
  name: string,
  error: AzureOperationError
): Promise<ContainerLogs> {
  const logs = await readContainerLogs(scope, name);
  const watched = (error as { serverLog?: string }).serverLog;
  if (watched && !logs.inferenceServer?.includes('Traceback')) logs.inferenceServer = watched;
  const shown = [
    ['StorageInitializer', logs.storageInitializer],
    ['InferenceServer', logs.inferenceServer]
  ] as const;
  for (const [containerType, text] of shown) {
    if (text)
      context.log.info(
        `${containerType} log of '${name}' (last ${LOG_TAIL_LINES} lines):\n${lastLines(text)}`
      );
  }
  return logs;
}

function lastLines(text: string): string {
  return text.trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

/** Where the scoring script failed, for the error's message; the diagnosis annotates the line. */
function scriptFailureOf(scope: MlScope, serverLog: string): ScriptFailure | undefined {
  const code = scope.config.deployment.codeConfiguration?.code;
  return scriptFailureFromLog(serverLog, code?.kind === 'path' ? code : undefined);
}
