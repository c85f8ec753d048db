import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  compareModelPath,
  describeMismatch,
  localModelFiles,
  modelPathExpression,
  openedPath
} from '../../src/diagnose/model-listing.js';

describe('model directory against what the script opened', () => {
  it('lists a local model folder under its own name, as Azure ML mounts it', () => {
    const root = mkdtempSync(join(tmpdir(), 'model-listing-'));
    mkdirSync(join(root, 'model', 'weights'), { recursive: true });
    writeFileSync(join(root, 'model', 'linear.json'), '{}');
    writeFileSync(join(root, 'model', 'weights', 'w.bin'), '');
    const files = localModelFiles({
      kind: 'path',
      absolutePath: join(root, 'model'),
      displayPath: 'model',
      isDirectory: true
    });
    expect(files).toEqual({ displayPath: 'model', files: ['model/linear.json', 'model/weights/w.bin'] });
  });

  it('reads the path of a FileNotFoundError', () => {
    expect(
      openedPath(
        "FileNotFoundError: [Errno 2] No such file or directory: '/var/azureml-app/models/m/1/linear.json'"
      )
    ).toBe('/var/azureml-app/models/m/1/linear.json');
  });

  it('finds the file of the same name one folder down, and says how to open it', () => {
    const mismatch = compareModelPath('/models/m/1/linear.json', '/models/m/1/', [
      'model/linear.json',
      'model/README.md'
    ]);
    expect(mismatch).toEqual({
      opened: '/models/m/1/linear.json',
      relative: 'linear.json',
      files: ['model/linear.json', 'model/README.md'],
      closest: 'model/linear.json'
    });
    expect(describeMismatch(mismatch)).toBe(
      [
        'Your code opened: $AZUREML_MODEL_DIR/linear.json',
        'The model directory ($AZUREML_MODEL_DIR) contains:',
        '  model/linear.json',
        '  model/README.md',
        'Closest match: model/linear.json'
      ].join('\n')
    );
    expect(modelPathExpression('model/linear.json')).toBe(
      'os.path.join(os.environ["AZUREML_MODEL_DIR"], "model", "linear.json")'
    );
  });

  it('suggests a near spelling, and nothing when no file is close', () => {
    expect(compareModelPath('/m/modle.pkl', '/m', ['model.pkl']).closest).toBe('model.pkl');
    expect(compareModelPath('/m/tokenizer.json', '/m', ['model.pkl']).closest).toBeUndefined();
  });
});

describe('listing a model folder for a diagnosis', () => {
  it('does not follow a symbolic link out of the model folder (the names would reach the summary)', () => {
    const outside = mkdtempSync(join(tmpdir(), 'model-outside-'));
    writeFileSync(join(outside, 'private-file-name.txt'), '');
    const root = mkdtempSync(join(tmpdir(), 'model-listing-'));
    mkdirSync(join(root, 'model'));
    writeFileSync(join(root, 'model', 'linear.json'), '{}');
    symlinkSync(outside, join(root, 'model', 'elsewhere'));
    symlinkSync(join(root, 'model'), join(root, 'model', 'loop'));
    const files = localModelFiles({
      kind: 'path',
      absolutePath: join(root, 'model'),
      displayPath: 'model',
      isDirectory: true
    });
    expect(files.files).toEqual(['model/linear.json']);
  });
});
