import { AzureOperationError, correlationLine, flattenDetails } from '../azure/azure-error.js';
import type { ContainerLogs } from '../diagnose/failure-facts.js';
import { describeScriptFailure, type ScriptFailure } from '../scoring-script/init-traceback.js';

/**
 * A new online deployment that ended in `Failed`. The operation itself was accepted (its last response is an
 * HTTP 200 operation status), so "Azure refused" would mislead: the message says which deployment failed, with
 * Azure's code and message, that traffic was not moved, and the correlation id.
 */
export class OnlineDeploymentFailedError extends AzureOperationError {
  constructor(
    cause: AzureOperationError,
    deployment: string,
    endpoint: string,
    serving: string,
    scriptFailure?: ScriptFailure,
    /** The container logs read after the failure, for the diagnosis. */
    readonly containerLogs?: ContainerLogs
  ) {
    super(...AzureOperationError.factsOf(cause));
    this.name = 'OnlineDeploymentFailedError';
    const lines = [
      `Online deployment '${deployment}' on endpoint '${endpoint}' failed: ${cause.code}: ${cause.azureMessage}`,
      ...flattenDetails(cause.details).map(detail => `  - ${detail.code}: ${detail.message}`),
      ...(scriptFailure ? [`The scoring script failed: ${describeScriptFailure(scriptFailure)}.`] : []),
      `Traffic was not moved (${serving}). The container logs are in the step log.`
    ];
    lines.push(...correlationLine(cause.correlationId));
    this.message = lines.join('\n');
  }
}
