import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { azureCall, azureLroCall, AzureOperationError } from '../azure/azure-error.js';
import type { RunContext, Stage } from '../stages/stage.js';
import { deploymentBody, onlineDeploymentName } from './deployment-body.js';
import { OnlineDeploymentFailedError } from './deployment-failure.js';
import { describeScriptFailure, scriptFailureFromLog, type ScriptFailure } from './init-traceback.js';
import { POLL_INTERVAL_MS, readEndpoint } from './endpoint-stage.js';
import { mlScope, readWorkspace, type MlScope } from './ml-workspace.js';
import { describeTraffic } from './traffic-plan.js';

const IN_PROGRESS = ['Creating', 'Updating', 'Scaling'];

/**
 * The online deployment, under a name derived from what it deploys (deployment-body.ts), beside the one that
 * serves: traffic is not touched here. An existing deployment of that name that succeeded is the result of
 * an earlier run with the same content and is left alone; a failed one is tried again; one still in progress
 * is waited for. `az ml` fails on create-if-exists; this converges either way.
 */
export const deploymentStage: Stage = {
  name: 'deployment',
  title: 'Deployment',
  async run(context: RunContext): Promise<string> {
    const scope = mlScope(context);
    const { result } = scope;
    const workspace = await readWorkspace(scope);
    const body = deploymentBody(
      scope.config.deployment,
      { modelId: result.model!.id, environmentId: result.environment!.id, codeId: result.code!.id },
      workspace.location
    );
    const name = onlineDeploymentName(scope.config.deployment.name, body);
    let existing = await readDeployment(scope, name);
    while (existing && IN_PROGRESS.includes(existing.properties.provisioningState ?? '')) {
      context.log.info(
        `Deployment '${name}' is ${existing.properties.provisioningState} (another run?); waiting.`
      );
      await context.deadline.sleep(POLL_INTERVAL_MS * 4, `waiting for deployment '${name}'`);
      existing = await readDeployment(scope, name);
    }
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
      await azureLroCall(
        `create online deployment '${name}' on endpoint '${result.endpointName}'`,
        onResponse =>
          scope.client.onlineDeployments.beginCreateOrUpdateAndWait(
            scope.resourceGroup,
            scope.workspace,
            result.endpointName,
            name,
            body,
            { ...scope.options, updateIntervalInMs: POLL_INTERVAL_MS, onResponse }
          )
      );
    } catch (error) {
      if (!(error instanceof AzureOperationError) || (error.status ?? 200) >= 400) throw error;
      result.deployment.provisioningState = 'Failed';
      const serverLog = await logContainerTails(context, scope, name);
      const scriptFailure = annotateScriptFailure(context, scope, serverLog);
      const endpoint = await readEndpoint(scope, result.endpointName).catch(() => undefined);
      const serving = `traffic stays ${describeTraffic(endpoint?.properties.traffic ?? {})}`;
      throw new OnlineDeploymentFailedError(error, name, result.endpointName, serving, scriptFailure);
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
 * The last lines of the storage initializer and inference server logs of a failed deployment, where the
 * reason is (a missing blob, an init() traceback): the operation's error only says where to look.
 */
async function logContainerTails(context: RunContext, scope: MlScope, name: string): Promise<string> {
  let serverLog = '';
  for (const containerType of ['StorageInitializer', 'InferenceServer'] as const) {
    try {
      const logs = await scope.client.onlineDeployments.getLogs(
        scope.resourceGroup,
        scope.workspace,
        scope.result.endpointName,
        name,
        { containerType, tail: LOG_TAIL_LINES },
        scope.options
      );
      if (logs.content)
        context.log.info(
          `${containerType} log of '${name}' (last ${LOG_TAIL_LINES} lines):\n${logs.content}`
        );
      if (containerType === 'InferenceServer') serverLog = logs.content ?? '';
    } catch {
      // The logs are a help for the reader; their absence must not hide the deployment's own error.
    }
  }
  return serverLog;
}

/**
 * An init() traceback in the server log becomes an error annotation on the scoring script's line in the pull
 * request, where the fix is made.
 */
function annotateScriptFailure(
  context: RunContext,
  scope: MlScope,
  serverLog: string
): ScriptFailure | undefined {
  const code = scope.config.deployment.codeConfiguration?.code;
  const failure = scriptFailureFromLog(serverLog, code?.kind === 'path' ? code : undefined);
  if (!failure) return undefined;
  context.log.error(
    `The scoring script failed while the container started: ${describeScriptFailure(failure)}`,
    {
      title: 'Scoring script failed',
      ...(failure.file ? { file: failure.file, startLine: failure.line } : {})
    }
  );
  return failure;
}
