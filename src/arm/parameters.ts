import { type SourceLocation } from './errors.js';
import { evaluateJson } from './evaluator.js';
import type { DeploymentContext, EvaluationScope } from './scope.js';
import type { ParameterDefinition, ParametersFile, Template } from './template-file.js';
import { unknown } from './unknown.js';
import { ArmFunctionError, type ArmValue } from './values.js';
import { isNullable, resolveDeclaration } from './parameter-declaration.js';
import { checkParameterValue } from './parameter-checks.js';

/** What is wrong with one parameter, and where. */
export interface ParameterProblem {
  kind: 'missing' | 'unknown-parameter' | 'type' | 'allowed-values' | 'range' | 'default';
  parameter: string;
  message: string;
  location: SourceLocation;
}

/** Parameter values by name, or the problems that stop them being resolved. */
export interface ResolvedParameters {
  values: Record<string, ArmValue>;
  /** Names declared `securestring`/`secureObject`: their values must be masked. */
  secureNames: string[];
  problems: ParameterProblem[];
}

/** Where parameter values come from; inline values win over the file, as with `az deployment … --parameters`. */
export interface ParameterSources {
  file?: ParametersFile;
  inline?: Record<string, unknown>;
}

function findKey(record: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!record) return undefined;
  const lower = name.toLowerCase();
  return Object.keys(record).find(k => k.toLowerCase() === lower);
}

/** A Key Vault reference resolves only at deployment time; its value is Unknown. */
function fileValue(file: ParametersFile, key: string): ArmValue {
  const entry = file.parameters[key]!;
  if ('reference' in entry) {
    return unknown(
      `parameter '${key}' is the Key Vault secret '${entry.reference.secretName}', read at deployment`
    );
  }
  return entry.value as ArmValue;
}

/**
 * Resolves every declared parameter from inline values, the parameters file, or its default, then checks
 * types, allowedValues and min/max constraints. Defaults are evaluated in dependency order, as ARM does: a
 * default may use a parameter declared after it (a cycle is an error). A `nullable` parameter without a value
 * is null; a null value for a parameter with a default gets the default.
 */
export function resolveParameters(
  template: Template,
  sources: ParameterSources,
  context: DeploymentContext
): ResolvedParameters {
  const declared = template.json.parameters ?? {};
  const values: Record<string, ArmValue> = {};
  const problems: ParameterProblem[] = [];
  // What defaults see: every declared name, each resolved on first read.
  const visible: Record<string, ArmValue> = {};
  const scope: EvaluationScope = {
    context,
    parameters: visible,
    variable: name => unknown(`variables('${name}') cannot be used in a parameter default`),
    variableNames: () => [],
    copyIndices: new Map(),
    template: template.json as Record<string, unknown>
  };
  const resolving = new Set<string>();
  const resolve = (name: string): ArmValue => {
    if (name in values) return values[name]!;
    if (resolving.has(name))
      throw new ArmFunctionError(`the defaults of ${[...resolving].join(' → ')} → ${name} form a cycle`);
    resolving.add(name);
    try {
      const definition = resolveDeclaration(declared[name]!, template.json);
      const location = template.document.locate(['parameters', name]);
      // Defaults that use a parameter without a value become Unknown instead of adding a second problem.
      const resolved = resolveOne(name, definition, sources, scope, problems, location);
      const value = resolved === undefined ? unknown(`parameter '${name}' has no value`) : resolved;
      values[name] = value;
      return value;
    } finally {
      resolving.delete(name);
    }
  };
  for (const name of Object.keys(declared))
    Object.defineProperty(visible, name, { enumerable: true, get: () => resolve(name) });
  for (const name of Object.keys(declared)) {
    const value = resolve(name);
    const definition = resolveDeclaration(declared[name]!, template.json);
    const location = template.document.locate(['parameters', name]);
    const problem = checkParameterValue(name, definition, value);
    if (problem) problems.push({ ...problem, parameter: name, location: sourceOf(name, sources, location) });
  }
  problems.push(...unknownParameters(declared, sources));
  const secureNames = Object.keys(declared).filter(n =>
    /^secure(string|object)$/i.test(String(resolveDeclaration(declared[n]!, template.json).type))
  );
  return { values, secureNames, problems };
}

function sourceOf(name: string, sources: ParameterSources, declaration: SourceLocation): SourceLocation {
  const key = findKey(sources.file?.parameters, name);
  return key && !findKey(sources.inline, name)
    ? sources.file!.document.locate(['parameters', key])
    : declaration;
}

/** The value given inline or in the file; undefined when none is, or when null is given (ARM: not given). */
function givenValue(name: string, sources: ParameterSources): ArmValue | undefined {
  const inlineKey = findKey(sources.inline, name);
  const fileKey = findKey(sources.file?.parameters, name);
  const value =
    inlineKey !== undefined
      ? (sources.inline![inlineKey] as ArmValue)
      : fileKey !== undefined
        ? fileValue(sources.file!, fileKey)
        : undefined;
  return value === null ? undefined : value;
}

function resolveOne(
  name: string,
  definition: ParameterDefinition,
  sources: ParameterSources,
  scope: EvaluationScope,
  problems: ParameterProblem[],
  location: SourceLocation
): ArmValue | undefined {
  const given = givenValue(name, sources);
  if (given !== undefined) return given;
  if (definition.defaultValue === undefined) {
    if (isNullable(definition)) return null;
    const where = sources.file ? ` or to ${sources.file.document.file}` : '';
    const message = `parameter '${name}' has no value and no default: add it to the inline parameters${where}`;
    problems.push({ kind: 'missing', parameter: name, message, location });
    return undefined;
  }
  try {
    return evaluateJson(definition.defaultValue, scope);
  } catch (error) {
    const message = `the default of parameter '${name}' cannot be evaluated: ${(error as Error).message}`;
    problems.push({ kind: 'default', parameter: name, message, location });
    return undefined;
  }
}

function unknownParameters(
  declared: Record<string, ParameterDefinition>,
  sources: ParameterSources
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const isDeclared = (name: string) => findKey(declared, name) !== undefined;
  for (const name of Object.keys(sources.file?.parameters ?? {}).filter(n => !isDeclared(n))) {
    const location = sources.file!.document.locate(['parameters', name]);
    const message = `parameter '${name}' in ${location.file} is not declared by the template (known: ${Object.keys(declared).join(', ')})`;
    problems.push({ kind: 'unknown-parameter', parameter: name, message, location });
  }
  for (const name of Object.keys(sources.inline ?? {}).filter(n => !isDeclared(n))) {
    const message = `inline parameter '${name}' is not declared by the template (known: ${Object.keys(declared).join(', ')})`;
    problems.push({
      kind: 'unknown-parameter',
      parameter: name,
      message,
      location: { file: '<inline parameters>', line: 1, column: 1 }
    });
  }
  return problems;
}
