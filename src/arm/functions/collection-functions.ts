import { parseArmJson } from '../lenient-json.js';
import { isUnknown } from '../unknown.js';
import {
  ArmFunctionError,
  armEquals,
  type ArmObject,
  type ArmValue,
  asArray,
  asInt,
  asObject,
  getProperty,
  isObject,
  toArmString
} from '../values.js';
import { type ArmFunction, fn } from './types.js';

function concat(args: ArmValue[]): ArmValue {
  if (args.length > 0 && args.every(Array.isArray)) return args.flat(1);
  if (args.some(isUnknown)) return args.find(isUnknown)!;
  return args.map(a => toArmString(a)).join('');
}

function contains(args: ArmValue[]): boolean {
  const [container, item] = args;
  if (typeof container === 'string') return container.includes(toArmString(item!));
  if (Array.isArray(container)) return container.some(x => armEquals(x, item!));
  const key = String(item).toLowerCase();
  return Object.keys(asObject(container!)).some(k => k.toLowerCase() === key);
}

function length(args: ArmValue[]): number {
  const value = args[0]!;
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return Object.keys(asObject(value)).length;
}

function empty(args: ArmValue[]): boolean {
  const value = args[0]!;
  if (value === null) return true;
  if (typeof value === 'string' || Array.isArray(value)) return value.length === 0;
  return Object.keys(asObject(value)).length === 0;
}

function slice(value: ArmValue, start: number, end?: number): ArmValue {
  return typeof value === 'string' ? value.slice(start, end) : asArray(value).slice(start, end);
}

function union(args: ArmValue[]): ArmValue {
  if (args.every(Array.isArray)) {
    const out: ArmValue[] = [];
    for (const item of args.flat(1)) if (!out.some(x => armEquals(x, item))) out.push(item);
    return out;
  }
  return Object.assign({}, ...args.map(a => asObject(a))) as ArmObject;
}

function intersection(args: ArmValue[]): ArmValue {
  if (args.every(Array.isArray)) {
    const [first, ...rest] = args as ArmValue[][];
    return first!.filter(
      (x, i) => rest.every(r => r.some(y => armEquals(x, y))) && first!.findIndex(y => armEquals(x, y)) === i
    );
  }
  const [first, ...rest] = args.map(a => asObject(a));
  return Object.fromEntries(
    Object.entries(first!).filter(([k, v]) => rest.every(r => k in r && armEquals(r[k]!, v)))
  );
}

function range(args: ArmValue[]): number[] {
  const start = asInt(args[0]!);
  const count = asInt(args[1]!);
  if (count < 0 || count > 10000)
    throw new ArmFunctionError(`range count ${count} must be between 0 and 10000`);
  return Array.from({ length: count }, (_, i) => start + i);
}

function createObject(args: ArmValue[]): ArmObject {
  if (args.length % 2 !== 0)
    throw new ArmFunctionError('needs key/value pairs (an even number of arguments)');
  const out: ArmObject = {};
  for (let i = 0; i < args.length; i += 2) out[String(args[i])] = args[i + 1]!;
  return out;
}

function tryGet(args: ArmValue[]): ArmValue {
  let value: ArmValue = args[0]!;
  for (const key of args.slice(1)) {
    if (isUnknown(value) || isUnknown(key)) return isUnknown(value) ? value : key;
    if (Array.isArray(value) && typeof key === 'number') value = value[key] ?? null;
    else if (isObject(value) && typeof key === 'string') value = getProperty(value, key) ?? null;
    else return null;
    if (value === null) return null;
  }
  return value;
}

function items(args: ArmValue[]): ArmValue[] {
  const object = asObject(args[0]!);
  return Object.keys(object)
    .sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' }))
    .map(key => ({ key, value: object[key]! }));
}

/** Array and object functions (ARM "array" and "object" categories). */
export const collectionFunctions: Record<string, ArmFunction> = {
  concat: fn(1, Infinity, concat, 'shallow'),
  contains: fn(2, 2, contains),
  length: fn(1, 1, length, 'shallow'),
  empty: fn(1, 1, empty, 'shallow'),
  first: fn(
    1,
    1,
    args => (typeof args[0] === 'string' ? (args[0][0] ?? '') : (asArray(args[0]!)[0] ?? null)),
    'shallow'
  ),
  last: fn(
    1,
    1,
    args => (typeof args[0] === 'string' ? args[0].slice(-1) : (asArray(args[0]!).at(-1) ?? null)),
    'shallow'
  ),
  take: fn(2, 2, args => slice(args[0]!, 0, Math.max(0, asInt(args[1]!))), 'shallow'),
  skip: fn(2, 2, args => slice(args[0]!, Math.max(0, asInt(args[1]!))), 'shallow'),
  union: fn(1, Infinity, union),
  intersection: fn(1, Infinity, intersection),
  range: fn(2, 2, range),
  array: fn(1, 1, args => (Array.isArray(args[0]) ? args[0] : [args[0]!]), 'shallow'),
  createarray: fn(0, Infinity, args => args, 'handled'),
  createobject: fn(0, Infinity, createObject, 'handled'),
  indexof: fn(2, 2, args =>
    Array.isArray(args[0])
      ? args[0].findIndex(x => armEquals(x, args[1]!))
      : String(args[0]).toLowerCase().indexOf(String(args[1]).toLowerCase())
  ),
  coalesce: fn(1, Infinity, args => args.find(a => a !== null) ?? null, 'handled'),
  objectkeys: fn(1, 1, args => Object.keys(asObject(args[0]!)), 'shallow'),
  items: fn(1, 1, items, 'shallow'),
  shallowmerge: fn(
    1,
    1,
    args => Object.assign({}, ...asArray(args[0]!).map(a => asObject(a))) as ArmObject,
    'shallow'
  ),
  tryget: fn(2, Infinity, tryGet, 'handled'),
  join: fn(2, 2, args =>
    asArray(args[0]!)
      .map(item => toArmString(item))
      .join(String(args[1]))
  ),
  json: fn(1, 1, args => (args[0] === 'null' ? null : parseArmJson(String(args[0])))),
  null: fn(0, 0, () => null)
};
