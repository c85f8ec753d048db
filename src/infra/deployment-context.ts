import type { DeploymentContext } from '../arm/index.js';
import type { InfraContext } from './infra-context.js';

/**
 * What ARM's deployment functions (`subscription()`, `resourceGroup()`, `deployment()`) return for this run's
 * template deployment into `group`, for evaluating the template offline.
 */
export function templateDeploymentContext(
  { config, results }: InfraContext,
  group: { name: string; location: string }
): DeploymentContext {
  const { subscriptionId } = config.azure;
  return {
    subscriptionId,
    tenantId: results.tenantId ?? config.auth.tenantId ?? '',
    resourceGroup: {
      name: group.name,
      location: group.location,
      id: `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`
    },
    deploymentName: config.infra!.deploymentName
  };
}
