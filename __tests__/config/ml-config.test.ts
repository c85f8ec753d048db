import { describe, expect, it } from '@jest/globals';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { loadMlConfig } from '../../src/config/ml-config.js';
import type { ConfigurationProblem } from '../../src/run/errors.js';
import { MANAGED_DEPLOYMENT_SCHEMA, tempWorkspace } from '../ml/ml-test-files.js';

function inputs(values: Partial<Record<InputName, string>>): RawInputs {
  const blank = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  return { ...blank, traffic: 'blue-green', 'keep-previous': 'true', 'dry-run': 'false', ...values };
}

function load(workspace: string, values: Partial<Record<InputName, string>>) {
  const problems: ConfigurationProblem[] = [];
  const runner = { workspace, repository: 'o/r', runId: '1', path: '' };
  const config = loadMlConfig(inputs(values), runner, problem => problems.push(problem));
  return { config, problems };
}

const COMPLETE = {
  workspace: 'ws',
  'endpoint-name': 'scoring',
  'model-path': 'model/model.json',
  'scoring-script': 'src/score.py',
  image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
  'instance-type': 'Standard_DS2_v2'
};

describe('loadMlConfig', () => {
  it('adds no model stages without model inputs', () => {
    expect(load(tempWorkspace(), {})).toEqual({ config: undefined, problems: [] });
  });

  it('reads a complete deployment from inputs, with the traffic policy', () => {
    const { config, problems } = load(tempWorkspace(), {
      ...COMPLETE,
      traffic: '25',
      'keep-previous': 'false'
    });
    expect(problems).toEqual([]);
    expect(config).toMatchObject({
      workspace: 'ws',
      endpoint: { name: 'scoring', kind: 'managed' },
      traffic: { kind: 'canary', percent: 25 },
      keepPrevious: false,
      dryRun: false
    });
  });

  it('reports the YAML lines, the paths and the inputs at fault all at once', () => {
    const workspace = tempWorkspace({
      'deploy/deployment.yml': `${MANAGED_DEPLOYMENT_SCHEMA}\ninstance_count: many\nmodle: ../model\n`
    });
    const { config, problems } = load(workspace, {
      ...COMPLETE,
      'deployment-file': 'deploy/deployment.yml',
      traffic: '100',
      'instance-count': 'zero',
      'blob-endpoint': 'http://insecure.example'
    });
    expect(config).toBeUndefined();
    expect(problems.map(p => p.input ?? `${p.file}:${p.line}`)).toEqual([
      'traffic',
      'deploy/deployment.yml:2',
      'deploy/deployment.yml:3',
      'instance-count',
      'blob-endpoint'
    ]);
  });

  it('refuses what the stages cannot deploy yet before any request (a build context)', () => {
    const workspace = tempWorkspace({
      'docker/Dockerfile': 'FROM python:3.10\n',
      'deploy/deployment.yml': `${MANAGED_DEPLOYMENT_SCHEMA}\nenvironment:\n  build:\n    path: ../docker\n`
    });
    const { problems } = load(workspace, {
      ...COMPLETE,
      image: '',
      'deployment-file': 'deploy/deployment.yml'
    });
    expect(problems).toEqual([
      expect.objectContaining({ file: 'deploy/deployment.yml', message: expect.stringMatching(/build/) })
    ]);
  });
});
