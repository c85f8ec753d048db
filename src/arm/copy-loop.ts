import { evaluateJson, evaluateString } from './evaluator.js';
import { type EvaluationScope, withCopyIndex } from './scope.js';
import { isUnknown, Unknown, unknown } from './unknown.js';
import { ArmFunctionError, type ArmValue } from './values.js';

/** ARM caps copy loops at 800 iterations. */
export const MAX_COPY_COUNT = 800;

/** A `copy` element of a variable or property: `{ name, count, input }`. */
export interface CopyArraySpec {
  name: string;
  count: unknown;
  input: unknown;
}

/** Evaluates a copy count; a negative or too large count is a template error. */
export function evaluateCopyCount(count: unknown, scope: EvaluationScope): number | Unknown {
  const value = typeof count === 'string' ? evaluateString(count, scope) : (count as ArmValue);
  if (isUnknown(value)) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_COPY_COUNT) {
    throw new ArmFunctionError(
      `copy count must be an integer from 0 to ${MAX_COPY_COUNT}, got ${JSON.stringify(value)}`
    );
  }
  return value;
}

/** True for the array form of `copy` used in variables and properties (not the resource-level object form). */
export function isCopyArray(value: unknown): value is CopyArraySpec[] {
  return (
    Array.isArray(value) &&
    value.every(item => item !== null && typeof item === 'object' && 'name' in item && 'input' in item)
  );
}

/** Expands one `{ name, count, input }` into its array; `copyIndex('name')` sees each index. */
export function expandCopyArray(spec: CopyArraySpec, scope: EvaluationScope): ArmValue {
  const count = evaluateCopyCount(spec.count, scope);
  if (isUnknown(count)) return unknown(`the count of copy '${spec.name}' is unknown: ${count.reason}`);
  return Array.from({ length: count }, (_, i) =>
    evaluateJson(spec.input, withCopyIndex(scope, spec.name, i))
  );
}
