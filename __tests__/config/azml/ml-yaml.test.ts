import { describe, expect, it } from '@jest/globals';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { parseDeploymentYaml, parseEndpointYaml } from '../../../src/config/azml/ml-yaml.js';
import { recogniseSchema } from '../../../src/config/azml/ml-schema.js';
import {
  FIXTURE_WORKSPACE,
  MANAGED_DEPLOYMENT_SCHEMA,
  mlFile,
  tempWorkspace
} from '../../ml/ml-test-files.js';

/** Parses `text` as `deploy/deployment.yml` of a fresh workspace. */
function deployment(text: string, files: Record<string, string> = {}) {
  const workspace = tempWorkspace({ 'deploy/deployment.yml': text, ...files });
  return parseDeploymentYaml(mlFile(workspace, 'deploy/deployment.yml'), workspace);
}

function endpoint(text: string) {
  const workspace = tempWorkspace({ 'endpoint.yml': text });
  return parseEndpointYaml(mlFile(workspace, 'endpoint.yml'), workspace);
}

describe('az ml YAML: valid files', () => {
  it('reads a managed online endpoint', () => {
    const parsed = parseEndpointYaml(
      mlFile(FIXTURE_WORKSPACE, 'deploy/managed/endpoint.yml'),
      FIXTURE_WORKSPACE
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec).toEqual({
      file: 'deploy/managed/endpoint.yml',
      kind: 'managed',
      name: 'my-endpoint',
      authMode: 'key',
      description: 'Scores loan applications.',
      tags: { team: 'risk', tier: '2' },
      identity: { type: 'system_assigned' }
    });
  });

  it('reads a managed online deployment, resolving paths relative to the YAML file', () => {
    const parsed = parseDeploymentYaml(
      mlFile(FIXTURE_WORKSPACE, 'deploy/managed/deployment.yml'),
      FIXTURE_WORKSPACE
    );
    expect(parsed.problems).toEqual([]);
    const spec = parsed.spec!;
    expect(spec).toMatchObject({
      file: 'deploy/managed/deployment.yml',
      kind: 'managed',
      name: 'blue',
      endpointName: 'my-endpoint',
      instanceType: 'Standard_DS3_v2',
      instanceCount: 2,
      requestSettings: { requestTimeoutMs: 5000, maxConcurrentRequestsPerInstance: 4, maxQueueWaitMs: 500 },
      livenessProbe: { initialDelay: 10, period: 10, timeout: 2, successThreshold: 1, failureThreshold: 30 },
      readinessProbe: { failureThreshold: 10 },
      scaleSettings: { type: 'default' },
      environmentVariables: { WORKERS: '2', LOG_LEVEL: 'debug' },
      appInsightsEnabled: true
    });
    expect(spec.model).toMatchObject({
      kind: 'local',
      name: 'loan-model',
      type: 'custom_model',
      path: { displayPath: 'model', isDirectory: true, absolutePath: join(FIXTURE_WORKSPACE, 'model') }
    });
    expect(spec.codeConfiguration).toMatchObject({ code: { displayPath: 'src' }, scoringScript: 'score.py' });
    expect(spec.environment).toMatchObject({
      kind: 'inline',
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
      condaFile: { displayPath: 'env/conda.yml', isDirectory: false }
    });
  });

  it('reads a Kubernetes endpoint and deployment with registered assets and resources', () => {
    const ep = parseEndpointYaml(
      mlFile(FIXTURE_WORKSPACE, 'deploy/kubernetes/endpoint.yml'),
      FIXTURE_WORKSPACE
    );
    expect(ep.problems).toEqual([]);
    expect(ep.spec).toMatchObject({
      kind: 'kubernetes',
      name: 'k8s-endpoint',
      compute: 'k8s-compute',
      authMode: 'aml_token'
    });
    const dep = parseDeploymentYaml(
      mlFile(FIXTURE_WORKSPACE, 'deploy/kubernetes/deployment.yml'),
      FIXTURE_WORKSPACE
    );
    expect(dep.problems).toEqual([]);
    expect(dep.spec).toMatchObject({
      kind: 'kubernetes',
      model: { kind: 'registered', reference: 'azureml:loan-model:3', name: 'loan-model', version: '3' },
      environment: { kind: 'registered', name: 'sklearn-env', label: 'latest' },
      scaleSettings: {
        type: 'target_utilization',
        minInstances: 1,
        maxInstances: 3,
        targetUtilizationPercentage: 70
      },
      resources: { requests: { cpu: '0.5', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi', gpu: '1' } }
    });
  });

  it('recognises the schema URL forms', () => {
    expect(
      recogniseSchema('https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json')
    ).toEqual({
      resource: 'deployment',
      kind: 'managed'
    });
    expect(
      recogniseSchema('http://azuremlschemas.azureedge.net/2022-10-01/kubernetesOnlineEndpoint.schema.json')
    ).toEqual({
      resource: 'endpoint',
      kind: 'kubernetes'
    });
    expect(
      recogniseSchema('https://azuremlschemas.azureedge.net/latest/commandJob.schema.json')
    ).toBeUndefined();
  });

  it('takes the kind from type or compute when there is no $schema', () => {
    expect(deployment('name: blue\ntype: kubernetes\n').spec?.kind).toBe('kubernetes');
    expect(endpoint('name: ep-one\ncompute: k8s\n').spec).toMatchObject({
      kind: 'kubernetes',
      compute: 'k8s'
    });
    expect(endpoint('name: ep-one\n').spec).toMatchObject({ kind: 'managed', authMode: 'key' });
  });

  it('accepts a model given as a bare path and a single file', () => {
    const parsed = deployment('model: ../model/model.json\n');
    expect(parsed.spec?.model).toMatchObject({
      kind: 'local',
      type: 'custom_model',
      path: { displayPath: 'model/model.json', isDirectory: false }
    });
  });
});

describe('az ml YAML: problems carry file, line and column', () => {
  it('names an unknown field and the closest known one', () => {
    const parsed = deployment(`${MANAGED_DEPLOYMENT_SCHEMA}\nname: blue\ninstnce_type: Standard_DS3_v2\n`);
    expect(parsed.spec).toBeUndefined();
    expect(parsed.problems).toEqual([
      {
        file: 'deploy/deployment.yml',
        line: 3,
        column: 1,
        message: "unknown field 'instnce_type'.",
        fix: "Did you mean 'instance_type'?"
      }
    ]);
  });

  it('names an unknown nested field with its full path', () => {
    const parsed = deployment('name: blue\nrequest_settings:\n  request_timeout: 5000\n');
    expect(parsed.problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 3,
        message: "unknown field 'request_settings.request_timeout'.",
        fix: "Did you mean 'request_timeout_ms'?"
      })
    ]);
  });

  it('lists the known fields when nothing is close', () => {
    const parsed = endpoint('name: ep-one\nflavour: vanilla\n');
    expect(parsed.problems[0]).toMatchObject({
      line: 2,
      column: 1,
      fix: expect.stringContaining('auth_mode')
    });
  });

  it('reports a wrong type at the value', () => {
    const parsed = deployment('name: blue\ninstance_count: two\n');
    expect(parsed.problems).toEqual([
      {
        file: 'deploy/deployment.yml',
        line: 2,
        column: 17,
        message: "'instance_count' must be a whole number, not the string 'two'."
      }
    ]);
  });

  it('reports out-of-range numbers, bad choices and bad booleans', () => {
    const parsed = deployment(
      'name: blue\ninstance_count: 0\nrequest_settings:\n  request_timeout_ms: 900000\napp_insights_enabled: maybe\n'
    );
    expect(parsed.problems.map(p => [p.line, p.column, p.message])).toEqual([
      [2, 17, "'instance_count' is 0; it must be at least 1."],
      [4, 23, "'request_settings.request_timeout_ms' is 900000; it must be between 1 and 180000."],
      [5, 23, "'app_insights_enabled' must be true or false, not the string 'maybe'."]
    ]);
    expect(endpoint('name: ep-one\nauth_mode: password\n').problems[0]).toMatchObject({
      line: 2,
      column: 12,
      message: "'auth_mode' is 'password', which is not one of 'key', 'aml_token'."
    });
  });

  it('reports YAML syntax errors at their position', () => {
    const parsed = deployment('name: blue\nmodel:\n  path: ../model\n   name: x\n');
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toEqual({
      file: 'deploy/deployment.yml',
      line: 3,
      column: 9,
      message: 'is not valid YAML: Nested mappings are not allowed in compact mappings.',
      fix: 'Fix the YAML syntax (indentation, quotes, a duplicated key).'
    });
    expect(deployment('name: blue\nname: green\n').problems[0]).toMatchObject({
      line: 2,
      column: 1,
      message: 'is not valid YAML: Map keys must be unique.'
    });
    expect(deployment('- just\n- a list\n').problems[0]).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringContaining('mapping')
    });
  });

  it('refuses a file of the other resource', () => {
    const parsed = deployment(
      '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\nname: ep-one\n'
    );
    expect(parsed.problems[0]).toMatchObject({
      line: 1,
      column: 10,
      message: expect.stringContaining('online endpoint file')
    });
    expect(
      deployment('$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json\n').problems[0]
    ).toMatchObject({
      line: 1,
      message: expect.stringContaining('not an online deployment schema')
    });
  });

  it('refuses names Azure refuses', () => {
    expect(deployment('name: 1-blue\n').problems[0]).toMatchObject({
      line: 1,
      column: 7,
      message: expect.stringContaining('not a valid deployment name')
    });
    expect(endpoint('name: ep_\n').problems[0]).toMatchObject({ line: 1, column: 7 });
  });

  it('refuses managed-only and Kubernetes-only fields in the wrong kind', () => {
    const parsed = deployment(
      `${MANAGED_DEPLOYMENT_SCHEMA}\nscale_settings:\n  type: target_utilization\nresources:\n  requests:\n    cpu: 1\n`
    );
    expect(parsed.problems.map(p => [p.line, p.column])).toEqual([
      [3, 9],
      [4, 1]
    ]);
    const managed = endpoint(
      '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json\ncompute: k8s\n'
    );
    expect(managed.problems[0]).toMatchObject({
      line: 2,
      column: 1,
      message: expect.stringContaining('only to Kubernetes')
    });
  });

  it('reports every problem of a file at once', () => {
    const parsed = deployment('name: blue\nfoo: 1\ninstance_count: x\nmodel:\n  pathh: ../model\n');
    expect(parsed.problems.map(p => [p.line, p.column])).toEqual([
      [2, 1],
      [3, 17],
      [4, 1],
      [5, 3]
    ]);
  });
});

describe('az ml YAML: paths', () => {
  it('refuses a path that leaves the workspace', () => {
    const parsed = deployment('model:\n  path: ../../outside/model.pkl\n');
    expect(parsed.problems).toEqual([
      {
        file: 'deploy/deployment.yml',
        line: 2,
        column: 9,
        message: "'model.path': '../../outside/model.pkl' points outside the workspace.",
        fix: 'Paths in az ml YAML files are relative to the YAML file and must stay inside the repository.'
      }
    ]);
  });

  it('refuses a symbolic link that leads outside the workspace', () => {
    const workspace = tempWorkspace({ 'deploy/deployment.yml': 'model: ../linked\n' });
    symlinkSync('/etc', join(workspace, 'linked'));
    const parsed = parseDeploymentYaml(mlFile(workspace, 'deploy/deployment.yml'), workspace);
    expect(parsed.problems[0]).toMatchObject({
      line: 1,
      column: 8,
      message: expect.stringContaining('symbolic link')
    });
  });

  it('reports missing files and the wrong kind of path', () => {
    const parsed = deployment(
      'code_configuration:\n  code: ../src/score.py\n  scoring_script: score.py\nenvironment:\n  image: python:3.11\n  conda_file: ../env/missing.yml\n'
    );
    expect(parsed.problems.map(p => [p.line, p.column, p.message])).toEqual([
      [2, 9, "'code_configuration.code': '../src/score.py' is a file, not a folder."],
      [6, 15, "'environment.conda_file': '../env/missing.yml' does not exist (looked for env/missing.yml)."]
    ]);
  });

  it('requires the scoring script inside the code folder', () => {
    const parsed = deployment('code_configuration:\n  code: ../src\n  scoring_script: ../env/conda.yml\n');
    expect(parsed.problems[0]).toMatchObject({
      line: 3,
      column: 19,
      message: expect.stringContaining('not a file inside the code folder src')
    });
    const nested = deployment('code_configuration:\n  code: ..\n  scoring_script: src/score.py\n');
    expect(nested.spec?.codeConfiguration).toMatchObject({
      code: { displayPath: '.' },
      scoringScript: 'src/score.py'
    });
  });

  it('checks environments and asset references', () => {
    expect(deployment('environment:\n  conda_file: ../env/conda.yml\n').problems[0]).toMatchObject({
      line: 1,
      column: 1,
      message: expect.stringContaining("needs 'image'")
    });
    expect(deployment('environment: azureml:bad name\n').problems[0]).toMatchObject({
      line: 1,
      column: 14,
      message: expect.stringContaining('not an asset reference')
    });
    expect(deployment('environment: python:3.11\n').problems[0]).toMatchObject({ line: 1, column: 14 });
    expect(deployment('model:\n  name: m\n').problems[0]).toMatchObject({
      line: 1,
      column: 1,
      message: "'model' has no 'path'."
    });
  });
});
