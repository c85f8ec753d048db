import { guardMode } from '../keyvault/guard-mode.js';
import {
  evaluateJson,
  isUnknown,
  propertyKey,
  unknown,
  resolveParameters,
  walkTemplate,
  type DeploymentContext,
  type JsonPath,
  type ResolvedParameters,
  type WalkedResource,
  type WalkResult
} from '../arm/index.js';
import type { InfraConfig } from '../config/infra-config.js';
import type { ConfigurationProblem } from '../run/errors.js';
import type { VaultInstance, VaultNode } from '../keyvault/vault-plan.js';
import { deploymentScopeProblem } from './deployment-scope-problem.js';
import { expressionSyntaxProblems } from './expression-syntax.js';

/** The offline view of a template deployment: parameters resolved, resources walked, vaults found. */
export interface InfraPlan {
  parameters: ResolvedParameters;
  walk: WalkResult;
  vaultNodes: VaultNode[];
}

const VAULT_TYPE = 'microsoft.keyvault/vaults';

/** Plans without Azure: resolves parameters, walks every resource, groups vault instances by declaration. */
export function planInfra(infra: InfraConfig, context: DeploymentContext): InfraPlan {
  const parameters = resolveParameters(
    infra.template,
    { ...(infra.parametersFile ? { file: infra.parametersFile } : {}), inline: infra.inlineParameters },
    context
  );
  const walk = walkTemplate(infra.template, { parameters: parameters.values, context });
  const vaultNodes = groupVaults(
    walk.resources.filter(r => r.type.toLowerCase() === VAULT_TYPE && !r.existing),
    infra.template.json as Record<string, unknown>
  );
  return { parameters, walk, vaultNodes };
}

/** Parameter problems (missing, extra, wrong type, not allowed) as configuration problems with file and line. */
export function parameterProblems(plan: InfraPlan): ConfigurationProblem[] {
  return [...plan.parameters.problems, ...plan.walk.problems].map(problem => ({
    file: problem.location.file,
    line: problem.location.line,
    column: problem.location.column,
    message: problem.message
  }));
}

/** The value ARM gets as `parameters`: what the file and inline values give (ARM applies defaults itself). */
export function armParameters(
  infra: InfraConfig
): Record<string, { value: unknown } | { reference: unknown }> {
  const parameters: Record<string, { value: unknown } | { reference: unknown }> = {};
  for (const [name, entry] of Object.entries(infra.parametersFile?.parameters ?? {}))
    parameters[name] = entry;
  for (const [name, value] of Object.entries(infra.inlineParameters)) {
    const fileKey = Object.keys(parameters).find(key => key.toLowerCase() === name.toLowerCase());
    if (fileKey) delete parameters[fileKey];
    parameters[name] = { value };
  }
  return parameters;
}

function groupVaults(resources: WalkedResource[], template: Record<string, unknown>): VaultNode[] {
  const nodes = new Map<string, VaultNode>();
  for (const resource of resources) {
    const key = JSON.stringify(resource.jsonPath);
    let node = nodes.get(key);
    if (!node) {
      node = {
        resourcePath: resource.jsonPath,
        scopePath: expressionScopePath(template, resource.jsonPath),
        file: resource.source.file,
        line: resource.source.line,
        instances: [],
        ...(resource.copy ? { copyName: resource.copy.name } : {})
      };
      nodes.set(key, node);
    }
    node.instances.push(instanceOf(resource));
  }
  return [...nodes.values()];
}

function instanceOf(resource: WalkedResource): VaultInstance {
  const name = isUnknown(resource.name)
    ? { unknown: resource.name.reason }
    : typeof resource.name === 'string'
      ? resource.name
      : { unknown: `the name evaluates to ${JSON.stringify(resource.name)}, not a string` };
  const resourceGroup = isUnknown(resource.target.resourceGroup)
    ? { unknown: resource.target.resourceGroup.reason }
    : resource.target.resourceGroup;
  return {
    name,
    resourceGroup: typeof resourceGroup === 'string' ? resourceGroup : '',
    deployed: isUnknown(resource.condition) ? 'unknown' : resource.condition,
    declared: () => ({
      location: resource.location,
      tags: declaredTags(resource),
      properties: resource.properties()
    })
  };
}

/** The declared `tags`, whatever the key's case (ARM reads `Tags` as `tags`). */
function declaredTags(resource: WalkedResource): unknown {
  const key = propertyKey(resource.raw, 'tags');
  return key === undefined ? undefined : evaluateOrUnknown(resource.raw[key], resource);
}

function evaluateOrUnknown(value: unknown, resource: WalkedResource): unknown {
  try {
    return evaluateJson(value, resource.scope);
  } catch (error) {
    return unknown((error as Error).message);
  }
}

/**
 * The template whose parameters and variables a resource's expressions see: the innermost enclosing nested
 * deployment with `expressionEvaluationOptions.scope: inner`, or the root template.
 */
export function expressionScopePath(template: Record<string, unknown>, resourcePath: JsonPath): JsonPath {
  let scope: JsonPath = [];
  let node: unknown = template;
  for (let i = 0; i < resourcePath.length; i++) {
    node = (node as Record<string | number, unknown> | undefined)?.[resourcePath[i]!];
    const next = resourcePath[i + 1];
    const following = resourcePath[i + 2];
    if (next === 'properties' && following === 'template' && isInnerScopeDeployment(node)) {
      scope = resourcePath.slice(0, i + 3);
    }
  }
  return scope;
}

function isInnerScopeDeployment(node: unknown): boolean {
  const properties = (
    node as { properties?: { expressionEvaluationOptions?: { scope?: string } } } | undefined
  )?.properties;
  return properties?.expressionEvaluationOptions?.scope?.toLowerCase() === 'inner';
}

/** Unknown names that no later look-up can pin down: they change on every deployment. */
const CHANGES_EVERY_DEPLOYMENT = /changes on every deployment/;

/**
 * What can be refused before any request to Azure: parameter problems, and (when vaults are guarded) vault
 * names that change on every deployment (utcNow, newGuid), which ARM's validation cannot pin down either.
 */
export function offlineProblems(infra: InfraConfig, context: DeploymentContext): ConfigurationProblem[] {
  const syntax = expressionSyntaxProblems(infra.template);
  if (syntax.length > 0) return syntax;
  const scope = deploymentScopeProblem(infra);
  if (scope) return [scope];
  const plan = planInfra(infra, context);
  const problems = parameterProblems(plan);
  if (!guardMode(infra.keyVaultPolicy).guards) return problems;
  for (const node of plan.vaultNodes) {
    const reason = node.instances
      .map(i => (typeof i.name === 'string' ? '' : i.name.unknown))
      .find(r => CHANGES_EVERY_DEPLOYMENT.test(r));
    if (!reason) continue;
    problems.push({
      file: node.file,
      line: node.line,
      message: `This Key Vault's name cannot be known before deploying (${reason}), so its access policies cannot be protected.`,
      fix: "Give the vault a stable name, or set 'key-vault-policy: off' to deploy it unguarded."
    });
  }
  return problems;
}
