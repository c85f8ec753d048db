import type { ExpressionNode } from '../expression-parser.js';
import type { EvaluationScope } from '../scope.js';
import type { ArmValue } from '../values.js';

/** What a function implementation gets besides its arguments. */
export interface CallContext {
  scope: EvaluationScope;
  /** The name as written in the template. */
  name: string;
  /** Evaluates an argument node, optionally in another scope (lambdas). */
  evaluate(node: ExpressionNode, scope?: EvaluationScope): ArmValue;
}

/**
 * One template function. `call` receives evaluated arguments; `lazy` receives the argument nodes (if(), and(),
 * lambdas) so only the arguments that matter are evaluated.
 * `unknowns` says how Unknown arguments propagate: 'deep' (default: any Unknown anywhere makes the result
 * Unknown), 'shallow' (only a top-level Unknown argument does; arrays may carry Unknown items), 'handled'.
 */
export interface ArmFunction {
  minArgs?: number;
  maxArgs?: number;
  unknowns?: 'deep' | 'shallow' | 'handled';
  call?(args: ArmValue[], ctx: CallContext): ArmValue;
  lazy?(args: ExpressionNode[], ctx: CallContext): ArmValue;
}

/** Shorthand for a function with a fixed arity range. */
export function fn(
  minArgs: number,
  maxArgs: number,
  call: (args: ArmValue[], ctx: CallContext) => ArmValue,
  unknowns: ArmFunction['unknowns'] = 'deep'
): ArmFunction {
  return { minArgs, maxArgs, call, unknowns };
}
