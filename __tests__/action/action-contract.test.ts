import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readActionManifest } from '../../harness/action-manifest.js';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { OUTPUT_NAMES } from '../../src/contract/outputs.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { ACTION_VERSION } from '../../src/run/version.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const manifest = readActionManifest();

/** A valid value for every input that differs from its default, to prove the input changes the config. */
const SAMPLE_VALUES: Record<InputName, string> = {
  'subscription-id': '11111111-2222-3333-4444-555555555555',
  'resource-group': 'rg-other',
  location: 'northeurope',
  'tenant-id': '99999999-8888-7777-6666-555555555555',
  'client-id': '12345678-1234-1234-1234-123456789012',
  audience: 'api://custom-audience',
  'arm-endpoint': 'https://management.usgovcloudapi.net',
  'authority-host': 'https://login.example.test',
  'timeout-minutes': '5',
  template: 'other.json',
  parameters: 'env=prod',
  'template-deployment-name': 'custom-name',
  'deployment-mode': 'Complete',
  'key-vault-policy': 'skip-existing',
  'deleted-vault': 'recover',
  'what-if': 'false',
  'dry-run': 'true',
  workspace: 'ws-other',
  'endpoint-file': 'endpoint.yml',
  'deployment-file': 'deployment.yml',
  'endpoint-name': 'ep-other',
  'model-path': 'model2.json',
  'model-name': 'other-model',
  'scoring-script': 'src/score2.py',
  'code-path': '.',
  'conda-file': 'conda.yml',
  image: 'mcr.microsoft.com/azureml/other:latest',
  'instance-type': 'Standard_F2s_v2',
  'instance-count': '3',
  compute: 'k8s-compute',
  traffic: '10',
  'keep-previous': 'false',
  'crash-loop': 'wait',
  'failed-deployment': 'keep',
  'sample-request': 'sample2.json',
  'expected-response': 'status: 201',
  'health-requests': '7',
  'health-concurrency': '2',
  'latency-budget-ms': '500',
  'target-rps': '20',
  'github-token': 'ghs_sample-token',
  'pr-comment': 'false',
  target: 'local',
  'inference-server': 'azmlinfsrv',
  preflight: 'false',
  'blob-endpoint': 'https://127.0.0.1:10000/devstoreaccount1'
};

/** A workspace with two small templates, so the template and parameters inputs have files to read. */
const workspace = mkdtempSync(join(tmpdir(), 'contract-'));
const templateText = JSON.stringify({
  parameters: { env: { type: 'string', defaultValue: 'dev' } },
  resources: []
});
writeFileSync(join(workspace, 'main.json'), templateText);
writeFileSync(join(workspace, 'other.json'), templateText);
// A complete model deployment from inputs alone, so each model input changes something that is already there.
mkdirSync(join(workspace, 'src'));
for (const file of ['model.json', 'model2.json', 'src/score.py', 'src/score2.py']) {
  writeFileSync(join(workspace, file), '{}\n');
}
writeFileSync(join(workspace, 'conda.yml'), 'name: env\n');
// The health gate's sample requests.
writeFileSync(join(workspace, 'sample.json'), '{"data": [[1, 2, 3]]}\n');
writeFileSync(join(workspace, 'sample2.json'), '{"data": [[4, 5, 6]]}\n');
writeFileSync(join(workspace, 'endpoint.yml'), 'name: ep-file\ndescription: from the file\n');
writeFileSync(join(workspace, 'deployment.yml'), 'description: from the file\n');
// PATH holds python3 and azmlinfsrv (empty stand-ins), so target, preflight and inference-server all apply.
const bin = mkdtempSync(join(tmpdir(), 'contract-bin-'));
for (const program of ['python3', 'azmlinfsrv'])
  writeFileSync(join(bin, program), '#!/bin/sh\n', { mode: 0o755 });
const runner = { workspace, repository: 'octo/repo', runId: '7', path: bin };

function defaults(): Record<InputName, string> {
  const values = Object.fromEntries(
    INPUT_NAMES.map(name => [name, manifest.inputs[name]?.default ?? ''])
  ) as Record<InputName, string>;
  values['subscription-id'] = '00000000-0000-0000-0000-000000000000';
  values['resource-group'] = 'rg-base';
  values.template = 'main.json';
  Object.assign(values, {
    workspace: 'ws-base',
    'endpoint-name': 'ep-base',
    'model-path': 'model.json',
    'scoring-script': 'src/score.py',
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
    'instance-type': 'Standard_DS3_v2',
    'sample-request': 'sample.json'
  });
  return values;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(entry => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('action.yml is the contract', () => {
  it('declares exactly the inputs the code reads', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual([...INPUT_NAMES].sort());
  });

  it('declares exactly the outputs the code sets', () => {
    expect(Object.keys(manifest.outputs).sort()).toEqual([...OUTPUT_NAMES].sort());
  });

  it('runs the bundle on node24', () => {
    expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it.each(INPUT_NAMES.map(name => [name]))(
    'input %s changes the configuration (it is really read)',
    async name => {
      const base = defaults();
      // client-id and tenant-id only make sense together: the baseline carries other valid values for both.
      const paired: Partial<Record<InputName, string>> =
        name === 'client-id' || name === 'tenant-id'
          ? { 'tenant-id': 'contoso.onmicrosoft.com', 'client-id': '00000000-0000-0000-0000-0000000000aa' }
          : {};
      const withPair = { ...base, ...paired } as RawInputs;
      const changed = { ...withPair, [name]: SAMPLE_VALUES[name] } as RawInputs;
      expect(await parseConfig(changed, runner)).not.toEqual(await parseConfig(withPair, runner));
    }
  );

  it('keeps inputs and the GitHub toolkit inside src/action/', () => {
    for (const file of sourceFiles(join(ROOT, 'src'))) {
      if (file.includes(`${join('src', 'action')}`)) continue;
      // The local inference server passes a filtered environment on to python3 (src/local/local-server.ts).
      if (file.endsWith(join('src', 'local', 'local-server.ts'))) continue;
      const text = readFileSync(file, 'utf8');
      expect({ file, usesToolkit: /from '@actions\//.test(text) }).toEqual({ file, usesToolkit: false });
      expect({ file, readsEnv: /process\.env/.test(text) }).toEqual({ file, readsEnv: false });
    }
  });

  it('sends the version package.json declares', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(ACTION_VERSION).toBe(pkg.version);
  });
});
