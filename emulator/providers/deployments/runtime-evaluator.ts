import { randomUUID } from 'node:crypto';
import { isCopyArray } from '../../../src/arm/copy-loop.js';
import { evaluateCopyCount, findFunction } from '../../../src/arm/evaluator.js';
import { TemplateExpressionError } from '../../../src/arm/errors.js';
import {
  type ExpressionNode,
  isExpressionString,
  literalString,
  parseExpression
} from '../../../src/arm/expression-parser.js';
import type { ArmFunction } from '../../../src/arm/functions/types.js';
import { listFunction, unknowableFunctions } from '../../../src/arm/functions/unknowable-functions.js';
import { type EvaluationScope, withCopyIndex } from '../../../src/arm/scope.js';
import { findUnknowns, isUnknown, mergeUnknowns, Unknown } from '../../../src/arm/unknown.js';
import { ArmFunctionError, type ArmValue, getProperty, isObject, typeName } from '../../../src/arm/values.js';

/**
 * What only a running deployment knows. The template engine (src/arm) answers these functions with Unknown
 * and has no hook to plug values in, so the stand-in evaluates expressions here: the engine's parser and
 * function table, with reference(), list*(), utcNow() and newGuid() answered from the resource store.
 */
export interface RuntimeFunctions {
  /** reference(resourceIdOrName, [apiVersion], ['Full']); Unknown when not knowable yet (what-if). */
  reference(args: ArmValue[]): ArmValue;
  /** listKeys(), listSecrets(), … with the name as written. */
  list(name: string, args: ArmValue[]): ArmValue;
}

type Evaluate = (node: ExpressionNode, scope: EvaluationScope) => ArmValue;

/** Evaluates every expression in a JSON value as a running deployment does. */
export function evaluateAtRuntime(
  value: unknown,
  scope: EvaluationScope,
  runtime: RuntimeFunctions
): ArmValue {
  const evaluator = new RuntimeEvaluator(runtime);
  return evaluator.json(value, evaluator.scope(scope));
}

// Variables are evaluated lazily and once per template instance (its parameters object) and runtime.
const variableReaders = new WeakMap<RuntimeFunctions, WeakMap<object, (name: string) => ArmValue>>();

class RuntimeEvaluator {
  constructor(private readonly runtime: RuntimeFunctions) {}

  /** The scope with variables re-read through this evaluator (the engine's would answer reference() Unknown). */
  scope(scope: EvaluationScope): EvaluationScope {
    return { ...scope, variable: this.#variables(scope) };
  }

  json(value: unknown, scope: EvaluationScope): ArmValue {
    if (typeof value === 'string') return this.string(value, scope);
    if (Array.isArray(value)) return value.map(item => this.json(item, scope));
    if (value === null || typeof value !== 'object') return value as ArmValue;
    const out: Record<string, ArmValue> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === 'copy' && isCopyArray(item)) {
        for (const spec of item) out[spec.name] = this.#copyArray(spec, scope);
        continue;
      }
      const evaluatedKey = this.string(key, scope);
      out[typeof evaluatedKey === 'string' ? evaluatedKey : key] = this.json(item, scope);
    }
    return out;
  }

  string(text: string, scope: EvaluationScope): ArmValue {
    if (!isExpressionString(text)) return literalString(text);
    return this.node(parseExpression(text), scope, text);
  }

  node(node: ExpressionNode, scope: EvaluationScope, text: string): ArmValue {
    switch (node.kind) {
      case 'string':
      case 'number':
        return node.value;
      case 'property':
        return access(this.node(node.target, scope, text), node.name, node.position, text);
      case 'index':
        return access(
          this.node(node.target, scope, text),
          this.node(node.index, scope, text),
          node.position,
          text
        );
      case 'call':
        return this.#call(node, scope, text);
    }
  }

  #call(node: Extract<ExpressionNode, { kind: 'call' }>, scope: EvaluationScope, text: string): ArmValue {
    const fn = findFunction(node.name, scope);
    if (!fn) throw new TemplateExpressionError(`Unknown function '${node.name}'`, text, node.position);
    checkArity(fn, node, text);
    const evaluate: Evaluate = (arg, inner) => this.node(arg, inner, text);
    try {
      if (fn.lazy)
        return fn.lazy(node.args, { scope, name: node.name, evaluate: (a, s = scope) => evaluate(a, s) });
      const args = node.args.map(arg => evaluate(arg, scope));
      const runtime = this.#runtimeCall(fn, node.name, args);
      if (runtime !== undefined) return runtime;
      const unknowns = fn.unknowns === 'shallow' ? args.filter(isUnknown) : findUnknowns(args);
      if (unknowns.length > 0 && fn.unknowns !== 'handled') return mergeUnknowns(unknowns);
      return fn.call!(args, { scope, name: node.name, evaluate: (a, s = scope) => evaluate(a, s) });
    } catch (error) {
      if (error instanceof TemplateExpressionError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new TemplateExpressionError(`${node.name}(): ${message}`, text, node.position);
    }
  }

  /** The functions the engine leaves Unknown; undefined for every other function. */
  #runtimeCall(fn: ArmFunction, name: string, args: ArmValue[]): ArmValue | undefined {
    const isRuntime =
      fn === unknowableFunctions.reference ||
      fn === listFunction ||
      fn === unknowableFunctions.utcnow ||
      fn === unknowableFunctions.newguid;
    if (!isRuntime) return undefined;
    const unknowns = findUnknowns(args);
    if (unknowns.length > 0) return mergeUnknowns(unknowns);
    if (fn === unknowableFunctions.reference) return this.runtime.reference(args);
    if (fn === listFunction) return this.runtime.list(name, args);
    if (fn === unknowableFunctions.newguid) return randomUUID();
    return utcNow(typeof args[0] === 'string' ? args[0] : undefined);
  }

  #copyArray(spec: { name: string; count: unknown; input: unknown }, scope: EvaluationScope): ArmValue {
    const count = evaluateCopyCount(
      typeof spec.count === 'string' ? this.string(spec.count, scope) : spec.count,
      scope
    );
    if (isUnknown(count)) return count;
    return Array.from({ length: count }, (_, i) => this.json(spec.input, withCopyIndex(scope, spec.name, i)));
  }

  #variables(scope: EvaluationScope): (name: string) => ArmValue {
    let byTemplate = variableReaders.get(this.runtime);
    if (!byTemplate) variableReaders.set(this.runtime, (byTemplate = new WeakMap()));
    const existing = byTemplate.get(scope.parameters);
    if (existing) return existing;
    const reader = this.#variableReader(scope);
    byTemplate.set(scope.parameters, reader);
    return reader;
  }

  #variableReader(scope: EvaluationScope): (name: string) => ArmValue {
    const definitions = new Map<string, () => ArmValue>();
    const declared = ((scope.template ?? {}) as { variables?: Record<string, unknown> }).variables ?? {};
    const variableScope = (): EvaluationScope => ({
      ...scope,
      copyIndices: new Map(),
      lambdaVariables: undefined,
      variable: read
    });
    for (const [name, definition] of Object.entries(declared)) {
      if (name === 'copy' && isCopyArray(definition)) {
        for (const spec of definition)
          definitions.set(spec.name.toLowerCase(), () => this.#copyArray(spec, variableScope()));
      } else {
        definitions.set(name.toLowerCase(), () => this.json(definition, variableScope()));
      }
    }
    const values = new Map<string, ArmValue>();
    const evaluating = new Set<string>();
    function read(requested: string): ArmValue {
      const key = requested.toLowerCase();
      const definition = definitions.get(key);
      if (!definition) throw new ArmFunctionError(`the variable '${requested}' is not defined`);
      if (values.has(key)) return values.get(key)!;
      if (evaluating.has(key)) throw new ArmFunctionError(`the variable '${requested}' refers to itself`);
      evaluating.add(key);
      try {
        const value = definition();
        values.set(key, value);
        return value;
      } finally {
        evaluating.delete(key);
      }
    }
    return read;
  }
}

function checkArity(fn: ArmFunction, node: Extract<ExpressionNode, { kind: 'call' }>, text: string): void {
  const count = node.args.length;
  if (count >= (fn.minArgs ?? 0) && count <= (fn.maxArgs ?? Infinity)) return;
  const range = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs ?? 0}..${fn.maxArgs ?? 'n'}`;
  throw new TemplateExpressionError(
    `${node.name}() takes ${range} arguments, got ${count}`,
    text,
    node.position
  );
}

function access(target: ArmValue, key: ArmValue, position: number, text: string): ArmValue {
  if (target instanceof Unknown) return target;
  if (key instanceof Unknown) return key;
  if (Array.isArray(target) && typeof key === 'number' && Number.isInteger(key)) {
    if (key >= 0 && key < target.length) return target[key]!;
    throw new TemplateExpressionError(
      `Index ${key} is outside the array of ${target.length}`,
      text,
      position
    );
  }
  if (isObject(target) && typeof key === 'string') {
    const value = getProperty(target, key);
    if (value !== undefined) return value;
    const known = Object.keys(target).join(', ');
    throw new TemplateExpressionError(`Property '${key}' doesn't exist (has: ${known})`, text, position);
  }
  throw new TemplateExpressionError(`Cannot access [${String(key)}] on ${typeName(target)}`, text, position);
}

/** utcNow([format]): ARM's default format is `yyyyMMddTHHmmssZ`; `u` and `s` are the common others. */
function utcNow(format: string | undefined): string {
  const iso = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (format === undefined) return iso.replace(/[-:]/g, '');
  if (format === 'u') return iso.replace('T', ' ');
  if (format === 's') return iso.slice(0, -1);
  return iso;
}
