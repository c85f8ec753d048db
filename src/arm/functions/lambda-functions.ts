import type { ExpressionNode } from '../expression-parser.js';
import type { EvaluationScope } from '../scope.js';
import { isUnknown } from '../unknown.js';
import {
  ArmFunctionError,
  type ArmObject,
  type ArmValue,
  asArray,
  asBool,
  asObject,
  asString
} from '../values.js';
import { type ArmFunction, type CallContext, fn } from './types.js';

type Lambda = (...values: ArmValue[]) => ArmValue;

/** Turns a `lambda('x', 'y', body)` argument into a callable bound to the caller's scope. */
function toLambda(node: ExpressionNode | undefined, ctx: CallContext): Lambda {
  if (node?.kind !== 'call' || node.name.toLowerCase() !== 'lambda' || node.args.length < 2) {
    throw new ArmFunctionError(`${ctx.name}() needs a lambda('name', expression) argument`);
  }
  const names = node.args.slice(0, -1).map(arg => {
    if (arg.kind !== 'string') throw new ArmFunctionError('lambda parameter names must be string literals');
    return arg.value;
  });
  const body = node.args.at(-1)!;
  return (...values) => {
    const variables = new Map(ctx.scope.lambdaVariables);
    names.forEach((name, i) => variables.set(name, values[i] ?? null));
    const inner: EvaluationScope = { ...ctx.scope, lambdaVariables: variables };
    return ctx.evaluate(body, inner);
  };
}

/** Evaluates the array argument; an Unknown array makes the whole call Unknown. */
function withArray(run: (array: ArmValue[], args: ExpressionNode[], ctx: CallContext) => ArmValue) {
  return (args: ExpressionNode[], ctx: CallContext): ArmValue => {
    const array = ctx.evaluate(args[0]!);
    if (isUnknown(array)) return array;
    return run(asArray(array), args, ctx);
  };
}

function filter(array: ArmValue[], args: ExpressionNode[], ctx: CallContext): ArmValue {
  const predicate = toLambda(args[1], ctx);
  const results = array.map(item => predicate(item));
  const unknownResult = results.find(isUnknown);
  if (unknownResult) return unknownResult;
  return array.filter((_, i) => asBool(results[i]!));
}

function sort(array: ArmValue[], args: ExpressionNode[], ctx: CallContext): ArmValue {
  const less = toLambda(args[1], ctx);
  return [...array].sort((a, b) => {
    const ab = less(a, b);
    if (isUnknown(ab))
      throw new ArmFunctionError('sort() comparison depends on a value unknown before deployment');
    return ab === true ? -1 : less(b, a) === true ? 1 : 0;
  });
}

function toObject(array: ArmValue[], args: ExpressionNode[], ctx: CallContext): ArmValue {
  const key = toLambda(args[1], ctx);
  const value = args[2] ? toLambda(args[2], ctx) : (item: ArmValue) => item;
  const out: ArmObject = {};
  for (const item of array) {
    const k = key(item);
    if (isUnknown(k)) return k;
    out[asString(k, 'the key')] = value(item);
  }
  return out;
}

function groupBy(array: ArmValue[], args: ExpressionNode[], ctx: CallContext): ArmValue {
  const key = toLambda(args[1], ctx);
  const groups: ArmObject = {};
  for (const item of array) {
    const k = key(item);
    if (isUnknown(k)) return k;
    const name = asString(k, 'the group key');
    groups[name] = [...((groups[name] as ArmValue[] | undefined) ?? []), item];
  }
  return groups;
}

function mapValues(args: ExpressionNode[], ctx: CallContext): ArmValue {
  const object = ctx.evaluate(args[0]!);
  if (isUnknown(object)) return object;
  const value = toLambda(args[1], ctx);
  const out: ArmObject = {};
  for (const [k, v] of Object.entries(asObject(object))) out[k] = value(v);
  return out;
}

function lambdaVariable(args: ArmValue[], ctx: CallContext): ArmValue {
  const name = asString(args[0]!);
  const value = ctx.scope.lambdaVariables?.get(name);
  if (value === undefined) throw new ArmFunctionError(`no lambda parameter named '${name}'`);
  return value;
}

/** Lambda functions: filter, map, reduce, sort, toObject, groupBy, mapValues (and lambdaVariables for the lambda bodies). */
export const lambdaFunctions: Record<string, ArmFunction> = {
  filter: { minArgs: 2, maxArgs: 2, lazy: withArray(filter) },
  map: {
    minArgs: 2,
    maxArgs: 2,
    lazy: withArray((a, args, ctx) => a.map((x, i) => toLambda(args[1], ctx)(x, i)))
  },
  reduce: {
    minArgs: 3,
    maxArgs: 3,
    lazy: withArray((a, args, ctx) => a.reduce<ArmValue>(toLambda(args[2], ctx), ctx.evaluate(args[1]!)))
  },
  sort: { minArgs: 2, maxArgs: 2, lazy: withArray(sort) },
  toobject: { minArgs: 2, maxArgs: 3, lazy: withArray(toObject) },
  groupby: { minArgs: 2, maxArgs: 2, lazy: withArray(groupBy) },
  mapvalues: { minArgs: 2, maxArgs: 2, lazy: mapValues },
  lambdavariables: fn(1, 1, lambdaVariable)
};
