import { Unknown } from './unknown.js';

/** A value an ARM expression can produce: JSON values, plus Unknown for values known only after deployment. */
export type ArmValue = string | number | boolean | null | ArmValue[] | ArmObject | Unknown;
/** A JSON object whose values may be Unknown. */
export interface ArmObject {
  [key: string]: ArmValue;
}

/** Thrown by a function implementation; the evaluator adds the expression and position. */
export class ArmFunctionError extends Error {}

/** True for a plain object (not an array, null or Unknown). */
export function isObject(value: unknown): value is ArmObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);
}

/** The ARM type name of a value, for error messages. */
export function typeName(value: ArmValue): string {
  if (value === null) return 'Null';
  if (Array.isArray(value)) return 'Array';
  if (value instanceof Unknown) return 'Unknown';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'string') return 'String';
  return typeof value === 'boolean' ? 'Boolean' : 'Object';
}

function expectType<T extends ArmValue>(value: ArmValue, ok: boolean, expected: string, what: string): T {
  if (!ok) throw new ArmFunctionError(`${what} must be ${expected}, got ${typeName(value)}`);
  return value as T;
}

/** Checks that an argument is a string. */
export function asString(value: ArmValue, what = 'argument'): string {
  return expectType<string>(value, typeof value === 'string', 'a String', what);
}

/** Checks that an argument is an integer (ARM ints are 64-bit; JS numbers are exact up to 2^53). */
export function asInt(value: ArmValue, what = 'argument'): number {
  return expectType<number>(value, typeof value === 'number' && Number.isInteger(value), 'an Integer', what);
}

/** Checks that an argument is a number. */
export function asNumber(value: ArmValue, what = 'argument'): number {
  return expectType<number>(value, typeof value === 'number', 'a number', what);
}

/** Checks that an argument is a boolean. */
export function asBool(value: ArmValue, what = 'argument'): boolean {
  return expectType<boolean>(value, typeof value === 'boolean', 'a Boolean', what);
}

/** Checks that an argument is an array. */
export function asArray(value: ArmValue, what = 'argument'): ArmValue[] {
  return expectType<ArmValue[]>(value, Array.isArray(value), 'an Array', what);
}

/** Checks that an argument is an object. */
export function asObject(value: ArmValue, what = 'argument'): ArmObject {
  return expectType<ArmObject>(value, isObject(value), 'an Object', what);
}

/** ARM's string(): strings unchanged, everything else as compact JSON. */
export function toArmString(value: ArmValue): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value);
}

/** Structural equality; strings compare case-sensitively as ARM's equals() does. */
export function armEquals(a: ArmValue, b: ArmValue): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => armEquals(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => k in b && armEquals(a[k]!, b[k]!));
  }
  return a === b;
}

/** Property lookup that ignores case, as ARM property names are case-insensitive. */
export function getProperty(object: ArmObject, name: string): ArmValue | undefined {
  const key = propertyKey(object, name);
  return key === undefined ? undefined : object[key];
}

/**
 * The key under which an object holds `name`, ignoring case (ARM reads `Properties` as `properties`): the exact
 * spelling first, else the first key that matches without case. Code that edits a template uses it so it
 * changes the key the author wrote instead of adding a second one.
 */
export function propertyKey(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(object).find(k => k.toLowerCase() === lower);
}
