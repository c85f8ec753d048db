import { deploymentErrors } from './deployment-errors.js';
import type { DeploymentInput, DeploymentPlan, PlannedResource } from './deployment-plan.js';

function resourceGroupOf(id: string): string {
  return decodeURIComponent(/\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '');
}

/**
 * The request a `Microsoft.Resources/deployments` resource makes, from its evaluated body. `inner` scope
 * passes the evaluated `parameters`; `outer` (ARM's default) evaluates the nested template with the parent's
 * parameters and variables, which the stand-in does by handing both to the nested deployment.
 */
export function nestedDeploymentInput(
  parent: DeploymentPlan,
  resource: PlannedResource,
  body: Record<string, unknown>
): DeploymentInput {
  const properties = (body.properties ?? {}) as Record<string, unknown>;
  const template = properties.template;
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw deploymentErrors.linkedTemplate(resource.name, parent.input.name);
  }
  const options = properties.expressionEvaluationOptions as { scope?: unknown } | undefined;
  const inner = String(options?.scope ?? 'outer').toLowerCase() === 'inner';
  const common = {
    subscriptionId: parent.input.subscriptionId,
    resourceGroup: resourceGroupOf(resource.id) || parent.input.resourceGroup,
    name: resource.name,
    mode:
      String(properties.mode).toLowerCase() === 'complete' ? ('Complete' as const) : ('Incremental' as const)
  };
  if (inner) {
    const parameters = (properties.parameters ?? {}) as Record<string, unknown>;
    return { ...common, template: template as Record<string, unknown>, parameters };
  }
  const { parameters: declared, variables } = parent.template.json;
  return {
    ...common,
    template: {
      ...(template as Record<string, unknown>),
      parameters: declared ?? {},
      variables: variables ?? {}
    },
    parameters: Object.fromEntries(
      Object.entries(parent.parameters).map(([name, value]) => [name, { value }])
    )
  };
}
