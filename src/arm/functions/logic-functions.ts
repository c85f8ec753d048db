import type { ExpressionNode } from '../expression-parser.js';
import { isUnknown, mergeUnknowns, type Unknown } from '../unknown.js';
import { ArmFunctionError, armEquals, type ArmValue, asBool, asInt, asNumber, typeName } from '../values.js';
import { type ArmFunction, type CallContext, fn } from './types.js';

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
function lazyIf(args: ExpressionNode[], ctx: CallContext): ArmValue {
  const condition = ctx.evaluate(args[0]!);
  if (isUnknown(condition)) return condition;
  return ctx.evaluate(asBool(condition, 'the condition') ? args[1]! : args[2]!);
}

/** and()/or() stop at the first deciding argument, so and(false, reference(...)) is known. */
function shortCircuit(decisive: boolean) {
  return (args: ExpressionNode[], ctx: CallContext): ArmValue => {
    const unknowns: Unknown[] = [];
    for (const arg of args) {
      const value = ctx.evaluate(arg);
      if (isUnknown(value)) unknowns.push(value);
      else if (asBool(value) === decisive) return decisive;
    }
    return unknowns.length > 0 ? mergeUnknowns(unknowns) : !decisive;
  };
}

function toInt(value: ArmValue): number {
  if (typeof value === 'string' && /^\s*[-+]?\d+\s*$/.test(value)) return Number(value);
  if (typeof value === 'number') return Math.trunc(value);
  throw new ArmFunctionError(`cannot convert ${JSON.stringify(value)} to an integer`);
}

function toBool(value: ArmValue): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  throw new ArmFunctionError(`cannot convert ${JSON.stringify(value)} to a boolean`);
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
  if: { minArgs: 3, maxArgs: 3, lazy: lazyIf },
  and: { minArgs: 1, maxArgs: Infinity, lazy: shortCircuit(false) },
  or: { minArgs: 1, maxArgs: Infinity, lazy: shortCircuit(true) },
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
