import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ArmValue, findUnknowns } from '../../../src/arm/index.js';
import type { ArmErrorDetail } from '../../http-result.js';
import type { VaultContext } from '../key-vault/index.js';
import type { ProviderContext } from '../../arm/provider.js';
import {
  armExpressionMessage,
  deploymentFailed,
  DeploymentRejected,
  templateViolation
} from './deployment-errors.js';
import {
  type DeploymentInput,
  type DeploymentPlan,
  planDeployment,
  type PlannedResource,
  templatePathAt
} from './deployment-plan.js';
import {
  acceptedDeployment,
  type DeploymentOperation,
  deploymentId,
  isoDuration,
  newOperationId,
  storeDeployment,
  updateDeployment
} from './deployment-record.js';
import { deleteForCompleteMode } from './complete-mode.js';
import { evaluateOutputs } from './outputs.js';
import { writeResource, type WriteOutcome } from './resource-writer.js';
import { evaluateAtRuntime } from './runtime-evaluator.js';
import { StoreRuntime } from './store-runtime.js';
import { nestedDeploymentInput } from './nested-input.js';

/** What running deployments need from the emulator. */
export interface RunContext extends VaultContext {
  tenantId: string;
  /** The ARM router, for resource writes (one dispatch path with direct PUTs). */
  dispatch: ProviderContext['dispatch'];
  namespaceRefusal: ProviderContext['namespaceRefusal'];
}

/** The knob that makes every resource operation take at least this long (default 0). */
export const OPERATION_MS_KNOB = 'deploymentOperationMs';

// Declaration keys that are template syntax, not part of the resource body sent to the provider.
const TEMPLATE_ONLY = new Set(
  [
    'name',
    'type',
    'apiVersion',
    'dependsOn',
    'condition',
    'copy',
    'resources',
    'comments',
    'scope',
    'existing'
  ]
    .concat(['metadata', 'resourceGroup', 'subscriptionId', 'parent', 'import'])
    .map(k => k.toLowerCase())
);

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'NoContent',
  400: 'BadRequest',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError'
};

/** Plans a deployment with a runtime bound to the store (reference(), utcNow() in defaults, …). */
export function plan(
  ctx: RunContext,
  input: DeploymentInput,
  trackingId: string,
  whatIf = false
): DeploymentPlan {
  const runtime = new StoreRuntime(ctx.store, input.subscriptionId, input.resourceGroup, whatIf);
  const planned = planDeployment(input, { store: ctx.store, tenantId: ctx.tenantId, trackingId, runtime });
  runtime.plan = planned;
  // ARM's preflight refuses a resource whose namespace it does not know or the subscription has not registered.
  for (const resource of planned.resources.filter(r => r.deploy)) {
    const refused = ctx.namespaceRefusal(resource.type.split('/')[0]!);
    if (refused) throw new DeploymentRejected(refused.status, refused.error);
  }
  return planned;
}

/** The body a resource declaration sends, evaluated now that everything it references exists. */
export function resourceBody(resource: PlannedResource, runtime: StoreRuntime): Record<string, unknown> {
  const declaration: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource.walked.raw)) {
    if (!TEMPLATE_ONLY.has(key.toLowerCase())) declaration[key] = value;
  }
  if (resource.type.toLowerCase() === 'microsoft.resources/deployments') {
    const { template, ...rest } = (declaration.properties ?? {}) as Record<string, unknown>;
    const evaluated = evaluateAtRuntime({ ...declaration, properties: rest }, resource.walked.scope, runtime);
    return {
      ...(evaluated as Record<string, unknown>),
      properties: { ...(evaluated as { properties: object }).properties, template }
    };
  }
  return evaluateAtRuntime(declaration, resource.walked.scope, runtime) as Record<string, unknown>;
}

/**
 * Runs template deployments against the store: one resource at a time in dependsOn order, each recorded as
 * a deployment operation; nested deployments run the same way as their own deployment records.
 */
export class DeploymentRunner {
  constructor(
    private readonly ctx: RunContext,
    /** Lower-case ids of deployments still running (for `DeploymentActive`). */
    private readonly active: Set<string>
  ) {}

  /** Stores the deployment as `Accepted` and returns its id and run id; `execute` then runs it. */
  accept(planned: DeploymentPlan, correlationId: string): { id: string; runId: string } {
    const { subscriptionId, resourceGroup, name } = planned.input;
    const id = deploymentId(subscriptionId, resourceGroup, name);
    const runId = storeDeployment(
      this.ctx.store,
      id,
      acceptedDeployment(planned, correlationId),
      planned.input.template
    );
    this.active.add(id.toLowerCase());
    return { id, runId };
  }

  /** Runs an accepted deployment to the end; resolves to its error when it failed. */
  async execute(planned: DeploymentPlan, id: string): Promise<ArmErrorDetail | undefined> {
    const started = Date.now();
    updateDeployment(this.ctx.store, id, properties => (properties.provisioningState = 'Running'));
    let error: ArmErrorDetail | undefined;
    try {
      error = await this.#resources(planned, id);
      if (!error) error = await this.#finish(planned, id);
    } catch (unexpected) {
      error = {
        code: 'InternalServerError',
        message: `The local Azure stand-in failed: ${(unexpected as Error).message}`
      };
    } finally {
      this.active.delete(id.toLowerCase());
    }
    updateDeployment(this.ctx.store, id, properties => {
      properties.provisioningState = error ? 'Failed' : 'Succeeded';
      properties.duration = isoDuration(Date.now() - started);
      properties.timestamp = new Date().toISOString();
      if (error) properties.error = error;
    });
    return error;
  }

  async #resources(planned: DeploymentPlan, id: string): Promise<ArmErrorDetail | undefined> {
    const runtime = new StoreRuntime(
      this.ctx.store,
      planned.input.subscriptionId,
      planned.input.resourceGroup
    );
    runtime.plan = planned;
    const failed = new Set<string>();
    const errors: ArmErrorDetail[] = [];
    for (const resource of planned.resources.filter(r => r.deploy)) {
      // Resources that wait for a failed one never start and get no operation, as in ARM.
      if (resource.dependsOn.some(d => failed.has(d))) {
        failed.add(resource.id.toLowerCase());
        continue;
      }
      const began = Date.now();
      const outcome = await this.#deployOne(planned, resource, runtime);
      const minimum = this.ctx.knobs[OPERATION_MS_KNOB] ?? 0;
      if (Date.now() - began < minimum) await sleep(minimum - (Date.now() - began));
      this.#record(id, resource, outcome, began);
      if (outcome.error) {
        failed.add(resource.id.toLowerCase());
        errors.push(outcome.error);
      }
    }
    return errors.length > 0 ? deploymentFailed(id, errors) : undefined;
  }

  async #deployOne(
    planned: DeploymentPlan,
    resource: PlannedResource,
    runtime: StoreRuntime
  ): Promise<WriteOutcome> {
    let body: Record<string, unknown>;
    try {
      body = resourceBody(resource, runtime);
      const unknowns = findUnknowns(body as ArmValue);
      if (unknowns.length > 0) throw new Error(unknowns[0]!.reason);
    } catch (error) {
      const message = armExpressionMessage((error as Error).message);
      const violation = templateViolation(resource.walked.source);
      violation.info.path = templatePathAt(
        planned.input,
        violation.info.lineNumber,
        violation.info.linePosition
      );
      return {
        status: 400,
        error: {
          code: 'InvalidTemplate',
          message:
            `Unable to process template language expressions for resource '${resource.id}' at line ` +
            `'${violation.info.lineNumber}' and column '${violation.info.linePosition}'. '${message}'`,
          additionalInfo: [violation]
        }
      };
    }
    if (resource.type.toLowerCase() === 'microsoft.resources/deployments') {
      return this.#nested(planned, resource, body);
    }
    return writeResource(this.ctx, {
      id: resource.id,
      type: resource.type,
      name: resource.name,
      apiVersion: String(resource.walked.raw.apiVersion ?? ''),
      body
    });
  }

  async #nested(
    parent: DeploymentPlan,
    resource: PlannedResource,
    body: Record<string, unknown>
  ): Promise<WriteOutcome> {
    const correlationId = String(
      (this.ctx.store.get(
        deploymentId(parent.input.subscriptionId, parent.input.resourceGroup, parent.input.name)
      )?.properties?.correlationId as string | undefined) ?? randomUUID()
    );
    let planned: DeploymentPlan;
    try {
      planned = plan(this.ctx, nestedDeploymentInput(parent, resource, body), correlationId);
    } catch (error) {
      if (error instanceof DeploymentRejected) return { status: error.status, error: error.detail };
      throw error;
    }
    const { id } = this.accept(planned, correlationId);
    const error = await this.execute(planned, id);
    return error ? { status: 409, error } : { status: 201 };
  }

  #record(id: string, resource: PlannedResource, outcome: WriteOutcome, began: number): void {
    const operationId = newOperationId();
    const operation: DeploymentOperation = {
      id: `${id}/operations/${operationId}`,
      operationId,
      properties: {
        provisioningOperation: 'Create',
        provisioningState: outcome.error ? 'Failed' : 'Succeeded',
        timestamp: new Date().toISOString(),
        duration: isoDuration(Date.now() - began),
        trackingId: randomUUID(),
        serviceRequestId: randomUUID(),
        statusCode: STATUS_TEXT[outcome.status] ?? String(outcome.status),
        ...(outcome.error ? { statusMessage: { status: 'Failed', error: outcome.error } } : {}),
        targetResource: {
          id: resource.id,
          resourceType: resource.type,
          resourceName: resource.name,
          ...(resource.walked.apiVersion ? { apiVersion: resource.walked.apiVersion } : {})
        }
      }
    };
    updateDeployment(this.ctx.store, id, (_, kept) => kept.operations.push(operation));
  }

  async #finish(planned: DeploymentPlan, id: string): Promise<ArmErrorDetail | undefined> {
    if (planned.input.mode === 'Complete') {
      for (const operation of await deleteForCompleteMode(this.ctx, planned, id)) {
        updateDeployment(this.ctx.store, id, (_, kept) => kept.operations.push(operation));
      }
    }
    const runtime = new StoreRuntime(
      this.ctx.store,
      planned.input.subscriptionId,
      planned.input.resourceGroup
    );
    runtime.plan = planned;
    const outputs = evaluateOutputs(planned, runtime);
    if ('error' in outputs) return outputs.error;
    updateDeployment(this.ctx.store, id, properties => {
      properties.outputs = outputs.values;
      properties.outputResources = planned.resources.filter(r => r.deploy).map(r => ({ id: r.id }));
    });
    return undefined;
  }
}
