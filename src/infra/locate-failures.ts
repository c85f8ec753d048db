import type { FailedOperation } from './arm-deployment.js';
import type { FailedResourceReport } from './infra-result.js';
import type { InfraPlan } from './plan-infra.js';

/** Finds each failed resource's declaration in the template, so the failure can be annotated on its line. */
export function locateFailures(
  operations: readonly FailedOperation[],
  plan: InfraPlan
): FailedResourceReport[] {
  return operations.map(operation => {
    const declaration = plan.walk.resources.find(
      resource =>
        resource.type.toLowerCase() === operation.resourceType.toLowerCase() &&
        typeof resource.name === 'string' &&
        resource.name.toLowerCase() === operation.resourceName.toLowerCase()
    );
    return {
      resourceType: operation.resourceType,
      resourceName: operation.resourceName,
      code: operation.error.code,
      message: operation.error.message,
      ...(declaration ? { file: declaration.source.file, line: declaration.source.line } : {})
    };
  });
}
