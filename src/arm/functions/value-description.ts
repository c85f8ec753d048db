import { parseArmJson } from '../lenient-json.js';
import { ArmFunctionError, type ArmValue, typeName } from '../values.js';

/**
 * How a function error speaks of an argument: by type and size, never by value. The argument is often a
 * securestring, and the message reaches the log, the job summary and annotations; a quoted prefix of a
 * password would be a leak that no registered secret matches. The expression in the message already names
 * the parameter the value came from.
 */
export function describeValue(value: ArmValue): string {
  const type = typeName(value);
  if (typeof value === 'string') return `a String of ${value.length} characters`;
  return /^[AEIOU]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** ARM's JSON (single-quoted strings too) with an error that says where, not what: Node quotes the text it failed on. */
export function parseJson(text: string, what: string): ArmValue {
  try {
    return parseArmJson(text);
  } catch (error) {
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    throw new ArmFunctionError(
      `${what} (a String of ${text.length} characters) is not valid JSON${position ? ` (at character ${Number(position) + 1})` : ''}`
    );
  }
}
