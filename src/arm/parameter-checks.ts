import type { ParameterDefinition } from './template-file.js';
import { findUnknowns } from './unknown.js';
import { armEquals, type ArmValue, isObject, typeName } from './values.js';

/** A failed parameter check (the caller adds name and location). */
export interface ParameterCheckFailure {
  kind: 'type' | 'allowed-values' | 'range';
  message: string;
}

const TYPE_CHECKS: Record<string, (v: ArmValue) => boolean> = {
  string: v => typeof v === 'string',
  securestring: v => typeof v === 'string',
  int: v => typeof v === 'number' && Number.isInteger(v),
  bool: v => typeof v === 'boolean',
  object: v => isObject(v),
  secureobject: v => isObject(v),
  array: v => Array.isArray(v)
};

/**
 * Checks type, allowedValues and min/max length/value. Unknown values cannot be checked and pass; so does a
 * type the engine does not model (a user-defined type it could not follow): ARM's validation decides.
 * Object properties of user-defined types (sealed, discriminated) are not checked offline.
 */
export function checkParameterValue(
  name: string,
  definition: ParameterDefinition,
  value: ArmValue
): ParameterCheckFailure | undefined {
  if (findUnknowns(value).length > 0) return undefined;
  if (value === null && definition.nullable === true) return undefined;
  const type = String(definition.type ?? '').toLowerCase();
  const typeCheck = TYPE_CHECKS[type];
  if (!typeCheck) return undefined;
  if (!typeCheck(value)) {
    return {
      kind: 'type',
      message: `parameter '${name}' must be ${definition.type}, got ${typeName(value)}`
    };
  }
  return checkAllowed(name, definition, value) ?? checkRange(name, definition, value);
}

function checkAllowed(
  name: string,
  definition: ParameterDefinition,
  value: ArmValue
): ParameterCheckFailure | undefined {
  const allowed = definition.allowedValues as ArmValue[] | undefined;
  if (!allowed) return undefined;
  // For arrays, ARM checks each element against allowedValues.
  const candidates = Array.isArray(value) ? value : [value];
  const bad = candidates.find(c => !allowed.some(a => armEquals(a, c)));
  if (bad === undefined) return undefined;
  // A secure value is never echoed, not even when it is wrong (neither are its allowed values).
  if (/^secure/i.test(String(definition.type))) {
    return {
      kind: 'allowed-values',
      message: `parameter '${name}' has a value that is not among its allowedValues`
    };
  }
  const list = allowed.map(a => JSON.stringify(a)).join(', ');
  return {
    kind: 'allowed-values',
    message: `parameter '${name}' is ${JSON.stringify(bad)}; allowed: ${list}`
  };
}

function checkRange(
  name: string,
  definition: ParameterDefinition,
  value: ArmValue
): ParameterCheckFailure | undefined {
  const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
  if (length !== undefined && definition.minLength !== undefined && length < definition.minLength) {
    return {
      kind: 'range',
      message: `parameter '${name}' has length ${length}, below minLength ${definition.minLength}`
    };
  }
  if (length !== undefined && definition.maxLength !== undefined && length > definition.maxLength) {
    return {
      kind: 'range',
      message: `parameter '${name}' has length ${length}, above maxLength ${definition.maxLength}`
    };
  }
  if (typeof value === 'number' && definition.minValue !== undefined && value < definition.minValue) {
    return {
      kind: 'range',
      message: `parameter '${name}' is ${value}, below minValue ${definition.minValue}`
    };
  }
  if (typeof value === 'number' && definition.maxValue !== undefined && value > definition.maxValue) {
    return {
      kind: 'range',
      message: `parameter '${name}' is ${value}, above maxValue ${definition.maxValue}`
    };
  }
  return undefined;
}
