import type { EvaluationScope } from '../scope.js';
import { ArmFunctionError, type ArmValue } from '../values.js';
import { type ArmFunction, fn } from './types.js';

interface UserFunctionDefinition {
  parameters?: { name: string }[];
  output?: { value?: unknown };
}

interface FunctionNamespace {
  namespace?: string;
  members?: Record<string, UserFunctionDefinition>;
}

/** Finds `namespace.member` in the template's `functions` section (namespaces and members ignore case). */
function findDefinition(name: string, scope: EvaluationScope): UserFunctionDefinition | undefined {
  const [namespace, member] = name.toLowerCase().split('.');
  const namespaces = (scope.template?.functions ?? []) as FunctionNamespace[];
  if (!Array.isArray(namespaces)) return undefined;
  const found = namespaces.find(n => n.namespace?.toLowerCase() === namespace);
  const key = Object.keys(found?.members ?? {}).find(k => k.toLowerCase() === member);
  return key === undefined ? undefined : found!.members![key];
}

/**
 * A user-defined function: its output is evaluated with only its own parameters in scope (ARM forbids
 * variables, reference() and the template's parameters inside), so a fresh scope is built per call. The
 * evaluator hands itself in, so this file and the evaluator do not import each other.
 */
export function lookupUserFunction(
  name: string,
  scope: EvaluationScope,
  evaluateJson: (value: unknown, scope: EvaluationScope) => ArmValue
): ArmFunction | undefined {
  if (!name.includes('.')) return undefined;
  const definition = findDefinition(name, scope);
  if (!definition) return undefined;
  const names = (definition.parameters ?? []).map(p => p.name);
  return fn(names.length, names.length, args => {
    const parameters: Record<string, ArmValue> = Object.fromEntries(names.map((n, i) => [n, args[i]!]));
    const inner: EvaluationScope = {
      ...scope,
      parameters,
      copyIndices: new Map(),
      variable: variable => {
        throw new ArmFunctionError(
          `variables('${variable}') cannot be used inside the user function ${name}`
        );
      },
      variableNames: () => []
    };
    return evaluateJson(definition.output?.value, inner);
  });
}
