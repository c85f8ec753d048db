import { describe, expect, it } from '@jest/globals';
import { buildImage } from '../../emulator/providers/machine-learning/image-build.js';
import { deploymentFailures } from '../../emulator/providers/machine-learning/ml-errors.js';
import { buildFailure, buildLogLocation, lineOfPackage } from '../../src/diagnose/build-log.js';
import { highlightedTail, tail } from '../../src/scoring-script/log-excerpt.js';

const CONDA = `name: env
channels:
  - conda-forge
dependencies:
  - python=3.10
  - numpy=1.26
  - pip
  - pip:
    - nosuchpkg==1.0
    - "scikit-learn>=1.3"
`;

describe('buildLogLocation', () => {
  it("reads the storage account, container and blob of Azure ML's ImageBuildFailure message", () => {
    const { message } = deploymentFailures.imageBuild('stwsdiag', 'ImageLogs/abc123/build.log');
    expect(buildLogLocation(message)).toEqual({
      account: 'stwsdiag',
      container: 'azureml',
      blob: 'ImageLogs/abc123/build.log'
    });
  });

  it('returns undefined when the message names no log', () => {
    expect(buildLogLocation('Image build failed.')).toBeUndefined();
  });
});

describe('buildFailure', () => {
  it('finds the failing step and the pip package the index lacks', () => {
    const { log } = buildImage('f00d', CONDA, new Set(['nosuchpkg']));
    expect(buildFailure(log)).toEqual({
      step: expect.stringMatching(/^Step 3\/7 : RUN conda env create/),
      tool: 'pip',
      packages: ['nosuchpkg==1.0'],
      errorLine:
        'ERROR: Could not find a version that satisfies the requirement nosuchpkg==1.0 (from versions: none)'
    });
  });

  it("lists conda's PackagesNotFoundError packages", () => {
    const { log } = buildImage('f00d', CONDA, new Set(['numpy']));
    expect(buildFailure(log)).toMatchObject({ tool: 'conda', packages: ['numpy=1.26'] });
  });

  it('marks the failing lines in the excerpt and keeps them in the window', () => {
    const { log } = buildImage('f00d', CONDA, new Set(['nosuchpkg']));
    const padded = `${log}${Array.from({ length: 80 }, (_, i) => `cleanup line ${i}`).join('\n')}\n`;
    const excerpt = highlightedTail(padded, /No matching distribution/, 40);
    expect(excerpt).toContain('>> ERROR: No matching distribution found for nosuchpkg==1.0');
    expect(excerpt).toMatch(/^… \d+ earlier line\(s\) left out …/);
  });
});

describe('lineOfPackage', () => {
  it('finds conda and pip specs by package name, whatever the version', () => {
    expect(lineOfPackage(CONDA, 'nosuchpkg==1.0')).toBe(9);
    expect(lineOfPackage(CONDA, 'numpy=1.26')).toBe(6);
    expect(lineOfPackage(CONDA, 'scikit-learn')).toBe(10);
    expect(lineOfPackage(CONDA, 'pandas')).toBeUndefined();
  });
});

describe('tail', () => {
  it('keeps the last lines, notes what was left out, and defuses code fences', () => {
    const text = ['a', 'b', '```', 'c'].join('\n');
    expect(tail(text, 2)).toBe("… 2 earlier line(s) left out …\n'''\nc");
  });
});
