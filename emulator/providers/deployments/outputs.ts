import { type ArmValue, findUnknowns } from '../../../src/arm/index.js';
import { withCopyIndex } from '../../../src/arm/scope.js';
import type { ArmErrorDetail } from '../../http-result.js';
import { armExpressionMessage } from './deployment-errors.js';
import type { DeploymentPlan } from './deployment-plan.js';
import { typedValues } from './deployment-record.js';
import { evaluateAtRuntime, type RuntimeFunctions } from './runtime-evaluator.js';

interface OutputDefinition {
  type?: string;
  condition?: unknown;
  value?: unknown;
  copy?: { count?: unknown; input?: unknown };
}

function evaluateOutput(definition: OutputDefinition, plan: DeploymentPlan, runtime: RuntimeFunctions) {
  if (
    definition.condition !== undefined &&
    evaluateAtRuntime(definition.condition, plan.scope, runtime) === false
  ) {
    return undefined;
  }
  if (definition.copy) {
    const count = evaluateAtRuntime(definition.copy.count, plan.scope, runtime);
    if (typeof count !== 'number') throw new Error('the output copy count is not a number');
    return Array.from({ length: count }, (_, i) =>
      evaluateAtRuntime(definition.copy!.input, withCopyIndex(plan.scope, '', i), runtime)
    );
  }
  return evaluateAtRuntime(definition.value, plan.scope, runtime);
}

/**
 * Evaluates the template's outputs once every resource is deployed (reference() reads the store). ARM
 * fails the deployment with `DeploymentOutputEvaluationFailed` when one cannot be evaluated.
 */
export function evaluateOutputs(
  plan: DeploymentPlan,
  runtime: RuntimeFunctions
): { values: Record<string, unknown> } | { error: ArmErrorDetail } {
  const definitions = (plan.template.json.outputs ?? {}) as Record<string, OutputDefinition>;
  const values: Record<string, ArmValue> = {};
  const failures: ArmErrorDetail[] = [];
  for (const [name, definition] of Object.entries(definitions)) {
    try {
      const value = evaluateOutput(definition, plan, runtime);
      if (value === undefined) continue;
      const unknowns = findUnknowns(value);
      if (unknowns.length > 0) throw new Error(unknowns[0]!.reason);
      values[name] = value;
    } catch (error) {
      const message = armExpressionMessage((error as Error).message);
      failures.push({
        code: 'DeploymentOutputEvaluationFailed',
        message: `The template output '${name}' is not valid: ${message}.`
      });
    }
  }
  if (failures.length === 0) return { values: typedValues(definitions, values) };
  return {
    error: {
      code: 'DeploymentOutputEvaluationFailed',
      message:
        `Unable to evaluate template outputs: '${failures.map(f => /'([^']+)'/.exec(f.message)?.[1]).join(', ')}'. ` +
        'Please see error details and deployment operations. Please see https://aka.ms/arm-common-errors for usage details.',
      details: failures
    }
  };
}
