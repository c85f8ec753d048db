import { describe, expect, it } from '@jest/globals';
import { buildImage } from '../../emulator/providers/machine-learning/image-build.js';
import {
  condaIndex,
  pypiIndex
} from '../../emulator/providers/machine-learning/package-index/package-index.js';

/** Image builds fail for packages that do not exist, as pip and conda would, with Azure's build log shape. */
describe('emulated image build and the package name index', () => {
  const none = new Set<string>();

  it('fails a misspelt pip package with pip’s own error lines', () => {
    const build = buildImage(
      'img1',
      'dependencies:\n  - python=3.10\n  - pip\n  - pip:\n      - azureml-inference-server-http\n      - scikit-lern==1.3.0\n',
      none
    );
    expect(build.ok).toBe(false);
    expect(build.log).toContain(
      'ERROR: Could not find a version that satisfies the requirement scikit-lern==1.3.0 (from versions: none)'
    );
    expect(build.log).toContain('ERROR: No matching distribution found for scikit-lern==1.3.0');
    expect(build.log).toMatch(
      /CondaEnvException: Pip failed[\s\S]*returned a non-zero code: 1\n2 errors occurred: Build failed\n$/
    );
  });

  it('fails a conda package no channel has with PackagesNotFoundError', () => {
    const build = buildImage('img2', 'dependencies:\n  - python=3.10\n  - numpyy=1.26\n', none);
    expect(build.ok).toBe(false);
    expect(build.log).toMatch(
      /PackagesNotFoundError: The following packages are not available from current channels:\n\n {2}- numpyy=1\.26\n/
    );
  });

  it('builds real packages, conda-only ones, channel-qualified specs and pip options', () => {
    const build = buildImage(
      'img3',
      [
        'dependencies:',
        '  - python=3.10',
        '  - conda-forge::numpy=1.26',
        '  - cudatoolkit=11.8',
        '  - pip:',
        '      - --extra-index-url https://example.invalid/simple',
        '      - scikit-learn==1.3.0',
        '      - Azureml_Inference.Server-HTTP',
        ''
      ].join('\n'),
      none
    );
    expect(build.log).not.toMatch(/ERROR|PackagesNotFoundError/);
    expect(build.ok).toBe(true);
  });

  it('knows common names and refuses misspellings (the filter has no false negatives)', () => {
    for (const name of ['numpy', 'pandas', 'torch', 'scikit-learn', 'azureml-defaults', 'mlflow']) {
      expect(pypiIndex.has(name)).toBe(true);
    }
    for (const name of ['scikit-lern', 'numpyy', 'pandsa', 'tensorflowww'])
      expect(pypiIndex.has(name)).toBe(false);
    expect(condaIndex.has('python')).toBe(true);
  });
});
