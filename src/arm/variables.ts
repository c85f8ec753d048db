import { isCopyArray } from './copy-loop.js';
import { evaluateJson, expandCopyArray } from './evaluator.js';
import type { DeploymentContext, EvaluationScope } from './scope.js';
import type { TemplateJson } from './template-file.js';
import { ArmFunctionError, type ArmValue } from './values.js';

/**
 * Makes a scope whose variables are evaluated on first use (so a variable that needs reference() only
 * matters when something reads it) and detects cycles. `copy` entries in the variables section become arrays.
 */
export function withVariables(
  base: Omit<EvaluationScope, 'variable' | 'variableNames'>,
  variables: Record<string, unknown> = {}
): EvaluationScope {
  const definitions = new Map<string, () => ArmValue>();
  const lowerNames = new Map<string, string>();
  const scope: EvaluationScope = {
    ...base,
    variable: name => readVariable(name),
    variableNames: () => [...definitions.keys()]
  };
  // Variables see no copy index from where they are read: they are evaluated in the template's scope.
  const variableScope: EvaluationScope = { ...scope, copyIndices: new Map(), lambdaVariables: undefined };
  for (const [name, definition] of Object.entries(variables)) {
    if (name === 'copy' && isCopyArray(definition)) {
      for (const spec of definition) definitions.set(spec.name, () => expandCopyArray(spec, variableScope));
    } else {
      definitions.set(name, () => evaluateJson(definition, variableScope));
    }
  }
  for (const name of definitions.keys()) lowerNames.set(name.toLowerCase(), name);

  const values = new Map<string, ArmValue>();
  const evaluating = new Set<string>();
  function readVariable(requested: string): ArmValue {
    const name = lowerNames.get(requested.toLowerCase());
    if (name === undefined) {
      throw new ArmFunctionError(
        `the variable '${requested}' is not defined (known: ${[...definitions.keys()].join(', ')})`
      );
    }
    if (values.has(name)) return values.get(name)!;
    if (evaluating.has(name)) throw new ArmFunctionError(`the variable '${name}' refers to itself`);
    evaluating.add(name);
    try {
      const value = definitions.get(name)!();
      values.set(name, value);
      return value;
    } finally {
      evaluating.delete(name);
    }
  }
  return scope;
}

/** The scope of a template body: its parameters and (lazily evaluated) variables. */
export function templateScope(
  json: TemplateJson,
  parameters: Record<string, ArmValue>,
  context: DeploymentContext
): EvaluationScope {
  const base = {
    context,
    parameters,
    copyIndices: new Map<string, number>(),
    template: json as Record<string, unknown>
  };
  return withVariables(base, json.variables);
}
