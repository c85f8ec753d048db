import { evaluateCopyCount, evaluateJson } from './evaluator.js';
import type { JsonPath } from './json-document.js';
import { walkNestedDeployment } from './nested-deployment.js';
import { type DeploymentContext, type EvaluationScope, withCopyIndex } from './scope.js';
import type { Template, TemplateJson } from './template-file.js';
import { isUnknown, mergeUnknowns, Unknown, unknown } from './unknown.js';
import { propertyKey, type ArmValue } from './values.js';
import { templateScope } from './variables.js';
import type { Enclosing, WalkedResource, WalkResult, WalkState } from './walk-types.js';

/** Inputs of a walk: resolved parameter values (see resolveParameters) and the deployment context. */
export interface WalkOptions {
  parameters: Record<string, ArmValue>;
  context: DeploymentContext;
}

/**
 * Yields every resource of a template: through copy loops, conditions, inline child resources, symbolic
 * (languageVersion 2.0) resources and nested inline deployments. Linked templates are listed as not inspectable.
 */
export function walkTemplate(template: Template, options: WalkOptions): WalkResult {
  const state: WalkState = { document: template.document, resources: [], notInspectable: [], problems: [] };
  const scope = templateScope(template.json, options.parameters, options.context);
  const target = {
    subscriptionId: options.context.subscriptionId,
    resourceGroup: options.context.resourceGroup.name
  };
  walkResources(template.json, [], scope, { condition: true, deployments: [], target }, state);
  const { resources, notInspectable, problems } = state;
  return { resources, notInspectable, problems };
}

/** Walks the `resources` of a template body at `basePath` (array, or object keyed by symbolic name). */
export function walkResources(
  json: TemplateJson,
  basePath: JsonPath,
  scope: EvaluationScope,
  enclosing: Enclosing,
  state: WalkState
): void {
  const resources = json.resources ?? [];
  const entries: [string | number, unknown][] = Array.isArray(resources)
    ? resources.map((r, i) => [i, r])
    : Object.entries(resources);
  for (const [key, raw] of entries) {
    if (raw !== null && typeof raw === 'object') {
      walkDeclaration(
        raw as Record<string, unknown>,
        [...basePath, 'resources', key],
        scope,
        enclosing,
        state
      );
    }
  }
}

function walkDeclaration(
  raw: Record<string, unknown>,
  path: JsonPath,
  scope: EvaluationScope,
  enclosing: Enclosing,
  state: WalkState
): void {
  const copy = member(raw, 'copy') as
    { name?: string; count?: unknown; mode?: string; batchSize?: unknown } | undefined;
  if (!copy || typeof copy !== 'object' || Array.isArray(copy))
    return emit(raw, path, scope, enclosing, state);
  const loopName = String(copy.name ?? '');
  let count: number | Unknown;
  try {
    count = evaluateCopyCount(copy.count, scope);
  } catch (error) {
    count = unknown(`copy '${loopName}' count cannot be evaluated: ${(error as Error).message}`);
  }
  if (isUnknown(count)) {
    const why = unknown(`the number of instances of copy loop '${loopName}' is unknown: ${count.reason}`);
    return emit(raw, path, scope, enclosing, state, undefined, why);
  }
  const loop = {
    name: loopName,
    mode: String(copy.mode ?? 'parallel').toLowerCase(),
    batchSize: copy.batchSize
  };
  for (let index = 0; index < count; index++) {
    emit(raw, path, withCopyIndex(scope, loopName, index), enclosing, state, { ...loop, index });
  }
}

/** Evaluates one part of a declaration; an error becomes an Unknown naming the error and is recorded. */
function safely(value: unknown, scope: EvaluationScope, what: string, errors: string[]): ArmValue {
  try {
    return evaluateJson(value, scope);
  } catch (error) {
    const message = `${what} cannot be evaluated: ${(error as Error).message}`;
    errors.push(message);
    return unknown(message);
  }
}

/** A declaration's member, whatever its case: ARM reads `Properties`, `Type` and `Name` as the lower-case keys. */
function member(raw: Record<string, unknown>, name: string): unknown {
  const key = propertyKey(raw, name);
  return key === undefined ? undefined : raw[key];
}

function combineConditions(a: boolean | Unknown, b: ArmValue): boolean | Unknown {
  if (a === false || b === false) return false;
  const unknowns = [a, b].filter(isUnknown);
  if (unknowns.length > 0) return mergeUnknowns(unknowns);
  return true;
}

function composeName(parent: Enclosing['parent'], own: ArmValue): ArmValue {
  if (!parent) return own;
  const unknowns = [parent.name, own].filter(isUnknown);
  if (unknowns.length > 0) return mergeUnknowns(unknowns);
  return `${String(parent.name)}/${String(own)}`;
}

/**
 * Evaluates `properties`. A nested deployment's inline `template` is returned as written: its expressions
 * belong to the nested deployment (walked separately), not to the parent's scope.
 */
function evaluateProperties(raw: Record<string, unknown>, type: string, scope: EvaluationScope): ArmValue {
  const properties = member(raw, 'properties') as Record<string, unknown> | undefined;
  if (properties === undefined) return null;
  if (type.toLowerCase() !== 'microsoft.resources/deployments' || properties.template === undefined) {
    return evaluateJson(properties, scope);
  }
  const { template, ...rest } = properties;
  return { ...(evaluateJson(rest, scope) as Record<string, ArmValue>), template: template as ArmValue };
}

function emit(
  raw: Record<string, unknown>,
  path: JsonPath,
  scope: EvaluationScope,
  enclosing: Enclosing,
  state: WalkState,
  copy?: WalkedResource['copy'],
  unknownInstances?: Unknown
): void {
  const errors: string[] = [];
  const rawCondition = member(raw, 'condition');
  const ownCondition = rawCondition === undefined ? true : safely(rawCondition, scope, 'condition', errors);
  const condition = combineConditions(enclosing.condition, ownCondition);
  const ownType = String(member(raw, 'type') ?? '');
  const type = enclosing.parent && !ownType.includes('/') ? `${enclosing.parent.type}/${ownType}` : ownType;
  const ownName = unknownInstances ?? safely(member(raw, 'name'), scope, 'name', errors);
  const name = ownType.includes('/') && enclosing.parent ? ownName : composeName(enclosing.parent, ownName);
  const apiVersion = member(raw, 'apiVersion');
  const location = member(raw, 'location');
  const dependsOn = member(raw, 'dependsOn');
  const resource: WalkedResource = {
    name,
    type,
    condition,
    apiVersion: typeof apiVersion === 'string' ? apiVersion : undefined,
    location: location === undefined ? undefined : safely(location, scope, 'location', errors),
    dependsOn: Array.isArray(dependsOn)
      ? dependsOn.map((d: unknown) => safely(d, scope, 'dependsOn', errors))
      : [],
    jsonPath: path,
    source: state.document.locate(path),
    raw,
    existing: member(raw, 'existing') === true,
    ...(copy ? { copy } : {}),
    deployments: enclosing.deployments,
    target: enclosing.target,
    scope,
    properties: () => evaluateProperties(raw, type, scope),
    errors
  };
  state.resources.push(resource);
  if (type.toLowerCase() === 'microsoft.resources/deployments')
    walkNestedDeployment(resource, enclosing, state, walkResources);
  const childrenKey = propertyKey(raw, 'resources');
  const children = childrenKey === undefined ? undefined : raw[childrenKey];
  if (childrenKey !== undefined && Array.isArray(children)) {
    const childEnclosing: Enclosing = { ...enclosing, parent: { name, type }, condition };
    children.forEach((child: unknown, i: number) => {
      if (child !== null && typeof child === 'object') {
        walkDeclaration(
          child as Record<string, unknown>,
          [...path, childrenKey, i],
          scope,
          childEnclosing,
          state
        );
      }
    });
  }
}
