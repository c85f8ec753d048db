import { type CopyArraySpec, isCopyArray, MAX_COPY_COUNT } from './copy-loop.js';
import { TemplateExpressionError } from './errors.js';
import {
  type ExpressionNode,
  isExpressionString,
  literalString,
  parseExpression
} from './expression-parser.js';
import { lookupFunction } from './functions/registry.js';
import type { ArmFunction } from './functions/types.js';
import { lookupUserFunction } from './functions/user-functions.js';
import { type EvaluationScope, withCopyIndex } from './scope.js';
import { findUnknowns, isUnknown, mergeUnknowns, Unknown, unknown } from './unknown.js';
import { ArmFunctionError, type ArmValue, getProperty, isObject, typeName } from './values.js';

/** Evaluates one JSON string: expressions are evaluated, `[[` literals unescaped, other strings returned. */
export function evaluateString(text: string, scope: EvaluationScope): ArmValue {
  if (!isExpressionString(text)) return literalString(text);
  return evaluateNode(parseExpression(text), scope, text);
}

/** Evaluates every expression inside a JSON value (objects and arrays are walked; keys may be expressions). */
export function evaluateJson(value: unknown, scope: EvaluationScope): ArmValue {
  if (typeof value === 'string') return evaluateString(value, scope);
  if (Array.isArray(value)) return value.map(item => evaluateJson(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, ArmValue> = {};
    for (const [key, item] of Object.entries(value)) {
      // Property-level copy: `"copy": [{ name, count, input }]` becomes one array property per entry.
      if (key === 'copy' && isCopyArray(item)) {
        for (const spec of item) out[spec.name] = expandCopyArray(spec, scope);
        continue;
      }
      const evaluatedKey = evaluateString(key, scope);
      out[typeof evaluatedKey === 'string' ? evaluatedKey : key] = evaluateJson(item, scope);
    }
    return out;
  }
  return value as ArmValue;
}

/**
 * A node whose operands are being evaluated: `values` holds those done so far, in order; `step` says which
 * operand comes next, or the node's value.
 */
interface PendingNode {
  values: ArmValue[];
  step(values: readonly ArmValue[]): { next: ExpressionNode } | { value: ArmValue };
}

/**
 * Evaluates a parsed expression; `text` is the expression source, used in error messages. Operands are
 * evaluated with an explicit stack rather than recursion, so that any nesting ARM accepts (see
 * MAX_EXPRESSION_LENGTH) evaluates, if() and and()/or() included; only lambdas (map(), filter()…) evaluate
 * their bodies through a nested call.
 */
export function evaluateNode(root: ExpressionNode, scope: EvaluationScope, text: string): ArmValue {
  const pending: PendingNode[] = [];
  let next: ExpressionNode | undefined = root;
  let value: ArmValue = null;
  for (;;) {
    if (next) {
      const started = start(next, scope, text);
      if ('value' in started) value = started.value;
      else {
        pending.push(started.pending);
        next = started.next;
        continue;
      }
    }
    const top = pending.at(-1);
    if (!top) return value;
    top.values.push(value);
    const step = top.step(top.values);
    if ('next' in step) {
      next = step.next;
      continue;
    }
    pending.pop();
    next = undefined;
    value = step.value;
  }
}

type CallNode = Extract<ExpressionNode, { kind: 'call' }>;
type Started = { value: ArmValue } | { pending: PendingNode; next: ExpressionNode };

/** The value of `node` when it needs no operand, else its pending state and first operand. */
function start(node: ExpressionNode, scope: EvaluationScope, text: string): Started {
  switch (node.kind) {
    case 'string':
    case 'number':
      return { value: node.value };
    case 'property':
      return begin(([target]) =>
        target === undefined
          ? { next: node.target }
          : { value: access(target, node.name, node.position, text) }
      );
    case 'index':
      return begin(([target, index]) =>
        target === undefined
          ? { next: node.target }
          : index === undefined
            ? { next: node.index }
            : { value: access(target, index, node.position, text) }
      );
    case 'call':
      return startCall(node, scope, text);
  }
}

function startCall(node: CallNode, scope: EvaluationScope, text: string): Started {
  const fn = checkedFunction(node, scope, text);
  const stepwise = fn.stepwise;
  if (stepwise) {
    return begin(values => {
      const chosen = named(node, text, () => stepwise(values, node.args.length));
      return 'next' in chosen ? { next: node.args[chosen.next]! } : chosen;
    });
  }
  if (fn.lazy) {
    const evalArg = (arg: ExpressionNode, inner: EvaluationScope = scope) => evaluateNode(arg, inner, text);
    return {
      value: named(node, text, () => fn.lazy!(node.args, { scope, name: node.name, evaluate: evalArg }))
    };
  }
  return begin(values =>
    values.length < node.args.length
      ? { next: node.args[values.length]! }
      : { value: callWith(node, fn, [...values], scope, text) }
  );
}

/** Runs a node's first step: its value at once, or the pending node and its first operand. */
function begin(step: PendingNode['step']): Started {
  const first = step([]);
  return 'next' in first ? { pending: { values: [], step }, next: first.next } : first;
}

function checkedFunction(node: CallNode, scope: EvaluationScope, text: string): ArmFunction {
  const fn = findFunction(node.name, scope);
  if (!fn) throw new TemplateExpressionError(`Unknown function '${node.name}'`, text, node.position);
  const count = node.args.length;
  if (count < (fn.minArgs ?? 0) || count > (fn.maxArgs ?? Infinity)) {
    const range = fn.minArgs === fn.maxArgs ? `${fn.minArgs}` : `${fn.minArgs ?? 0}..${fn.maxArgs ?? 'n'}`;
    throw new TemplateExpressionError(
      `${node.name}() takes ${range} arguments, got ${count}`,
      text,
      node.position
    );
  }
  return fn;
}

function callWith(
  node: CallNode,
  fn: ArmFunction,
  args: ArmValue[],
  scope: EvaluationScope,
  text: string
): ArmValue {
  const evalArg = (arg: ExpressionNode, inner: EvaluationScope = scope) => evaluateNode(arg, inner, text);
  const unknowns = fn.unknowns === 'shallow' ? args.filter(isUnknown) : findUnknowns(args);
  if (unknowns.length > 0 && fn.unknowns !== 'handled') return mergeUnknowns(unknowns);
  return named(node, text, () => fn.call!(args, { scope, name: node.name, evaluate: evalArg }));
}

/** A function's own failure, as a TemplateExpressionError naming the function and its position. */
function named<T>(node: CallNode, text: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (error instanceof TemplateExpressionError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new TemplateExpressionError(`${node.name}(): ${message}`, text, node.position);
  }
}

function access(target: ArmValue, key: ArmValue, position: number, text: string): ArmValue {
  if (target instanceof Unknown) return target;
  if (key instanceof Unknown) return key;
  if (Array.isArray(target) && typeof key === 'number') {
    if (key < 0 || key >= target.length || !Number.isInteger(key)) {
      throw new TemplateExpressionError(
        `Index ${key} is outside the array of ${target.length}`,
        text,
        position
      );
    }
    return target[key]!;
  }
  if (isObject(target) && typeof key === 'string') {
    const value = getProperty(target, key);
    if (value === undefined) {
      const known = Object.keys(target).join(', ');
      throw new TemplateExpressionError(`Property '${key}' doesn't exist (has: ${known})`, text, position);
    }
    return value;
  }
  throw new TemplateExpressionError(`Cannot access [${String(key)}] on ${typeName(target)}`, text, position);
}

export { ArmFunctionError };

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

/** Expands one `{ name, count, input }` into its array; `copyIndex('name')` sees each index. */
export function expandCopyArray(spec: CopyArraySpec, scope: EvaluationScope): ArmValue {
  const count = evaluateCopyCount(spec.count, scope);
  if (isUnknown(count)) return unknown(`the count of copy '${spec.name}' is unknown: ${count.reason}`);
  return Array.from({ length: count }, (_, i) =>
    evaluateJson(spec.input, withCopyIndex(scope, spec.name, i))
  );
}

/** A function by name: the template's own user-defined functions first (`namespace.member`), then ARM's. */
export function findFunction(name: string, scope: EvaluationScope): ArmFunction | undefined {
  return lookupUserFunction(name, scope, evaluateJson) ?? lookupFunction(name);
}
