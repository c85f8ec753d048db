import type { InputName } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';

/**
 * Parses an input that takes one of a few words (case-insensitive), returning the canonical spelling.
 * An unknown word is a problem that lists the words allowed.
 */
export function parseChoice<T extends string>(
  input: InputName,
  value: string,
  allowed: readonly T[]
): { value?: T; problem?: ConfigurationProblem } {
  const match = allowed.find(choice => choice.toLowerCase() === value.toLowerCase());
  if (match) return { value: match };
  return {
    problem: { input, message: `'${value}' is not one of ${allowed.map(a => `'${a}'`).join(', ')}.` }
  };
}

/** The YAML 1.2 core-schema booleans, as `core.getBooleanInput` accepts them. */
export function parseBoolean(
  input: InputName,
  value: string
): { value?: boolean; problem?: ConfigurationProblem } {
  if (['true', 'True', 'TRUE'].includes(value)) return { value: true };
  if (['false', 'False', 'FALSE'].includes(value)) return { value: false };
  return { problem: { input, message: `'${value}' is not a boolean.`, fix: "Write 'true' or 'false'." } };
}
