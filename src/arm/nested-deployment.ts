import { evaluateJson } from './evaluator.js';
import type { JsonDocument, JsonPath } from './json-document.js';
import { resolveParameters } from './parameters.js';
import type { DeploymentContext, EvaluationScope } from './scope.js';
import type { Template, TemplateJson } from './template-file.js';
import { isUnknown, unknown } from './unknown.js';
import type { ArmValue } from './values.js';
import type { DeploymentTarget, Enclosing, WalkedResource, WalkResources, WalkState } from './walk-types.js';
import { templateScope } from './variables.js';

interface DeploymentProperties {
  template?: TemplateJson;
  templateLink?: { uri?: unknown; id?: unknown; relativePath?: unknown };
  parameters?: Record<string, unknown>;
  expressionEvaluationOptions?: { scope?: string };
}

/** Evaluates the deployment's `resourceGroup`/`subscriptionId` properties: where its resources go. */
function targetOf(deployment: WalkedResource): { target: DeploymentTarget; context: DeploymentContext } {
  const parent = deployment.scope.context;
  const evaluate = (value: unknown): ArmValue => {
    try {
      return evaluateJson(value, deployment.scope);
    } catch (error) {
      return unknown(`the nested deployment target cannot be evaluated: ${(error as Error).message}`);
    }
  };
  const sub =
    deployment.raw.subscriptionId === undefined
      ? parent.subscriptionId
      : evaluate(deployment.raw.subscriptionId);
  const rg =
    deployment.raw.resourceGroup === undefined
      ? parent.resourceGroup.name
      : evaluate(deployment.raw.resourceGroup);
  const subscriptionId = typeof sub === 'string' ? sub : parent.subscriptionId;
  const sameGroup =
    subscriptionId === parent.subscriptionId &&
    typeof rg === 'string' &&
    rg.toLowerCase() === parent.resourceGroup.name.toLowerCase();
  const rgName = typeof rg === 'string' ? rg : '<unknown resource group>';
  const context: DeploymentContext = {
    ...parent,
    subscriptionId,
    deploymentName: typeof deployment.name === 'string' ? deployment.name : parent.deploymentName,
    // Another group's location is not known offline: resourceGroup().location becomes Unknown there.
    resourceGroup: sameGroup ? parent.resourceGroup : { name: rgName }
  };
  return { target: { subscriptionId, resourceGroup: isUnknown(rg) ? rg : rgName }, context };
}

/** A view of part of the outer file as its own document, so nested problems point into the right lines. */
function subDocument(document: JsonDocument, basePath: JsonPath, value: unknown): JsonDocument {
  return { file: document.file, value, locate: path => document.locate([...basePath, ...path]) };
}

/**
 * The value one `parameters` entry of a nested deployment passes. The entry is `{ value }` or a Key Vault
 * `{ reference }`; Bicep also writes the whole entry as one expression (`createObject('value', …)` for an
 * optional module parameter), which is evaluated first and then read the same way.
 */
function nestedParameterValue(name: string, entry: unknown, scope: EvaluationScope): ArmValue {
  try {
    // A whole-entry expression is evaluated once; in a literal entry only `value` is an expression.
    const isExpression = typeof entry === 'string';
    const evaluated = isExpression ? evaluateJson(entry, scope) : entry;
    if (isUnknown(evaluated)) return evaluated;
    if (evaluated !== null && typeof evaluated === 'object' && 'value' in evaluated) {
      const value = (evaluated as { value: unknown }).value;
      return isExpression ? (value as ArmValue) : evaluateJson(value, scope);
    }
    if (evaluated !== null && typeof evaluated === 'object' && 'reference' in evaluated)
      return unknown(
        `parameter '${name}' of the nested deployment is a Key Vault reference, read at deployment`
      );
    return unknown(`parameter '${name}' of the nested deployment is neither {value} nor {reference}`);
  } catch (error) {
    return unknown(
      `parameter '${name}' of nested deployment cannot be evaluated: ${(error as Error).message}`
    );
  }
}

/** inner scope: the nested template's parameters are evaluated in the parent scope and passed in. */
function innerScope(
  deployment: WalkedResource,
  props: DeploymentProperties,
  context: DeploymentContext,
  templatePath: JsonPath,
  state: WalkState
): EvaluationScope {
  const inline: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(props.parameters ?? {}))
    inline[name] = nestedParameterValue(name, entry, deployment.scope);
  const template: Template = {
    json: props.template!,
    document: subDocument(state.document, templatePath, props.template)
  };
  const resolved = resolveParameters(template, { inline }, context);
  // A value passed but not declared is the deployment's mistake: point at where it is passed.
  const parametersPath = [...deployment.jsonPath, 'properties', 'parameters'];
  for (const problem of resolved.problems) {
    if (problem.kind === 'unknown-parameter')
      problem.location = state.document.locate([...parametersPath, problem.parameter]);
  }
  // ARM skips a deployment whose condition is false: its parameters are never checked.
  if (deployment.condition !== false) state.problems.push(...resolved.problems);
  return templateScope(props.template!, resolved.values, context);
}

/**
 * Walks the inline template of a Microsoft.Resources/deployments resource. `expressionEvaluationOptions.scope`
 * `inner` gives it its own parameters and the target resource group's functions; `outer` (the default) keeps
 * the parent's parameters, variables and resourceGroup()/subscription(), as ARM does.
 */
export function walkNestedDeployment(
  deployment: WalkedResource,
  enclosing: Enclosing,
  state: WalkState,
  walkResources: WalkResources
): void {
  const props = (deployment.raw.properties ?? {}) as DeploymentProperties;
  if (props.templateLink !== undefined) {
    const link = props.templateLink.uri ?? props.templateLink.id ?? props.templateLink.relativePath;
    const shown = typeof link === 'string' ? ` (${link})` : '';
    const reason = `linked template${shown}: its content is fetched by Azure at deployment time and is not inspectable here`;
    const { name, type, jsonPath, source } = deployment;
    state.notInspectable.push({ name, type, jsonPath, source, reason });
    return;
  }
  if (props.template === null || typeof props.template !== 'object') return;
  const templatePath = [...deployment.jsonPath, 'properties', 'template'];
  const { target, context } = targetOf(deployment);
  const isInner = String(props.expressionEvaluationOptions?.scope ?? 'outer').toLowerCase() === 'inner';
  const scope = isInner ? innerScope(deployment, props, context, templatePath, state) : deployment.scope;
  const nested: Enclosing = {
    condition: deployment.condition,
    deployments: [...enclosing.deployments, deployment.name],
    target
  };
  walkResources(props.template, templatePath, scope, nested, state);
}
