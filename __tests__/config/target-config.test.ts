/**
 * Inputs `target`, `inference-server` and `preflight`, through parseConfig: what a local run requires (and
 * no longer requires), and when preflight runs. PATH is a folder of fake programs, so the tests do not
 * depend on what the machine has installed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { parseConfig } from '../../src/config/parse-config.js';
import { ConfigurationError } from '../../src/run/errors.js';

const root = mkdtempSync(join(tmpdir(), 'target-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const workspace = join(root, 'repo');
mkdirSync(join(workspace, 'model'), { recursive: true });
mkdirSync(join(workspace, 'src'));
writeFileSync(join(workspace, 'model', 'linear.json'), '{}');
writeFileSync(
  join(workspace, 'src', 'score.py'),
  'def init():\n    pass\n\n\ndef run(raw):\n    return raw\n'
);

/** A folder on PATH holding executables of these names. */
function binWith(...names: string[]): string {
  const bin = mkdtempSync(join(root, 'bin-'));
  for (const name of names) {
    writeFileSync(join(bin, name), '#!/bin/sh\n');
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}
const PYTHON = binWith('python3');
const PYTHON_AND_AZMLINFSRV = binWith('python3', 'azmlinfsrv');
const NOTHING = binWith();

/** A model deployment from inputs alone; no Azure input unless given. */
function inputs(overrides: Partial<Record<InputName, string>> = {}): RawInputs {
  const base = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  return {
    ...base,
    audience: 'api://AzureADTokenExchange',
    'arm-endpoint': 'https://management.azure.com',
    'timeout-minutes': '60',
    'deployment-mode': 'Incremental',
    'key-vault-policy': 'preserve',
    'deleted-vault': 'fail',
    'what-if': 'true',
    'dry-run': 'false',
    traffic: 'blue-green',
    'keep-previous': 'true',
    'model-path': 'model',
    'scoring-script': 'src/score.py',
    ...overrides
  };
}

const AZURE = {
  'subscription-id': '00000000-0000-0000-0000-000000000000',
  'resource-group': 'rg-ml',
  workspace: 'ws',
  'endpoint-name': 'linear-ep',
  image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
  'instance-type': 'Standard_DS3_v2'
} as const;

function parse(raw: RawInputs, path: string) {
  return parseConfig(raw, { workspace, repository: 'octo/repo', runId: '1', path });
}

async function problemsOf(raw: RawInputs, path: string): Promise<string[]> {
  try {
    await parse(raw, path);
  } catch (error) {
    if (error instanceof ConfigurationError)
      return error.problems.map(p => `${p.input}: ${p.message}${p.fix ? ` ${p.fix}` : ''}`);
    throw error;
  }
  return [];
}

describe('target: local', () => {
  it('needs only a model and a scoring script: no subscription, resource group, workspace, endpoint or VM size', async () => {
    const config = await parse(inputs({ target: 'local' }), PYTHON);
    expect(config.target).toEqual({
      kind: 'local',
      python: join(PYTHON, 'python3'),
      inferenceServer: { kind: 'builtin' },
      preflightMode: 'auto',
      preflight: false
    });
    expect(config.ml?.deployment.model).toMatchObject({ kind: 'local', path: { displayPath: 'model' } });
    expect(config.ml?.deployment.codeConfiguration).toMatchObject({ scoringScript: 'score.py' });
  });

  it('still needs the Azure inputs when a template is deployed too', async () => {
    writeFileSync(join(workspace, 'main.json'), JSON.stringify({ resources: [] }));
    const problems = await problemsOf(inputs({ target: 'local', template: 'main.json' }), PYTHON);
    expect(problems).toEqual([
      expect.stringMatching(/^subscription-id: is required but empty/),
      expect.stringMatching(/^resource-group: is required but empty/)
    ]);
  });

  it('needs python3 on PATH, model files and repository code', async () => {
    expect(await problemsOf(inputs({ target: 'local' }), NOTHING)).toEqual([
      expect.stringMatching(/^target: is 'local', but no python3 is on PATH .*actions\/setup-python/)
    ]);
    const registered = inputs({ target: 'local', 'model-path': '', 'model-name': 'azureml:linear:3' });
    expect(await problemsOf(registered, PYTHON)).toEqual([
      "target: is 'local': the model must be files on the runner, but it is the registered azureml:linear:3. Give the model's files with 'model-path' (or 'model.path' in the deployment file)."
    ]);
  });

  it('without any model input is a problem that says what to set', async () => {
    const raw = inputs({ target: 'local', 'model-path': '', 'scoring-script': '' });
    expect(await problemsOf(raw, PYTHON)).toEqual([
      "target: is 'local', but no model deployment is configured. Set 'deployment-file', or 'model-path' and 'scoring-script'."
    ]);
  });

  it('rejects an unknown target, naming the choices', async () => {
    expect(await problemsOf(inputs({ ...AZURE, target: 'cloud' }), PYTHON)).toEqual([
      "target: 'cloud' is not one of 'azure', 'local'. Write 'azure' (the default) or 'local'."
    ]);
  });
});

describe('preflight', () => {
  it('auto: runs for a cloud target when python3 is on PATH', async () => {
    expect((await parse(inputs(AZURE), PYTHON)).target).toMatchObject({
      preflight: true,
      python: join(PYTHON, 'python3')
    });
    expect((await parse(inputs(AZURE), NOTHING)).target).toMatchObject({ preflight: false });
    expect((await parse(inputs({ ...AZURE, preflight: 'false' }), PYTHON)).target).toMatchObject({
      preflight: false
    });
  });

  it('auto: stays off for a registered model, which is not on the runner', async () => {
    const raw = inputs({ ...AZURE, 'model-path': '', 'model-name': 'azureml:linear:3' });
    expect((await parse(raw, PYTHON)).target).toMatchObject({ preflight: false });
  });

  it('true: a problem when it cannot run', async () => {
    expect(await problemsOf(inputs({ ...AZURE, preflight: 'true' }), NOTHING)).toEqual([
      expect.stringMatching(/^preflight: is 'true', but no python3 is on PATH/)
    ]);
    const raw = inputs({ ...AZURE, preflight: 'true', 'model-path': '', 'model-name': 'azureml:linear:3' });
    expect(await problemsOf(raw, PYTHON)).toEqual([
      expect.stringMatching(/^preflight: is 'true': the model must be files on the runner/)
    ]);
  });

  it('does not run for target: local, which runs the script anyway', async () => {
    expect((await parse(inputs({ target: 'local', preflight: 'true' }), PYTHON)).target?.preflight).toBe(
      false
    );
  });
});

describe('inference-server', () => {
  it('azmlinfsrv: resolved to the launcher on PATH', async () => {
    const config = await parse(
      inputs({ target: 'local', 'inference-server': 'azmlinfsrv' }),
      PYTHON_AND_AZMLINFSRV
    );
    expect(config.target?.inferenceServer).toEqual({
      kind: 'azmlinfsrv',
      command: join(PYTHON_AND_AZMLINFSRV, 'azmlinfsrv')
    });
  });

  it('azmlinfsrv missing: a problem with the pip command, when something runs locally', async () => {
    expect(await problemsOf(inputs({ target: 'local', 'inference-server': 'azmlinfsrv' }), PYTHON)).toEqual([
      "inference-server: is 'azmlinfsrv', but azmlinfsrv (azureml-inference-server-http) is not on PATH. Install it in a step before this one (`pip install azureml-inference-server-http`), or use 'builtin'."
    ]);
    // Nothing runs on the runner without python3 (preflight auto stays off): not needed, no problem.
    const quiet = await parse(inputs({ ...AZURE, 'inference-server': 'azmlinfsrv' }), NOTHING);
    expect(quiet.target?.inferenceServer).toEqual({ kind: 'azmlinfsrv' });
  });
});
