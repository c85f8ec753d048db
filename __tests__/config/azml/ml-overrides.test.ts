import { describe, expect, it } from '@jest/globals';
import { applyMlOverrides, type MlInputOverrides } from '../../../src/config/azml/ml-overrides.js';
import { parseDeploymentYaml, parseEndpointYaml } from '../../../src/config/azml/ml-yaml.js';
import type { DeploymentSpec, EndpointSpec } from '../../../src/config/ml-specs.js';
import { FIXTURE_WORKSPACE, mlFile } from '../../ml/ml-test-files.js';

function fixtureFiles(kind: 'managed' | 'kubernetes'): {
  endpoint: EndpointSpec;
  deployment: DeploymentSpec;
} {
  const endpoint = parseEndpointYaml(
    mlFile(FIXTURE_WORKSPACE, `deploy/${kind}/endpoint.yml`),
    FIXTURE_WORKSPACE
  ).spec!;
  const deployment = parseDeploymentYaml(
    mlFile(FIXTURE_WORKSPACE, `deploy/${kind}/deployment.yml`),
    FIXTURE_WORKSPACE
  ).spec!;
  return { endpoint, deployment };
}

const INPUTS_ONLY: MlInputOverrides = {
  workspace: 'ml-ws',
  endpointName: 'scoring',
  modelPath: 'model/model.json',
  scoringScript: 'src/score.py',
  condaFile: 'env/conda.yml',
  image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
  instanceType: 'Standard_DS2_v2'
};

describe('inputs override the az ml files', () => {
  it('builds a complete managed deployment from inputs alone', () => {
    const { target, problems } = applyMlOverrides({}, INPUTS_ONLY, FIXTURE_WORKSPACE);
    expect(problems).toEqual([]);
    expect(target).toMatchObject({
      workspace: 'ml-ws',
      endpoint: { kind: 'managed', name: 'scoring', authMode: 'key', tags: {} },
      deployment: {
        kind: 'managed',
        endpointName: 'scoring',
        instanceType: 'Standard_DS2_v2',
        model: {
          kind: 'local',
          type: 'custom_model',
          path: { displayPath: 'model/model.json', isDirectory: false }
        },
        codeConfiguration: { code: { displayPath: 'src', isDirectory: true }, scoringScript: 'score.py' },
        environment: { kind: 'inline', image: INPUTS_ONLY.image, condaFile: { displayPath: 'env/conda.yml' } }
      }
    });
    expect(target!.deployment.name).toBeUndefined();
  });

  it('lets inputs win over file fields and keeps the rest of the files', () => {
    const { target, problems } = applyMlOverrides(
      fixtureFiles('managed'),
      {
        workspace: 'ml-ws',
        endpointName: 'renamed',
        instanceCount: 5,
        instanceType: 'Standard_F4s_v2',
        modelPath: 'model/model.json'
      },
      FIXTURE_WORKSPACE
    );
    expect(problems).toEqual([]);
    expect(target!.endpoint).toMatchObject({ name: 'renamed', description: 'Scores loan applications.' });
    expect(target!.deployment).toMatchObject({
      name: 'blue',
      endpointName: 'renamed',
      instanceCount: 5,
      instanceType: 'Standard_F4s_v2',
      // The file's model name stays with the new path.
      model: { kind: 'local', name: 'loan-model', path: { displayPath: 'model/model.json' } },
      requestSettings: { maxConcurrentRequestsPerInstance: 4 }
    });
  });

  it('takes model-name as a name for the uploaded model, or as a registered model reference', () => {
    const named = applyMlOverrides(
      fixtureFiles('managed'),
      { workspace: 'w', modelName: 'credit' },
      FIXTURE_WORKSPACE
    );
    expect(named.target!.deployment.model).toMatchObject({
      kind: 'local',
      name: 'credit',
      path: { displayPath: 'model' }
    });
    const registered = applyMlOverrides(
      fixtureFiles('managed'),
      { workspace: 'w', modelName: 'azureml:credit:7' },
      FIXTURE_WORKSPACE
    );
    expect(registered.target!.deployment.model).toEqual({
      kind: 'registered',
      reference: 'azureml:credit:7',
      name: 'credit',
      version: '7'
    });
  });

  it('replaces a registered environment with an inline one, and the code folder and script', () => {
    const { target, problems } = applyMlOverrides(
      fixtureFiles('kubernetes'),
      { workspace: 'w', image: 'python:3.11-slim', codePath: '.', scoringScript: 'src/score.py' },
      FIXTURE_WORKSPACE
    );
    expect(problems).toEqual([]);
    expect(target!.deployment.environment).toEqual({ kind: 'inline', image: 'python:3.11-slim' });
    expect(target!.deployment.codeConfiguration).toMatchObject({
      code: { displayPath: '.' },
      scoringScript: 'src/score.py'
    });
    expect(target!.endpoint).toMatchObject({ kind: 'kubernetes', compute: 'k8s-compute' });
  });

  it('makes the endpoint a Kubernetes one with compute', () => {
    const { target, problems } = applyMlOverrides(
      {},
      { ...INPUTS_ONLY, compute: 'azureml:aks-cpu', instanceType: undefined },
      FIXTURE_WORKSPACE
    );
    expect(problems).toEqual([]);
    expect(target!.endpoint).toMatchObject({ kind: 'kubernetes', compute: 'aks-cpu' });
    expect(target!.deployment.kind).toBe('kubernetes');
  });
});

describe('override problems name the input', () => {
  it('reports everything missing at once', () => {
    const { target, problems } = applyMlOverrides({}, {}, FIXTURE_WORKSPACE);
    expect(target).toBeUndefined();
    expect(problems.map(p => p.input)).toEqual([
      'workspace',
      'endpoint-name',
      'model-path',
      'image',
      'scoring-script',
      'instance-type'
    ]);
  });

  it('refuses paths outside the workspace and of the wrong kind', () => {
    const { problems } = applyMlOverrides(
      {},
      { ...INPUTS_ONLY, modelPath: '../../../etc', codePath: 'src/score.py', condaFile: 'env' },
      FIXTURE_WORKSPACE
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          input: 'model-path',
          message: "'../../../etc' points outside the workspace.",
          fix: 'Paths in inputs are relative to the repository root.'
        },
        expect.objectContaining({ input: 'code-path', message: "'src/score.py' is a file, not a folder." }),
        expect.objectContaining({ input: 'conda-file', message: "'env' is a folder, not a file." })
      ])
    );
  });

  it('refuses a scoring script outside the code folder, a conda file without image, bad counts and conflicts', () => {
    const script = applyMlOverrides({}, { ...INPUTS_ONLY, codePath: 'env' }, FIXTURE_WORKSPACE);
    expect(script.problems).toEqual([
      { input: 'scoring-script', message: "'src/score.py' is not inside the code folder env." }
    ]);
    const conda = applyMlOverrides({}, { ...INPUTS_ONLY, image: undefined }, FIXTURE_WORKSPACE);
    expect(conda.problems[0]).toMatchObject({
      input: 'conda-file',
      message: 'needs a base image to install into.'
    });
    const count = applyMlOverrides({}, { ...INPUTS_ONLY, instanceCount: 0 }, FIXTURE_WORKSPACE);
    expect(count.problems).toEqual([
      { input: 'instance-count', message: "'0' is not a whole number of instances (1 or more)." }
    ]);
    const both = applyMlOverrides({}, { ...INPUTS_ONLY, modelName: 'azureml:m:1' }, FIXTURE_WORKSPACE);
    expect(both.problems[0]).toMatchObject({ input: 'model-name' });
    const name = applyMlOverrides({}, { ...INPUTS_ONLY, endpointName: 'x' }, FIXTURE_WORKSPACE);
    expect(name.problems[0]).toMatchObject({
      input: 'endpoint-name',
      message: expect.stringContaining('not a valid endpoint name')
    });
  });

  it('refuses compute over a managed endpoint file and files that disagree', () => {
    const managed = applyMlOverrides(
      fixtureFiles('managed'),
      { workspace: 'w', compute: 'aks' },
      FIXTURE_WORKSPACE
    );
    expect(managed.problems).toEqual(
      expect.arrayContaining([
        {
          input: 'compute',
          message:
            'applies to Kubernetes endpoints, but deploy/managed/endpoint.yml describes a managed online endpoint.'
        }
      ])
    );
    const mixed = applyMlOverrides(
      { endpoint: fixtureFiles('kubernetes').endpoint, deployment: fixtureFiles('managed').deployment },
      { workspace: 'w' },
      FIXTURE_WORKSPACE
    );
    expect(mixed.problems.map(p => [p.file, p.message])).toEqual([
      [
        'deploy/managed/deployment.yml',
        "'endpoint_name' is 'my-endpoint' but the endpoint is 'k8s-endpoint'."
      ],
      [
        'deploy/managed/deployment.yml',
        'describes a managed deployment, but the endpoint is a kubernetes endpoint.'
      ]
    ]);
  });
});
