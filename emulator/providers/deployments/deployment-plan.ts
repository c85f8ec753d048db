import {
  type ArmValue,
  type DeploymentContext,
  evaluateJson,
  type EvaluationScope,
  isUnknown,
  loadTemplate,
  resolveParameters,
  simpleScope,
  type Template,
  TemplateFileError,
  type WalkedResource,
  walkTemplate
} from '../../../src/arm/index.js';
import { templateScope } from '../../../src/arm/variables.js';
import { resourceGroupId } from '../../arm/resource-id.js';
import type { ResourceStore } from '../../arm/resource-store.js';
import { pathAt } from '../../arm/lenient-json.js';
import { deploymentErrors, DeploymentRejected } from './deployment-errors.js';
import { orderResources } from './resource-order.js';
import { evaluateAtRuntime, type RuntimeFunctions } from './runtime-evaluator.js';

/** What a deployment request asks for, as ARM receives it (already checked for shape). */
export interface DeploymentInput {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  template: Record<string, unknown>;
  /** `{ name: { value } | { reference } }`. */
  parameters: Record<string, unknown>;
  mode: 'Incremental' | 'Complete';
  /** The deployment resource's own tags (ARM keeps them with the deployment record). */
  tags?: Record<string, string>;
  /**
   * The request body's text with everything but the template blanked out (line breaks kept), so template
   * positions are the body's, as in ARM's errors; undefined for a nested deployment's inline template.
   */
  templateText?: string;
}

/** One resource of the template at this deployment's level, ready to run. */
export interface PlannedResource {
  walked: WalkedResource;
  id: string;
  name: string;
  type: string;
  /** Condition true and not `existing`: the deployment writes it. */
  deploy: boolean;
  /** Lower-case ids of deployed resources it waits for (edges to skipped resources dropped, as ARM does). */
  dependsOn: string[];
}

/** A validated deployment: everything needed to run it, what-if it, or answer validate. */
export interface DeploymentPlan {
  input: DeploymentInput;
  template: Template;
  context: DeploymentContext;
  /** Template-level scope: outputs are evaluated in it. */
  scope: EvaluationScope;
  parameters: Record<string, ArmValue>;
  secureNames: string[];
  /** Resources of this template (not of nested deployments), in an order that respects dependsOn. */
  resources: PlannedResource[];
  /** Ids of every resource that would be deployed, nested deployments' inline resources included. */
  validatedIds: string[];
}

/** What planning needs from the emulator. */
export interface PlanEnvironment {
  store: ResourceStore;
  tenantId: string;
  trackingId: string;
  runtime: RuntimeFunctions;
}

const DEPLOYMENTS_TYPE = 'microsoft.resources/deployments';

function inlineValues(input: DeploymentInput, store: ResourceStore): Record<string, unknown> {
  const inline: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(input.parameters)) {
    if (entry === null || typeof entry !== 'object') {
      throw deploymentErrors.badRequest(
        `The parameter '${name}' must be an object with a 'value' or 'reference'`
      );
    }
    if ('value' in entry) inline[name] = (entry as { value: unknown }).value;
    else inline[name] = keyVaultReference(name, entry as Record<string, unknown>, store);
  }
  return inline;
}

// A parameter can name a Key Vault secret; the stand-in reads secrets deployed as vaults/secrets resources.
function keyVaultReference(name: string, entry: Record<string, unknown>, store: ResourceStore): unknown {
  const reference = entry.reference as { keyVault?: { id?: string }; secretName?: string } | undefined;
  const vault = reference?.keyVault?.id;
  const secret =
    vault && reference.secretName ? store.get(`${vault}/secrets/${reference.secretName}`) : undefined;
  if (!secret) {
    throw deploymentErrors.invalidTemplate(
      `The Key Vault secret for the template parameter '${name}' could not be found (${vault ?? 'no keyVault.id'})`
    );
  }
  return secret.properties?.value;
}

/** The text template positions refer to: the request body's, or (nested inline templates) a pretty print. */
export function templateTextOf(input: DeploymentInput): string {
  return input.templateText ?? JSON.stringify(input.template, null, 2);
}

function loaded(input: DeploymentInput): Template {
  try {
    return loadTemplate(templateTextOf(input), 'template');
  } catch (error) {
    if (error instanceof TemplateFileError)
      throw deploymentErrors.templateFile(error.message, error.location);
    throw error;
  }
}

function resolve(
  input: DeploymentInput,
  template: Template,
  context: DeploymentContext,
  env: PlanEnvironment
) {
  const resolved = resolveParameters(template, { inline: inlineValues(input, env.store) }, context);
  const declared = template.json.parameters ?? {};
  if (resolved.problems.length > 0)
    throw deploymentErrors.parameters(resolved.problems, Object.keys(declared));
  // Defaults may call utcNow() or newGuid(): known once the deployment runs, which is now.
  for (const [name, value] of Object.entries(resolved.values)) {
    const definition = declared[name];
    if (isUnknown(value) && definition?.defaultValue !== undefined) {
      resolved.values[name] = evaluateAtRuntime(
        definition.defaultValue,
        simpleScope(context, resolved.values),
        env.runtime
      );
    }
  }
  return resolved;
}

/**
 * Validates a deployment as ARM's preflight does (template shape, parameters, expressions, dependsOn) and
 * orders its resources. Throws {@link DeploymentRejected} with ARM's error when it is not valid.
 */
export function planDeployment(input: DeploymentInput, env: PlanEnvironment): DeploymentPlan {
  try {
    return planned(input, env);
  } catch (error) {
    if (!(error instanceof DeploymentRejected)) throw error;
    throw error.locatedIn((line, column) => templatePathAt(input, line, column));
  }
}

/** ARM's JSON path in the request body (`properties.template.resources[0]`) of a template line and column. */
export function templatePathAt(input: DeploymentInput, line: number, column: number): string {
  const path = pathAt(templateTextOf(input), line, column);
  return path === '' ? 'properties.template' : `properties.template${path.startsWith('[') ? '' : '.'}${path}`;
}

function planned(input: DeploymentInput, env: PlanEnvironment): DeploymentPlan {
  const template = loaded(input);
  const group = env.store.get(resourceGroupId(input.subscriptionId, input.resourceGroup));
  const context: DeploymentContext = {
    subscriptionId: input.subscriptionId,
    tenantId: env.tenantId,
    deploymentName: input.name,
    resourceGroup: {
      name: group?.name ?? input.resourceGroup,
      location: group?.location,
      id: group?.id,
      tags: group?.tags
    }
  };
  const resolved = resolve(input, template, context, env);
  const walk = walkTemplate(template, { parameters: resolved.values, context });
  if (walk.notInspectable.length > 0) throw deploymentErrors.linkedTemplate(input.name, env.trackingId);
  if (walk.problems.length > 0) {
    throw deploymentErrors.parameters(walk.problems, Object.keys(template.json.parameters ?? {}));
  }
  const own = walk.resources.filter(r => r.deployments.length === 0);
  const planned = own.map(r => plannedResource(r, context));
  const resources = orderResources(planned);
  const nested = walk.resources.filter(r => r.deployments.length > 0 && r.condition === true && !r.existing);
  const validatedIds = [
    ...resources.filter(r => r.deploy).map(r => r.id),
    ...nested.filter(r => typeof r.name === 'string').map(r => idOf(r, String(r.name), context))
  ];
  return {
    input,
    template,
    context,
    scope: templateScope(template.json, resolved.values, context),
    parameters: resolved.values,
    secureNames: resolved.secureNames,
    resources,
    validatedIds
  };
}

function plannedResource(walked: WalkedResource, context: DeploymentContext): PlannedResource {
  const shown = typeof walked.name === 'string' ? walked.name : String(walked.raw.name);
  const fail = (problem: string) => deploymentErrors.resource(shown, walked.source, problem);
  if (walked.errors.length > 0) throw fail(walked.errors[0]!);
  if (isUnknown(walked.condition))
    throw fail(`the condition cannot be evaluated before deployment: ${walked.condition.reason}`);
  if (typeof walked.name !== 'string') {
    const reason = isUnknown(walked.name) ? walked.name.reason : 'the name is not a string';
    throw fail(`the resource name must be known when the deployment starts: ${reason}`);
  }
  if (walked.condition) {
    try {
      walked.properties();
    } catch (error) {
      throw fail((error as Error).message);
    }
  }
  const segments = walked.type.split('/').length - 1;
  if (walked.name.split('/').length !== segments && walked.raw.scope === undefined) {
    throw fail(
      `the resource type '${walked.type}' has incorrect segment lengths. A nested resource type must have ` +
        'identical number of segments as its resource name. A root resource type must have segment length ' +
        'one greater than its resource name'
    );
  }
  return {
    walked,
    id: idOf(walked, walked.name, context),
    name: walked.name,
    type: walked.type,
    deploy: walked.condition === true && !walked.existing,
    dependsOn: []
  };
}

function evaluated(value: unknown, scope: EvaluationScope): ArmValue {
  try {
    return evaluateJson(value, scope);
  } catch {
    return null;
  }
}

/** The resource id: under the target resource group, or under `scope` for an extension resource. */
function idOf(walked: WalkedResource, name: string, context: DeploymentContext): string {
  const [namespace, ...types] = walked.type.split('/');
  const names = name.split('/');
  const path = types.map((type, i) => `${type}/${names[i] ?? ''}`).join('/');
  const scope = walked.raw.scope === undefined ? undefined : evaluated(walked.raw.scope, walked.scope);
  if (typeof scope === 'string' && scope.startsWith('/')) {
    return `${scope.replace(/\/+$/, '')}/providers/${namespace}/${path}`;
  }
  let group =
    typeof walked.target.resourceGroup === 'string'
      ? walked.target.resourceGroup
      : context.resourceGroup.name;
  if (walked.type.toLowerCase() === DEPLOYMENTS_TYPE && walked.raw.resourceGroup !== undefined) {
    const target = evaluated(walked.raw.resourceGroup, walked.scope);
    if (typeof target === 'string') group = target;
  }
  return `${resourceGroupId(walked.target.subscriptionId, group)}/providers/${namespace}/${path}`;
}
