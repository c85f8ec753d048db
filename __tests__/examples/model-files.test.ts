import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { parseDeploymentYaml, parseEndpointYaml } from '../../src/config/azml/ml-yaml.js';

/**
 * The model half of examples/: the `az ml` files must parse with the action's own parser (as the action reads
 * them, paths checked), and the model with its scoring script must answer the sample request as
 * expected-response.json says — the demo and the workflows' smoke tests rely on both.
 */
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

function mlYaml(relative: string) {
  const absolutePath = join(EXAMPLES, relative);
  return { displayPath: relative, absolutePath, text: readFileSync(absolutePath, 'utf8') };
}

function python(args: string[], cwd: string, env: Record<string, string> = {}): string {
  return execFileSync('python3', args, {
    cwd,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    encoding: 'utf8'
  });
}

describe('example model files', () => {
  it('endpoint.yml parses with the action’s parser without a problem', () => {
    const parsed = parseEndpointYaml(mlYaml('deploy/endpoint.yml'), EXAMPLES);
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec).toMatchObject({ kind: 'managed', name: 'rent-ep', authMode: 'key' });
  });

  it('deployment.yml parses with the action’s parser, its paths inside the repository', () => {
    const parsed = parseDeploymentYaml(mlYaml('deploy/deployment.yml'), EXAMPLES);
    expect(parsed.problems).toEqual([]);
    expect(parsed.spec).toMatchObject({
      kind: 'managed',
      name: 'rent',
      endpointName: 'rent-ep',
      model: { kind: 'local', name: 'rent-model' },
      instanceType: 'Standard_DS3_v2'
    });
  });

  it('conda.yml is YAML with a python dependency', () => {
    const conda = parse(readFileSync(join(EXAMPLES, 'env', 'conda.yml'), 'utf8')) as {
      dependencies: string[];
    };
    expect(conda.dependencies).toEqual(expect.arrayContaining([expect.stringMatching(/^python=3\./)]));
  });

  it('model/linear.json is what training/train.py fits', () => {
    expect(() => python(['training/train.py', '--check'], EXAMPLES)).not.toThrow();
  });

  it('score.py answers sample-request.json with expected-response.json', () => {
    const script =
      'import json, score; score.init(); print(json.dumps(score.run(open("../sample-request.json").read())))';
    const answer = python(['-c', script], join(EXAMPLES, 'src'), { AZUREML_MODEL_DIR: EXAMPLES });
    const expected: unknown = JSON.parse(readFileSync(join(EXAMPLES, 'expected-response.json'), 'utf8'));
    expect(JSON.parse(answer)).toEqual(expected);
  });
});
