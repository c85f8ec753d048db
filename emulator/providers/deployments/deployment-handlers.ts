import { randomUUID } from 'node:crypto';
import type { ArmRequest, ProviderContext } from '../../arm/provider.js';
import { armError, type HttpResult } from '../../http-result.js';
import { onlyValueAt } from '../../arm/lenient-json.js';
import {
  deploymentActive,
  armExpressionMessage,
  deploymentErrors,
  deploymentNotFound,
  DeploymentRejected
} from './deployment-errors.js';
import type { DeploymentInput } from './deployment-plan.js';
import {
  acceptedDeployment,
  bookkeeping,
  deploymentId,
  DEPLOYMENTS_TYPE,
  presentDeployment
} from './deployment-record.js';
import { DeploymentRunner, plan, type RunContext } from './deployment-run.js';
import { whatIf } from './what-if.js';
import { resourceGroupId } from '../../arm/resource-id.js';

/** Where a deployment request points: subscription, resource group (as stored) and deployment name. */
export interface DeploymentAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Per-provider state: deployments still running, by lower-case id. */
export interface DeploymentsState {
  active: Set<string>;
}

function header(req: ArmRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function correlationIdOf(req: ArmRequest): string {
  return header(req, 'x-ms-correlation-request-id') ?? randomUUID();
}

function runContext(ctx: ProviderContext): RunContext {
  return {
    store: ctx.store,
    lro: ctx.lro,
    knobs: ctx.knobs,
    tenantId: ctx.facts.tenantId,
    dispatch: ctx.dispatch,
    namespaceRefusal: ctx.namespaceRefusal
  };
}

/** Reads `{ properties: { template, parameters, mode } }`; linked templates are refused. */
function readInput(req: ArmRequest, where: DeploymentAddress, trackingId: string): DeploymentInput {
  const body = req.body as { properties?: Record<string, unknown>; tags?: unknown } | undefined;
  const properties = body?.properties;
  if (properties === null || typeof properties !== 'object' || Array.isArray(properties)) {
    throw deploymentErrors.badRequest(
      "Required property 'properties' not found in JSON. Path '', line 1, position 2."
    );
  }
  if (properties.templateLink !== undefined) throw deploymentErrors.linkedTemplate(where.name, trackingId);
  const template = properties.template;
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw deploymentErrors.badRequest("Required property 'template' not found in JSON. Path 'properties'.");
  }
  const parameters = properties.parameters ?? {};
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw deploymentErrors.badRequest(
      "The property 'parameters' must be an object. Path 'properties.parameters'."
    );
  }
  const mode = String(properties.mode ?? 'Incremental');
  if (!['incremental', 'complete'].includes(mode.toLowerCase())) {
    throw deploymentErrors.badRequest(
      `The value '${mode}' is not a valid deployment mode. Path 'properties.mode'.`
    );
  }
  const tags = body?.tags;
  if (
    tags !== undefined &&
    (tags === null ||
      typeof tags !== 'object' ||
      Array.isArray(tags) ||
      Object.values(tags).some(value => typeof value !== 'string'))
  ) {
    throw deploymentErrors.badRequest("The property 'tags' must be an object of strings. Path 'tags'.");
  }
  return {
    ...where,
    template: template as Record<string, unknown>,
    parameters: parameters as Record<string, unknown>,
    mode: mode.toLowerCase() === 'complete' ? 'Complete' : 'Incremental',
    ...(tags ? { tags: tags as Record<string, string> } : {}),
    ...(req.bodyText ? { templateText: onlyValueAt(req.bodyText, ['properties', 'template']) } : {})
  };
}

function rejected(error: unknown): HttpResult {
  if (error instanceof DeploymentRejected) return error.result();
  // An expression that fails only when evaluated against the store is still a template problem.
  return armError(
    400,
    'InvalidTemplate',
    `Deployment template validation failed: '${armExpressionMessage((error as Error).message)}'.`
  );
}

/** `PUT …/deployments/{name}`: validates, stores the deployment `Accepted`, runs it in the background. */
export function putDeployment(
  req: ArmRequest,
  ctx: ProviderContext,
  where: DeploymentAddress,
  state: DeploymentsState
): HttpResult {
  const id = deploymentId(where.subscriptionId, where.resourceGroup, where.name);
  const correlationId = correlationIdOf(req);
  if (state.active.has(id.toLowerCase())) {
    return deploymentActive(
      where.name,
      String(ctx.store.get(id)?.properties?.timestamp ?? new Date().toISOString())
    );
  }
  const existed = ctx.store.has(id);
  const runner = new DeploymentRunner(runContext(ctx), state.active);
  let planned;
  try {
    planned = plan(runContext(ctx), readInput(req, where, correlationId), correlationId);
  } catch (error) {
    return rejected(error);
  }
  const { runId } = runner.accept(planned, correlationId);
  const accepted = presentDeployment(ctx.store.get(id)!);
  setImmediate(() => void runner.execute(planned, id));
  const status = `${ctx.facts.armEndpoint}${id}/operationStatuses/${runId}?api-version=${encodeURIComponent(req.apiVersion)}`;
  return {
    status: existed ? 200 : 201,
    headers: { 'azure-asyncoperation': status, ...retryAfter(ctx) },
    body: accepted
  };
}

function retryAfter(ctx: ProviderContext): Record<string, string> {
  // Without Retry-After the client's own polling interval applies (tests poll fast that way).
  return ctx.knobs.retryAfterSeconds > 0 ? { 'retry-after': String(ctx.knobs.retryAfterSeconds) } : {};
}

/** `GET …/deployments/{name}/operationStatuses/{runId}`: the Azure-AsyncOperation of a run. */
export function deploymentStatus(ctx: ProviderContext, where: DeploymentAddress, runId: string): HttpResult {
  const doc = ctx.store.get(deploymentId(where.subscriptionId, where.resourceGroup, where.name));
  if (!doc || bookkeeping(doc).runId !== runId) return deploymentNotFound(where.name);
  const state = String(doc.properties?.provisioningState);
  if (state === 'Accepted' || state === 'Running') {
    return { status: 200, headers: retryAfter(ctx), body: { status: 'Running' } };
  }
  const body: Record<string, unknown> = { status: state };
  if (doc.properties?.error) body.error = doc.properties.error;
  return { status: 200, body };
}

/** `POST …/validate`: 200 with `validatedResources`, or 400 with ARM's validation error. Nothing is stored. */
export function validateDeployment(
  req: ArmRequest,
  ctx: ProviderContext,
  where: DeploymentAddress
): HttpResult {
  const correlationId = correlationIdOf(req);
  try {
    const planned = plan(runContext(ctx), readInput(req, where, correlationId), correlationId);
    const properties = {
      ...acceptedDeployment(planned, correlationId).properties,
      provisioningState: 'Succeeded',
      validatedResources: planned.validatedIds.map(id => ({ id }))
    };
    const id = deploymentId(where.subscriptionId, where.resourceGroup, where.name);
    return { status: 200, body: { id, name: where.name, type: DEPLOYMENTS_TYPE, properties } };
  } catch (error) {
    return rejected(error);
  }
}

/** `POST …/whatIf`: 202 + Location; the poll answers `{ status, properties: { changes } }`. */
export function whatIfDeployment(
  req: ArmRequest,
  ctx: ProviderContext,
  where: DeploymentAddress
): HttpResult {
  const correlationId = correlationIdOf(req);
  let result: Record<string, unknown>;
  try {
    result = whatIf(runContext(ctx), readInput(req, where, correlationId), correlationId);
  } catch (error) {
    return rejected(error);
  }
  return ctx.lro.location(where.subscriptionId, {
    apiVersion: req.apiVersion,
    complete: () => ({ result: { status: 200, body: result } })
  });
}

/** `DELETE …/deployments/{name}`: removes the record (not its resources); refused while it runs. */
export function deleteDeployment(
  req: ArmRequest,
  ctx: ProviderContext,
  where: DeploymentAddress,
  state: DeploymentsState
): HttpResult {
  const id = deploymentId(where.subscriptionId, where.resourceGroup, where.name);
  const doc = ctx.store.get(id);
  if (!doc) return { status: 204 };
  if (state.active.has(id.toLowerCase()))
    return deploymentActive(where.name, String(doc.properties?.timestamp));
  ctx.store.delete(id);
  return ctx.lro.location(where.subscriptionId, {
    apiVersion: req.apiVersion,
    complete: () => ({ result: { status: 204 } })
  });
}

/** GET of one deployment, its operations, or the list of the group's deployments. */
export function readDeployments(
  ctx: ProviderContext,
  where: DeploymentAddress,
  what: { operations?: boolean; operationId?: string; exportTemplate?: boolean }
): HttpResult {
  if (where.name === '') {
    const group = resourceGroupId(where.subscriptionId, where.resourceGroup);
    const docs = ctx.store.list({ under: group, type: DEPLOYMENTS_TYPE });
    return { status: 200, body: { value: docs.map(presentDeployment) } };
  }
  const doc = ctx.store.get(deploymentId(where.subscriptionId, where.resourceGroup, where.name));
  if (!doc) return deploymentNotFound(where.name);
  if (what.exportTemplate) return { status: 200, body: { template: bookkeeping(doc).template } };
  if (!what.operations) return { status: 200, body: presentDeployment(doc) };
  const { operations } = bookkeeping(doc);
  if (what.operationId === undefined) return { status: 200, body: { value: operations } };
  const operation = operations.find(op => op.operationId.toLowerCase() === what.operationId!.toLowerCase());
  return operation
    ? { status: 200, body: operation }
    : armError(
        404,
        'DeploymentOperationNotFound',
        `Deployment operation '${what.operationId}' could not be found.`
      );
}
