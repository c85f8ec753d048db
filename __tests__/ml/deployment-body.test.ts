import { describe, expect, it } from '@jest/globals';
import { deploymentBody, onlineDeploymentName } from '../../src/ml/deployment-body.js';
import { applyMlOverrides } from '../../src/config/azml/ml-overrides.js';
import { FIXTURE_WORKSPACE } from './ml-test-files.js';

const { target } = applyMlOverrides(
  {},
  {
    workspace: 'ws',
    endpointName: 'scoring',
    modelPath: 'model/model.json',
    scoringScript: 'src/score.py',
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
    instanceType: 'Standard_DS2_v2'
  },
  FIXTURE_WORKSPACE
);
const spec = target!.deployment;
const assets = { modelId: '/m/versions/1', environmentId: '/e/versions/1', codeId: '/c/versions/1' };

describe('online deployment body and name', () => {
  it('sends what az ml sends: asset ids, scoring script relative to the code, durations in ISO 8601', () => {
    const body = deploymentBody(
      { ...spec, requestSettings: { requestTimeoutMs: 1500 }, livenessProbe: { period: 10 } },
      assets,
      'westeurope'
    );
    expect(body).toMatchObject({
      location: 'westeurope',
      sku: { name: 'Default', capacity: 1 },
      properties: {
        endpointComputeType: 'Managed',
        model: '/m/versions/1',
        environmentId: '/e/versions/1',
        codeConfiguration: { codeId: '/c/versions/1', scoringScript: 'score.py' },
        instanceType: 'Standard_DS2_v2',
        requestSettings: { requestTimeout: 'PT1.5S' },
        livenessProbe: { period: 'PT10S' }
      }
    });
  });

  it('names a deployment by what it deploys: same content, same name; any change, another name', () => {
    const name = onlineDeploymentName('blue', deploymentBody(spec, assets, 'westeurope'));
    expect(name).toMatch(/^blue-[0-9a-f]{8}$/);
    expect(onlineDeploymentName('blue', deploymentBody({ ...spec }, { ...assets }, 'westeurope'))).toBe(name);
    const newCode = deploymentBody(spec, { ...assets, codeId: '/c/versions/2' }, 'westeurope');
    expect(onlineDeploymentName('blue', newCode)).not.toBe(name);
    const moreInstances = deploymentBody({ ...spec, instanceCount: 2 }, assets, 'westeurope');
    expect(onlineDeploymentName('blue', moreInstances)).not.toBe(name);
  });

  it('keeps names within Azure rules (at most 32 characters, not ending in a hyphen)', () => {
    const name = onlineDeploymentName('a-very-long-deployment-name-', deploymentBody(spec, assets, 'x'));
    expect(name.length).toBeLessThanOrEqual(32);
    expect(name).toMatch(/^[A-Za-z][A-Za-z0-9-]{1,30}[A-Za-z0-9]$/);
    expect(onlineDeploymentName(undefined, deploymentBody(spec, assets, 'x'))).toMatch(
      /^deploy-[0-9a-f]{8}$/
    );
  });
});
