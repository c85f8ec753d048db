import { describe, expect, it } from '@jest/globals';
import { adviseCapacity } from '../../src/health/capacity.js';
import { deploymentCapacity } from '../../src/health/deployment-capacity.js';
import type { CapacitySettings } from '../../src/health/scoring-target.js';

const ONE_INSTANCE: CapacitySettings = {
  maxConcurrentRequestsPerInstance: 1,
  concurrencySource: 'request_settings.max_concurrent_requests_per_instance',
  utilization: 0.7,
  utilizationSource: 'the 70% default',
  instances: 1,
  instancesSource: 'instance_count (fixed)'
};

describe('capacity advice', () => {
  it('computes ceil(targetRps × requestTime / utilization / maxConcurrentRequestsPerInstance)', () => {
    // 20 × 0.2 / 0.7 / 1 = 5.71 → 6 instances; the deployment has 1.
    const advice = adviseCapacity(20, 200, ONE_INSTANCE);
    expect(advice).toMatchObject({ required: 6, instances: 1, sufficient: false });
    expect(advice.formula).toBe(
      'ceil(targetRps × requestTime / utilization / maxConcurrentRequestsPerInstance) = ceil(20 × 0.2 s / 0.7 / 1) = ceil(5.71) = 6'
    );
    expect(advice.inputs).toEqual([
      "targetRps = 20 (input 'target-rps')",
      'requestTime = 0.2 s (p50 of the 2xx answers the gate measured)',
      'utilization = 0.7 (the 70% default)',
      'maxConcurrentRequestsPerInstance = 1 (request_settings.max_concurrent_requests_per_instance)',
      'instances = 1 (instance_count (fixed))'
    ]);
  });

  it('does not add an instance for floating-point noise', () => {
    // 20 × 0.21 / 0.7 is 6.000000000000001 in doubles: 6 instances, not 7.
    expect(adviseCapacity(20, 210, ONE_INSTANCE).required).toBe(6);
  });

  it('divides by the requests each instance serves at once, and is satisfied by enough instances', () => {
    const advice = adviseCapacity(20, 200, {
      ...ONE_INSTANCE,
      maxConcurrentRequestsPerInstance: 4,
      instances: 2
    });
    expect(advice).toMatchObject({ required: 2, sufficient: true });
  });

  it('asks for at least one instance however light the load', () => {
    expect(adviseCapacity(0.01, 5, ONE_INSTANCE).required).toBe(1);
  });

  it("takes a Kubernetes deployment's minimum and target utilization from its scale settings", () => {
    const settings = deploymentCapacity({
      kind: 'kubernetes',
      tags: {},
      environmentVariables: {},
      requestSettings: { maxConcurrentRequestsPerInstance: 2 },
      scaleSettings: {
        type: 'target_utilization',
        minInstances: 3,
        maxInstances: 9,
        targetUtilizationPercentage: 50
      }
    });
    expect(settings).toMatchObject({ maxConcurrentRequestsPerInstance: 2, utilization: 0.5, instances: 3 });
    expect(adviseCapacity(20, 200, settings).required).toBe(4);
  });

  it('uses the fixed instance count and the 70% default otherwise', () => {
    const settings = deploymentCapacity({
      kind: 'managed',
      tags: {},
      environmentVariables: {},
      instanceCount: 2
    });
    expect(settings).toMatchObject({ maxConcurrentRequestsPerInstance: 1, utilization: 0.7, instances: 2 });
    expect(settings.instancesSource).toBe('instance_count (fixed)');
  });
});
