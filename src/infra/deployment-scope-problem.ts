import { deploymentScopeOf, type DeploymentScope } from '../arm/index.js';
import type { InfraConfig } from '../config/infra-config.js';
import type { ConfigurationProblem } from '../run/errors.js';

const SCOPE_NAMES: Record<Exclude<DeploymentScope, 'resourceGroup'>, [name: string, command: string]> = {
  subscription: ['subscription', 'az deployment sub create'],
  managementGroup: ['management-group', 'az deployment mg create'],
  tenant: ['tenant', 'az deployment tenant create']
};

/**
 * The action deploys to one resource group. A template whose `$schema` asks for a subscription,
 * management-group or tenant deployment would be rejected by ARM at resource-group scope, so it is refused
 * here as what it is — a scope the action does not deploy at yet — rather than by the first symptom
 * (`deployment().location` exists only at those scopes).
 */
export function deploymentScopeProblem(infra: InfraConfig): ConfigurationProblem | undefined {
  const scope = deploymentScopeOf(infra.template.json);
  if (scope === 'resourceGroup') return undefined;
  const [name, command] = SCOPE_NAMES[scope];
  return {
    file: infra.templateFile.displayPath,
    line: infra.template.document.locate(['$schema']).line,
    message: `This template deploys at ${name} scope (its $schema is ${infra.template.json.$schema}); the action deploys templates to a resource group only, and ${name}-scope deployments are not supported yet.`,
    fix: `Deploy it with '${command}' in a step before this one, or use a resource-group template (deploymentTemplate.json schema).`
  };
}
