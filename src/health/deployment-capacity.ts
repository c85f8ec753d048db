import type { DeploymentSpec } from '../config/ml-specs.js';
import type { CapacitySettings } from './scoring-target.js';

/** Azure's default target utilization when a deployment does not set one. */
export const DEFAULT_UTILIZATION = 0.7;

/**
 * The capacity settings of a deployment as deployed: requests per instance from `request_settings`, and from
 * `scale_settings` either the Kubernetes autoscaler's minimum and target utilization, or the fixed
 * `instance_count` with Azure's 70% default.
 */
export function deploymentCapacity(spec: DeploymentSpec): CapacitySettings {
  const perInstance = spec.requestSettings?.maxConcurrentRequestsPerInstance;
  const concurrency = {
    maxConcurrentRequestsPerInstance: perInstance ?? 1,
    concurrencySource:
      perInstance !== undefined
        ? 'request_settings.max_concurrent_requests_per_instance'
        : 'request_settings.max_concurrent_requests_per_instance not set: 1'
  };
  const scale = spec.scaleSettings;
  if (scale?.type === 'target_utilization') {
    const percent = scale.targetUtilizationPercentage;
    return {
      ...concurrency,
      utilization: percent !== undefined ? percent / 100 : DEFAULT_UTILIZATION,
      utilizationSource:
        percent !== undefined
          ? 'scale_settings.target_utilization_percentage'
          : 'scale_settings.target_utilization_percentage not set: 70%',
      instances: scale.minInstances ?? 1,
      instancesSource:
        scale.minInstances !== undefined
          ? 'scale_settings.min_instances'
          : 'scale_settings.min_instances not set: 1'
    };
  }
  return {
    ...concurrency,
    utilization: DEFAULT_UTILIZATION,
    utilizationSource: 'no target utilization set: the 70% default',
    instances: spec.instanceCount ?? 1,
    instancesSource: spec.instanceCount !== undefined ? 'instance_count (fixed)' : 'instance_count not set: 1'
  };
}
