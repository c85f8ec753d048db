import { isUnknown, mergeUnknowns } from '../unknown.js';
import { ArmFunctionError, armEquals, type ArmValue, asBool, asInt, asNumber, typeName } from '../values.js';
import { type ArgumentStep, type ArmFunction, fn, stepwiseFunction } from './types.js';
import { describeValue } from './value-description.js';

/**
 * ARM compares strings as .NET's culture-aware comparison does, not by code unit: Microsoft documents
 * greater('A', 'a') as true (lower case sorts first). ICU's collation through localeCompare agrees.
 */
const collator = new Intl.Collator('en');

function compare(a: ArmValue, b: ArmValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  throw new ArmFunctionError(`cannot compare ${typeName(a)} with ${typeName(b)}`);
}

/** if(): only the branch the condition selects is evaluated; an Unknown condition gives an Unknown result. */
function ifSteps(evaluated: readonly ArmValue[]): ArgumentStep {
  const [condition, branch] = evaluated;
  if (condition === undefined) return { next: 0 };
  if (isUnknown(condition)) return { value: condition };
  if (evaluated.length === 1) return { next: asBool(condition, 'the condition') ? 1 : 2 };
  return { value: branch! };
}

/** and()/or() stop at the first deciding argument, so and(false, reference(...)) is known. */
function shortCircuit(decisive: boolean) {
  return (evaluated: readonly ArmValue[], argumentCount: number): ArgumentStep => {
    const last = evaluated.at(-1);
    if (last !== undefined && !isUnknown(last) && asBool(last) === decisive) return { value: decisive };
    if (evaluated.length < argumentCount) return { next: evaluated.length };
    const unknowns = evaluated.filter(isUnknown);
    return { value: unknowns.length > 0 ? mergeUnknowns(unknowns) : !decisive };
  };
}

function toInt(value: ArmValue): number {
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'number') return Math.trunc(value);
  throw new ArmFunctionError(`cannot convert ${describeValue(value)} to an integer`);
}

function toBool(value: ArmValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ArmFunctionError(`cannot convert ${describeValue(value)} to a boolean`);
}

function minMax(pick: (a: number, b: number) => number) {
  return (args: ArmValue[]): number => {
    const values = args.length === 1 && Array.isArray(args[0]) ? args[0] : args;
    if (values.length === 0) throw new ArmFunctionError('needs at least one value');
    return values.map(v => asNumber(v)).reduce((a, b) => pick(a, b));
  };
}

function divide(args: ArmValue[]): number {
  const divisor = asInt(args[1]!);
  if (divisor === 0) throw new ArmFunctionError('division by zero');
  return Math.trunc(asInt(args[0]!) / divisor);
}

function modulo(args: ArmValue[]): number {
  const divisor = asInt(args[1]!);
  if (divisor === 0) throw new ArmFunctionError('division by zero');
  return asInt(args[0]!) % divisor;
}

/** Comparison, logical and numeric functions. */
export const logicFunctions: Record<string, ArmFunction> = {
  equals: fn(2, 2, args => armEquals(args[0]!, args[1]!)),
  less: fn(2, 2, args => compare(args[0]!, args[1]!) < 0),
  lessorequals: fn(2, 2, args => compare(args[0]!, args[1]!) <= 0),
  greater: fn(2, 2, args => compare(args[0]!, args[1]!) > 0),
  greaterorequals: fn(2, 2, args => compare(args[0]!, args[1]!) >= 0),
  if: stepwiseFunction(3, 3, ifSteps),
  and: stepwiseFunction(1, Infinity, shortCircuit(false)),
  or: stepwiseFunction(1, Infinity, shortCircuit(true)),
  not: fn(1, 1, args => !asBool(args[0]!)),
  bool: fn(1, 1, args => toBool(args[0]!)),
  true: fn(0, 0, () => true),
  false: fn(0, 0, () => false),
  add: fn(2, 2, args => asInt(args[0]!) + asInt(args[1]!)),
  sub: fn(2, 2, args => asInt(args[0]!) - asInt(args[1]!)),
  mul: fn(2, 2, args => asInt(args[0]!) * asInt(args[1]!)),
  div: fn(2, 2, divide),
  mod: fn(2, 2, modulo),
  int: fn(1, 1, args => toInt(args[0]!)),
  float: fn(1, 1, args => Number(args[0])),
  min: fn(1, Infinity, minMax(Math.min)),
  max: fn(1, Infinity, minMax(Math.max))
};
