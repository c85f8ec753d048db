import type { TemplateJson } from './template-file.js';

/** The scope a template deploys at: ARM reads it from the template's `$schema`. */
export type DeploymentScope = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

const SCHEMA_SCOPES: [RegExp, DeploymentScope][] = [
  [/\/subscriptionDeploymentTemplate\.json/i, 'subscription'],
  [/\/managementGroupDeploymentTemplate\.json/i, 'managementGroup'],
  [/\/tenantDeploymentTemplate\.json/i, 'tenant']
];

/** The scope `$schema` names; any other (or no) schema is a resource-group deployment, as ARM treats it. */
export function deploymentScopeOf(template: TemplateJson): DeploymentScope {
  const schema = typeof template.$schema === 'string' ? template.$schema : '';
  return SCHEMA_SCOPES.find(([pattern]) => pattern.test(schema))?.[1] ?? 'resourceGroup';
}
