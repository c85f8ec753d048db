import { afterAll, describe, expect, it } from '@jest/globals';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mountModel } from '../../src/local/model-mount.js';
import type { LocalPath } from '../../src/config/ml-specs.js';

const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'model-mount-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function localPath(relative: string, isDirectory: boolean): LocalPath {
  return { kind: 'path', absolutePath: path.join(root, relative), displayPath: relative, isDirectory };
}

describe('mountModel', () => {
  it('puts a model folder under AZUREML_MODEL_DIR by its name, as Azure mounts it', () => {
    mkdirSync(path.join(root, 'model', 'sub'), { recursive: true });
    writeFileSync(path.join(root, 'model', 'sub', 'weights.json'), '[1]');
    const mount = mountModel(localPath('model', true));
    expect(readFileSync(path.join(mount.modelDir, 'model', 'sub', 'weights.json'), 'utf8')).toBe('[1]');
    mount.dispose();
    expect(existsSync(mount.modelDir)).toBe(false);
    // Only the link went: the user's model is untouched.
    expect(readFileSync(path.join(root, 'model', 'sub', 'weights.json'), 'utf8')).toBe('[1]');
  });

  it('puts a single-file model at AZUREML_MODEL_DIR/<file name>', () => {
    writeFileSync(path.join(root, 'model.pkl'), 'pickle');
    const mount = mountModel(localPath('model.pkl', false));
    expect(readFileSync(path.join(mount.modelDir, 'model.pkl'), 'utf8')).toBe('pickle');
    mount.dispose();
    expect(readFileSync(path.join(root, 'model.pkl'), 'utf8')).toBe('pickle');
  });
});
