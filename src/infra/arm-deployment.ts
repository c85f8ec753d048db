import type {
  DeploymentExtended,
  DeploymentParameter,
  DeploymentsClient,
  DeploymentMode,
  WhatIfChange
} from '@azure/arm-resourcesdeployments';
import {
  azureCall,
  azureLroCall,
  AzureOperationError,
  type ArmErrorDetail,
  correlationLine
} from '../azure/azure-error.js';
import type { Deadline } from '../run/deadline.js';

/** What one template deployment sends to ARM. */
export interface DeploymentRequest {
  resourceGroup: string;
  name: string;
  template: unknown;
  /** `{ name: { value } }`, as ARM takes them. */
  parameters: Record<string, { value: unknown } | { reference: unknown }>;
  mode: DeploymentMode;
  /** Tags of the deployment record itself (the fingerprint of what it deployed: unchanged-deployment.ts). */
  tags?: Record<string, string>;
}

/** A resource whose deployment operation failed, as ARM's operations list reports it. */
export interface FailedOperation {
  resourceId: string;
  resourceType: string;
  resourceName: string;
  statusCode: string;
  error: ArmErrorDetail;
}

/** The deployment ended Failed; `operations` hold the per-resource causes the LRO error leaves out. */
export class TemplateDeploymentFailedError extends Error {
  constructor(
    readonly deploymentName: string,
    readonly failure: AzureOperationError,
    readonly operations: FailedOperation[]
  ) {
    super(
      `Template deployment '${deploymentName}' failed: ${failure.code}: ${failure.azureMessage}` +
        operations
          .map(op => `\n  - ${op.resourceType} '${op.resourceName}': ${op.error.code}: ${op.error.message}`)
          .join('') +
        correlationLine(failure.correlationId)
          .map(line => `\n${line}`)
          .join('')
    );
    this.name = 'TemplateDeploymentFailedError';
  }
}

function body(request: DeploymentRequest) {
  // Parameters are passed as the file has them: values, or Key Vault references that ARM resolves itself.
  const parameters = request.parameters as Record<string, DeploymentParameter>;
  return {
    properties: { template: request.template, parameters, mode: request.mode },
    ...(request.tags ? { tags: request.tags } : {})
  };
}

/** ARM's own validation; returns the ids of the resources it would deploy. */
export async function validateDeployment(
  client: DeploymentsClient,
  request: DeploymentRequest,
  deadline: Deadline
): Promise<string[]> {
  const result = await azureLroCall(`validate template deployment '${request.name}'`, onResponse =>
    client.deployments.validate(request.resourceGroup, request.name, body(request), {
      abortSignal: deadline.signal,
      updateIntervalInMs: 1000,
      onResponse
    })
  );
  if (result.error) {
    throw new AzureOperationError(
      `validate template deployment '${request.name}'`,
      400,
      result.error.code ?? 'InvalidTemplateDeployment',
      result.error.message ?? '',
      (result.error.details ?? []) as ArmErrorDetail[],
      result.properties?.correlationId,
      undefined
    );
  }
  return (result.properties?.validatedResources ?? []).map(ref => ref.id ?? '').filter(id => id !== '');
}

/** ARM's what-if: the changes the deployment would make, resource by resource. */
export async function whatIfDeployment(
  client: DeploymentsClient,
  request: DeploymentRequest,
  deadline: Deadline
): Promise<WhatIfChange[]> {
  const result = await azureLroCall(`run what-if for template deployment '${request.name}'`, onResponse =>
    client.deployments.whatIf(request.resourceGroup, request.name, body(request), {
      abortSignal: deadline.signal,
      updateIntervalInMs: 1000,
      onResponse
    })
  );
  return result.changes ?? [];
}

/**
 * Deploys and waits within the deadline. On failure, reads the deployment's operations: the LRO error only
 * says "At least one resource deployment operation failed", the operations say which and why.
 */
export async function runDeployment(
  client: DeploymentsClient,
  request: DeploymentRequest,
  deadline: Deadline
): Promise<DeploymentExtended> {
  const operation = `deploy template deployment '${request.name}'`;
  try {
    const result = await azureLroCall(operation, onResponse =>
      client.deployments.createOrUpdate(request.resourceGroup, request.name, body(request), {
        abortSignal: deadline.signal,
        updateIntervalInMs: 1000,
        onResponse
      })
    );
    if (result.properties?.provisioningState !== 'Succeeded') {
      throw new AzureOperationError(
        operation,
        undefined,
        result.properties?.error?.code ?? 'DeploymentFailed',
        result.properties?.error?.message ?? `ended ${result.properties?.provisioningState}`,
        [],
        result.properties?.correlationId,
        undefined
      );
    }
    return result;
  } catch (error) {
    if (!(error instanceof AzureOperationError)) throw error;
    const recorded = await recordedFailure(client, request, operation, deadline).catch(() => undefined);
    const operations = await failedOperations(client, request, deadline).catch(() => []);
    throw new TemplateDeploymentFailedError(request.name, recorded ?? error, operations);
  }
}

/**
 * The failure as ARM recorded it on the deployment (`properties.error`, `correlationId`). The SDK's poller
 * reports a failed deployment as a bare "The long-running operation has failed" without code or ids.
 */
async function recordedFailure(
  client: DeploymentsClient,
  request: DeploymentRequest,
  operation: string,
  deadline: Deadline
): Promise<AzureOperationError | undefined> {
  const deployment = await client.deployments.get(request.resourceGroup, request.name, {
    abortSignal: deadline.signal
  });
  const error = deployment.properties?.error;
  if (deployment.properties?.provisioningState !== 'Failed' || !error?.code) return undefined;
  return new AzureOperationError(
    operation,
    undefined,
    error.code,
    error.message ?? '',
    (error.details ?? []) as ArmErrorDetail[],
    deployment.properties.correlationId,
    undefined
  );
}

/** Failed operations of a deployment, with nested deployments' own failures flattened in. */
export async function failedOperations(
  client: DeploymentsClient,
  request: Pick<DeploymentRequest, 'resourceGroup' | 'name'>,
  deadline: Deadline,
  depth = 0
): Promise<FailedOperation[]> {
  return azureCall(`list operations of template deployment '${request.name}'`, async () => {
    const failed: FailedOperation[] = [];
    for await (const op of client.deploymentOperations.list(request.resourceGroup, request.name, {
      abortSignal: deadline.signal
    })) {
      const properties = op.properties;
      if (properties?.provisioningState !== 'Failed') continue;
      const target = properties.targetResource ?? {};
      const error = (properties.statusMessage?.error ?? {
        code: 'Failed',
        message: String(properties.statusMessage?.status ?? '')
      }) as ArmErrorDetail;
      // A failed nested deployment only says that something inside it failed: report its own operations.
      if (target.resourceType === 'Microsoft.Resources/deployments' && target.resourceName && depth < 3) {
        const inner = await failedOperations(
          client,
          { resourceGroup: request.resourceGroup, name: target.resourceName },
          deadline,
          depth + 1
        ).catch(() => []);
        if (inner.length > 0) {
          failed.push(...inner);
          continue;
        }
      }
      failed.push({
        resourceId: target.id ?? '',
        resourceType: target.resourceType ?? '',
        resourceName: target.resourceName ?? '',
        statusCode: properties.statusCode ?? '',
        error
      });
    }
    return failed;
  });
}

const ACTIVE_STATES = new Set(['Accepted', 'Running', 'Creating', 'Updating', 'Deleting', 'Canceling']);

/**
 * Waits for a deployment of the same name that is still running — typically from an earlier attempt of this
 * workflow run that was cancelled — instead of starting a conflicting one (ARM answers 409 DeploymentActive).
 * Returns the deployment of that name as it ended, if there is one.
 */
export async function waitForActiveDeployment(
  client: DeploymentsClient,
  request: Pick<DeploymentRequest, 'resourceGroup' | 'name'>,
  deadline: Deadline,
  log: { info(message: string): void }
): Promise<DeploymentExtended | undefined> {
  for (let announced = false; ; announced = true) {
    const existing = await azureCall(`read template deployment '${request.name}'`, () =>
      client.deployments.get(request.resourceGroup, request.name, { abortSignal: deadline.signal })
    ).catch(error => {
      if (error instanceof AzureOperationError && error.status === 404) return undefined;
      throw error;
    });
    const state = existing?.properties?.provisioningState;
    if (!state || !ACTIVE_STATES.has(state)) return existing;
    if (!announced)
      log.info(
        `Deployment '${request.name}' from an earlier attempt is still ${state}; waiting for it to finish.`
      );
    await deadline.sleep(2000, `waiting for deployment '${request.name}'`);
  }
}
