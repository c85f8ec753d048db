import { describe, expect, it } from '@jest/globals';
import { buildImage, durationMs, resolveAssetUri } from '../../emulator/providers/machine-learning/index.js';

const BLOB = 'https://127.0.0.1:4443/devstoreaccount1';
const containers = (name: string) => (name === 'workspaceblobstore' ? 'azureml-blobstore-1' : undefined);

describe('Azure ML provider building blocks', () => {
  it('resolves azureml:// datastore URIs (long and short form) and blob URLs to container and path', () => {
    const long =
      'azureml://subscriptions/s/resourcegroups/rg/workspaces/ws/datastores/workspaceblobstore/paths/LocalUpload/a%20b/model';
    expect(resolveAssetUri(long, BLOB, containers)).toEqual({
      container: 'azureml-blobstore-1',
      path: 'LocalUpload/a b/model'
    });
    expect(
      resolveAssetUri('azureml://datastores/workspaceblobstore/paths/m/linear.json', BLOB, containers)
    ).toEqual({
      container: 'azureml-blobstore-1',
      path: 'm/linear.json'
    });
    expect(resolveAssetUri(`${BLOB}/c1/folder/model`, BLOB, containers)).toEqual({
      container: 'c1',
      path: 'folder/model'
    });
    expect(resolveAssetUri('https://acct.blob.core.windows.net/c2/x/y', BLOB, containers)).toEqual({
      container: 'c2',
      path: 'x/y'
    });
    expect(resolveAssetUri('azureml://datastores/nope/paths/x', BLOB, containers)).toEqual({
      error: "datastore 'nope' does not exist in this workspace"
    });
    expect(resolveAssetUri('https://example.com/x', BLOB, containers)).toHaveProperty('error');
  });

  it('reads ISO 8601 durations as requestSettings.requestTimeout carries them', () => {
    expect(durationMs('PT5S', 0)).toBe(5000);
    expect(durationMs('PT1.5S', 0)).toBe(1500);
    expect(durationMs('PT1M30S', 0)).toBe(90_000);
    expect(durationMs('P1DT1H', 0)).toBe(90_000_000);
    expect(durationMs('5 seconds', 42)).toBe(42);
    expect(durationMs(undefined, 42)).toBe(42);
  });

  it('builds an image unless the conda file is invalid or names an unavailable conda or pip package', () => {
    const ok = buildImage(
      'abc',
      'dependencies:\n  - python=3.10\n  - pip:\n      - numpy==1.26\n',
      new Set(['torch'])
    );
    expect(ok.ok).toBe(true);
    expect(ok.log).toMatch(/Successfully built/);
    const conda = buildImage('abc', 'dependencies:\n  - torch=2.0\n', new Set(['torch']));
    expect(conda.ok).toBe(false);
    expect(conda.log).toMatch(
      /PackagesNotFoundError: The following packages are not available[^]*- torch=2\.0/
    );
    const pip = buildImage('abc', 'dependencies:\n  - pip:\n      - Torch[cuda]>=2\n', new Set(['torch']));
    expect(pip.log).toMatch(/No matching distribution found for Torch\[cuda\]>=2/);
    const yaml = buildImage('abc', 'dependencies:\n  - a\n   - b: [c\n', new Set());
    expect(yaml.ok).toBe(false);
    expect(yaml.log).toMatch(/CondaValueError: Unable to parse conda_dependencies\.yml: .*line 2/);
  });
});
