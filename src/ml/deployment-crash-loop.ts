import { AzureOperationError, correlationLine } from '../azure/azure-error.js';
import type { CrashLoop } from './crash-loop-watch.js';

/** The code the stage reports when it stopped waiting for a crash-looping deployment, as Kubernetes names it. */
export const CRASH_LOOP_CODE = 'DeploymentCrashLoopBackOff';

/** Which deployment crash-loops, for the message. */
export interface CrashLoopTarget {
  operation: string;
  deployment: string;
  endpoint: string;
  correlationId?: string;
  requestId?: string;
}

/**
 * The deployment's inference server crashed repeatedly with the same traceback and the action stopped
 * waiting. It is an accepted operation that will fail (no HTTP error status), so the stage's path for a
 * failed deployment applies: container logs, the script's line as an annotation, traffic left as it was.
 * `serverLog` is the log that showed the loop, which holds the traceback even if the container has started
 * again since.
 */
export class DeploymentCrashLoopError extends AzureOperationError {
  readonly serverLog: string;
  readonly crashes: number;

  constructor(loop: CrashLoop, target: CrashLoopTarget) {
    super(
      target.operation,
      undefined,
      CRASH_LOOP_CODE,
      crashLoopMessage(loop),
      [],
      target.correlationId,
      target.requestId
    );
    this.name = 'DeploymentCrashLoopError';
    this.serverLog = loop.serverLog;
    this.crashes = loop.crashes;
    // Read when the error is reported as it is (not as the cause of an OnlineDeploymentFailedError).
    const lines = [
      `Online deployment '${target.deployment}' on endpoint '${target.endpoint}': ${this.azureMessage}`
    ];
    lines.push(...correlationLine(target.correlationId));
    this.message = lines.join('\n');
  }
}

function crashLoopMessage(loop: CrashLoop): string {
  // The exception's message comes with the scoring script's line in the stage's own account of the failure.
  return (
    `the inference server crashed ${loop.crashes} times with the same traceback ` +
    `(${loop.traceback.exceptionType}), so the action stopped waiting (input 'crash-loop': 'fail-fast'). ` +
    `Azure keeps restarting the container in the background until it marks the deployment failed; the ` +
    `deployment has 0% traffic, so nothing that serves is affected. Fix the script and run again (changed ` +
    `content deploys under a new name); input 'failed-deployment' decides whether the action deletes this one.`
  );
}
