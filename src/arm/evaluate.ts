import { evaluateJson } from './evaluator.js';
import type { EvaluationScope } from './scope.js';
import type { ArmValue } from './values.js';

/**
 * Evaluates an expression string (`"[concat('a', 'b')]"`) or any JSON value containing expressions.
 * Throws TemplateExpressionError for invalid expressions; unknowable parts come back as Unknown.
 */
export function evaluate(expressionOrJson: unknown, scope: EvaluationScope): ArmValue {
  return evaluateJson(expressionOrJson, scope);
}
