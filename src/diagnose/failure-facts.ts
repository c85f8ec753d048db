import { AzureOperationError, flattenDetails, type ArmErrorDetail } from '../azure/azure-error.js';
import { DeadlineExceededError } from '../run/deadline.js';
import { TemplateDeploymentFailedError, type FailedOperation } from '../infra/arm-deployment.js';
import type { StageName } from '../run/stage.js';

/** The last lines of an online deployment's container logs (`getLogs`), already redacted. */
export interface ContainerLogs {
  storageInitializer?: string;
  inferenceServer?: string;
}

/**
 * One failure, flattened into what the catalogue recognises: Azure's codes at every depth, the HTTP status,
 * the operation, ids, and the evidence gathered for it. Built once from whatever error class the stage threw
 * (AzureOperationError, TemplateDeploymentFailedError, OnlineDeploymentFailedError, anything else).
 */
export interface FailureFacts {
  stage: StageName;
  /** What the action was doing, in words ("create online deployment 'blue' on endpoint 'ep'"). */
  operation?: string;
  status?: number;
  /** The top-level code (`DeploymentFailed`, `UserError`, `ResourceNotReady`, …). */
  code?: string;
  /** Azure's own message (or the error's message when it was not Azure's). */
  message: string;
  /** Nested details, depth first. */
  details: ArmErrorDetail[];
  correlationId?: string;
  requestId?: string;
  /** A template deployment's failed resources, nested deployments flattened. */
  failedOperations: FailedOperation[];
  /** Set for one failed resource of a template deployment (see operationFacts). */
  resource?: { type: string; name: string };
  /** The deadline or a cancellation ended the stage. */
  deadline: boolean;
  /** Container logs of a failed online deployment, when they could be read. */
  containerLogs?: ContainerLogs;
}

/** Reads the facts out of any error a stage may throw. */
export function failureFacts(stage: StageName, error: unknown): FailureFacts {
  const base = { stage, failedOperations: [], details: [], deadline: false };
  if (error instanceof TemplateDeploymentFailedError) {
    return {
      ...fromAzure(stage, error.failure),
      failedOperations: error.operations
    };
  }
  if (error instanceof AzureOperationError) return fromAzure(stage, error);
  if (error instanceof DeadlineExceededError) return { ...base, message: error.message, deadline: true };
  return { ...base, message: error instanceof Error ? error.message : String(error) };
}

function fromAzure(stage: StageName, error: AzureOperationError): FailureFacts {
  // OnlineDeploymentFailedError carries the logs read after the failure; a crash-loop error the log it watched.
  const carried = error as { containerLogs?: ContainerLogs; serverLog?: string };
  const logs =
    carried.containerLogs ?? (carried.serverLog ? { inferenceServer: carried.serverLog } : undefined);
  return {
    stage,
    operation: error.operation,
    ...(error.status !== undefined ? { status: error.status } : {}),
    code: error.code,
    message: error.azureMessage,
    details: flattenDetails(error.details),
    ...(error.correlationId ? { correlationId: error.correlationId } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
    failedOperations: [],
    deadline: false,
    ...(logs ? { containerLogs: logs } : {})
  };
}

/** Every code the failure carries, top level and nested, in the order Azure nests them. */
export function codesOf(facts: Pick<FailureFacts, 'code' | 'details'>): string[] {
  return [facts.code, ...facts.details.map(detail => detail.code)].filter(
    (code): code is string => typeof code === 'string' && code !== ''
  );
}

/** Every message the failure carries (top level first, then nested details), for pattern matching. */
export function messagesOf(facts: Pick<FailureFacts, 'message' | 'details'>): string[] {
  return [facts.message, ...facts.details.map(detail => detail.message)].filter(Boolean);
}

/** The first (code, message) pair whose code is one of `codes` (case-insensitive), top level or nested. */
export function findCode(
  facts: Pick<FailureFacts, 'code' | 'message' | 'details'>,
  codes: readonly string[]
): { code: string; message: string } | undefined {
  const wanted = new Set(codes.map(code => code.toLowerCase()));
  const pairs = [{ code: facts.code ?? '', message: facts.message }, ...facts.details];
  const found = pairs.find(pair => wanted.has(pair.code.toLowerCase()));
  return found ? { code: found.code, message: found.message } : undefined;
}

/**
 * Facts for one failed resource of a template deployment: its own code and message stand in for the
 * deployment's generic "At least one resource deployment operation failed".
 */
export function operationFacts(parent: FailureFacts, operation: FailedOperation): FailureFacts {
  // ARM reports an operation's status as a number or as its name ("Conflict"): keep only a number.
  const rest: FailureFacts = { ...parent };
  delete rest.status;
  const status = Number.parseInt(operation.statusCode, 10);
  return {
    ...rest,
    operation: `deploy ${operation.resourceType} '${operation.resourceName}'`,
    ...(Number.isFinite(status) ? { status } : {}),
    code: operation.error.code,
    message: operation.error.message,
    details: flattenDetails(operation.error.details),
    failedOperations: [],
    resource: { type: operation.resourceType, name: operation.resourceName }
  };
}
