import { describe, expect, it } from '@jest/globals';
import { runningCost } from '../../src/ml/failed-deployment.js';
import type { DeploymentSpec } from '../../src/config/ml-specs.js';

const base: DeploymentSpec = { kind: 'managed', tags: {}, environmentVariables: {} };

describe('what a deployment left behind keeps running', () => {
  it('is its fixed instance count of its VM size, billed per instance-hour', () => {
    expect(runningCost({ ...base, instanceType: 'Standard_DS3_v2', instanceCount: 3 })).toBe(
      '3 × Standard_DS3_v2 (billed per instance-hour, as a virtual machine of that size)'
    );
    expect(runningCost({ ...base, instanceType: 'Standard_F2s_v2' })).toMatch(/^1 × Standard_F2s_v2 /);
  });

  it("on Kubernetes, the autoscaler's minimum, held from the cluster", () => {
    const spec: DeploymentSpec = {
      ...base,
      kind: 'kubernetes',
      instanceType: 'gpu-small',
      scaleSettings: { type: 'target_utilization', minInstances: 2, maxInstances: 5 }
    };
    expect(runningCost(spec, 'k8s-compute')).toBe(
      "2 × gpu-small of Kubernetes compute 'k8s-compute' (cluster capacity no other deployment can use)"
    );
  });
});
