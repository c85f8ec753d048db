import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { setTimeout as sleep } from 'node:timers/promises';
import { azureLroCall } from '../azure/azure-error.js';
import { formatDuration } from '../run/deadline.js';
import {
  waitUnlessCrashLooping,
  WATCH_INTERVAL_MS,
  type CrashLoop,
  type CrashLoopWatchOptions
} from './crash-loop-watch.js';
import type { MlContext } from './ml-context.js';
import { DeploymentCrashLoopError } from './deployment-crash-loop.js';
import { POLL_INTERVAL_MS } from './endpoint-stage.js';
import type { MlScope } from './ml-workspace.js';

/**
 * Creates (or re-creates) an online deployment and waits for Azure's verdict. With `crash-loop: fail-fast`
 * the inference server log is read meanwhile, and a server that keeps crashing with the same traceback ends
 * the wait early with a DeploymentCrashLoopError: Azure would only report it after many restarts.
 */
export async function createOnlineDeployment(
  context: MlContext,
  scope: MlScope,
  name: string,
  body: OnlineDeployment
): Promise<void> {
  const endpoint = scope.result.endpointName;
  const operation = `create online deployment '${name}' on endpoint '${endpoint}'`;
  const ids: { correlationId?: string; requestId?: string } = {};
  const create = (abortSignal: AbortSignal): Promise<OnlineDeployment> =>
    azureLroCall(operation, onResponse =>
      scope.client.onlineDeployments.beginCreateOrUpdateAndWait(
        scope.resourceGroup,
        scope.workspace,
        endpoint,
        name,
        body,
        {
          ...scope.options,
          abortSignal,
          updateIntervalInMs: POLL_INTERVAL_MS,
          onResponse: response => {
            // The PUT's ids identify the operation to support; later polls carry their own.
            ids.correlationId ??= response.headers.get('x-ms-correlation-request-id') ?? undefined;
            ids.requestId ??= response.headers.get('x-ms-request-id') ?? undefined;
            onResponse(response);
          }
        }
      )
    );
  if (scope.config.crashLoop === 'wait') {
    await create(scope.options.abortSignal);
    return;
  }
  context.log.info(
    `Reading the inference server log of '${name}' every ${formatDuration(WATCH_INTERVAL_MS)} while it starts, ` +
      "to stop early if it keeps crashing with the same traceback (input 'crash-loop')."
  );
  await waitUnlessCrashLooping(create, logWatch(context, scope, name), loop =>
    crashLoopError(scope, name, loop, operation, ids)
  );
}

const IN_PROGRESS = ['Creating', 'Updating', 'Scaling'];

/**
 * Waits while a deployment of this name is still in progress (an earlier or parallel run started it) and
 * returns it as it ends up. A re-run after a crash loop finds the earlier attempt still being retried by
 * Azure: with `crash-loop: fail-fast` its log is watched too, so the re-run stops as early as the first run.
 */
export async function waitWhileInProgress(
  context: MlContext,
  scope: MlScope,
  name: string,
  existing: OnlineDeployment | undefined,
  read: () => Promise<OnlineDeployment | undefined>
): Promise<OnlineDeployment | undefined> {
  const inProgress = (deployment: OnlineDeployment | undefined): boolean =>
    IN_PROGRESS.includes(deployment?.properties.provisioningState ?? '');
  if (!inProgress(existing)) return existing;
  const poll = async (signal: AbortSignal): Promise<OnlineDeployment | undefined> => {
    let current = existing;
    while (inProgress(current)) {
      context.log.info(
        `Deployment '${name}' is ${current!.properties.provisioningState} (another run?); waiting.`
      );
      context.deadline.assertCanWait(POLL_INTERVAL_MS * 4, `waiting for deployment '${name}'`);
      await sleep(POLL_INTERVAL_MS * 4, undefined, { signal });
      current = await read();
    }
    return current;
  };
  if (scope.config.crashLoop === 'wait') return poll(scope.options.abortSignal);
  const operation = `wait for online deployment '${name}' on endpoint '${scope.result.endpointName}'`;
  return waitUnlessCrashLooping(poll, logWatch(context, scope, name), loop =>
    crashLoopError(scope, name, loop, operation, {})
  );
}

function logWatch(context: MlContext, scope: MlScope, name: string): CrashLoopWatchOptions {
  return {
    signal: scope.options.abortSignal,
    readLog: tail => readServerLog(scope, name, tail),
    onReadError: error =>
      context.log.debug(`Could not read the log of '${name}' while waiting: ${(error as Error).message}`)
  };
}

function crashLoopError(
  scope: MlScope,
  name: string,
  loop: CrashLoop,
  operation: string,
  ids: { correlationId?: string; requestId?: string }
): DeploymentCrashLoopError {
  return new DeploymentCrashLoopError(loop, {
    operation,
    deployment: name,
    endpoint: scope.result.endpointName,
    ...ids
  });
}

async function readServerLog(scope: MlScope, name: string, tail: number): Promise<string> {
  const logs = await scope.client.onlineDeployments.getLogs(
    scope.resourceGroup,
    scope.workspace,
    scope.result.endpointName,
    name,
    { containerType: 'InferenceServer', tail },
    scope.options
  );
  return logs.content ?? '';
}
