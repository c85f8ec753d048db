import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INPUT_NAMES, type InputName, type RawInputs } from '../../src/contract/inputs.js';
import { loadMlConfig } from '../../src/config/ml-config.js';
import { MAX_CONFIG_FILE_BYTES, readWorkspaceFile } from '../../src/config/workspace-files.js';
import type { ConfigurationProblem } from '../../src/run/errors.js';
import { hashContent } from '../../src/ml/content-hash.js';
import { resolveInsideWorkspace } from '../../src/config/azml/local-paths.js';
import { tempWorkspace } from '../ml/ml-test-files.js';

/**
 * Every file the action reads passes the same checks: inside the workspace (symlinks resolved), a regular
 * file (a FIFO blocks the reader for ever, a device never ends), and within a size limit — checked on the
 * very file that is read.
 */
function fifoIn(folder: string, name: string): string {
  execFileSync('mkfifo', [join(folder, name)]);
  return name;
}

function loadModel(workspace: string, values: Partial<Record<InputName, string>>) {
  const blank = Object.fromEntries(INPUT_NAMES.map(name => [name, ''])) as Record<InputName, string>;
  const inputs: RawInputs = {
    ...blank,
    traffic: 'blue-green',
    'keep-previous': 'true',
    'dry-run': 'false',
    workspace: 'ws',
    'endpoint-name': 'scoring',
    'model-path': 'model/model.json',
    'scoring-script': 'src/score.py',
    image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
    'instance-type': 'Standard_DS2_v2',
    ...values
  };
  const problems: ConfigurationProblem[] = [];
  const config = loadMlConfig(inputs, { workspace, repository: 'o/r', runId: '1', path: '' }, p =>
    problems.push(p)
  );
  return { config, problems };
}

describe('reading the files a workflow names', () => {
  it('refuses a FIFO and a device as a configuration file', () => {
    const workspace = mkdtempSync(join(tmpdir(), 'files-'));
    fifoIn(workspace, 'template.json');
    symlinkSync('/dev/zero', join(workspace, 'zero.json'));
    expect(readWorkspaceFile(workspace, 'template', 'template.json').problem?.message).toBe(
      "'template.json' is not a regular file."
    );
    expect(readWorkspaceFile(workspace, 'template', 'zero.json').problem?.message).toBe(
      "'zero.json' is outside the workspace."
    );
  });

  it('refuses a FIFO given as a path a stage reads (conda file, model file)', () => {
    const workspace = tempWorkspace();
    fifoIn(join(workspace, 'env'), 'pipe.yml');
    expect(resolveInsideWorkspace(workspace, workspace, 'env/pipe.yml', 'file').problem).toBe(
      "'env/pipe.yml' is not a regular file or folder."
    );
    expect(resolveInsideWorkspace(workspace, workspace, 'env/pipe.yml', 'any').problem).toBe(
      "'env/pipe.yml' is not a regular file or folder."
    );
  });

  it('reads the conda file at configuration, with the size limit of configuration files', () => {
    const big = tempWorkspace({ 'env/conda.yml': 'x'.repeat(MAX_CONFIG_FILE_BYTES + 1) });
    expect(loadModel(big, { 'conda-file': 'env/conda.yml' }).problems).toEqual([
      {
        input: 'conda-file',
        file: 'env/conda.yml',
        message: `is ${MAX_CONFIG_FILE_BYTES + 1} bytes; configuration files are limited to ${MAX_CONFIG_FILE_BYTES} bytes.`
      }
    ]);
    const small = tempWorkspace({ 'env/conda.yml': 'name: env\ndependencies: [python=3.10]\n' });
    const { config, problems } = loadModel(small, { 'conda-file': 'env/conda.yml' });
    expect(problems).toEqual([]);
    expect(config?.deployment.environment).toMatchObject({
      kind: 'inline',
      condaFile: { displayPath: 'env/conda.yml', text: 'name: env\ndependencies: [python=3.10]\n' }
    });
  });

  it('a model folder whose file is a FIFO is hashed without opening it', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'files-'));
    mkdirSync(join(workspace, 'model'));
    writeFileSync(join(workspace, 'model', 'weights.bin'), 'w');
    fifoIn(join(workspace, 'model'), 'pipe');
    const manifest = await hashContent(join(workspace, 'model'));
    expect(manifest.files.map(file => file.assetPath)).toEqual(['model/weights.bin']);
    await expect(hashContent(join(workspace, 'model', 'pipe'))).rejects.toThrow(
      "'pipe' is neither a regular file nor a folder."
    );
  });
});
