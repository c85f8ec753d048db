import type { MlScope } from './ml-workspace.js';
import type { ContainerLogs } from '../diagnose/failure-facts.js';

/**
 * Lines read of each container log: enough to hold the last start attempt's traceback and model listing
 * after several crash-loop restarts (each attempt logs its startup again).
 */
export const CONTAINER_LOG_LINES = 300;

/**
 * The storage initializer and inference server logs of an online deployment (`getLogs`), where the reason
 * for a failure is: the operation's error only says where to look. A log that cannot be read is left out:
 * logs help the reader and must never hide the deployment's own error.
 */
export async function readContainerLogs(
  scope: MlScope,
  deployment: string,
  lines = CONTAINER_LOG_LINES
): Promise<ContainerLogs> {
  const logs: ContainerLogs = {};
  for (const containerType of ['StorageInitializer', 'InferenceServer'] as const) {
    try {
      const result = await scope.client.onlineDeployments.getLogs(
        scope.resourceGroup,
        scope.workspace,
        scope.result.endpointName,
        deployment,
        { containerType, tail: lines },
        scope.options
      );
      if (!result.content) continue;
      if (containerType === 'StorageInitializer') logs.storageInitializer = result.content;
      else logs.inferenceServer = result.content;
    } catch {
      // Left out: see above.
    }
  }
  return logs;
}
