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
  /**
   * For functions that pick their arguments (if(), and(), or()): from the values of the arguments evaluated
   * so far, which argument to evaluate next, or the result. The evaluator drives it with its own stack, so a
   * deep nesting of if() needs no deep recursion; `lazy` is derived from it for other callers.
   */
  stepwise?(evaluated: readonly ArmValue[], argumentCount: number): ArgumentStep;
}

/** The next argument to evaluate (its index), or the function's result. */
export type ArgumentStep = { next: number } | { value: ArmValue };

/** A function that picks its arguments one by one; `lazy` evaluates them through the context. */
export function stepwiseFunction(
  minArgs: number,
  maxArgs: number,
  stepwise: (evaluated: readonly ArmValue[], argumentCount: number) => ArgumentStep
): ArmFunction {
  return {
    minArgs,
    maxArgs,
    stepwise,
    lazy: (args, ctx) => {
      const evaluated: ArmValue[] = [];
      for (;;) {
        const step = stepwise(evaluated, args.length);
        if ('value' in step) return step.value;
        evaluated.push(ctx.evaluate(args[step.next]!));
      }
    }
  };
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
