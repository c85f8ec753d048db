import { parse } from 'yaml';
import { condaIndex, type PackageIndex, pypiIndex } from './package-index/package-index.js';

/** The outcome of an emulated image build: whether it worked, and the build log it wrote. */
export interface ImageBuild {
  ok: boolean;
  log: string;
}

const BASE_IMAGE = 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest';

/** The package name of a conda (`numpy=1.26`, `conda-forge::numpy`) or pip (`scikit-learn==1.3.0`, `pkg[extra]>=1`) spec. */
function packageName(spec: string): string {
  return spec
    .trim()
    .replace(/^[^:\s]+::/, '')
    .split(/[=<>!~\s[;]/)[0]!
    .toLowerCase();
}

// Options (`-r file`, `--extra-index-url …`), URLs and paths name no index package; pip resolves them itself.
const isIndexName = (spec: string) => !/^\s*-|:\/\/|^[./]/.test(spec);

/** Whether a spec names a package that the index or the test's `unavailable` list says is missing. */
function isMissing(spec: string, index: PackageIndex, unavailable: ReadonlySet<string>): boolean {
  const name = packageName(spec);
  return unavailable.has(name) || (isIndexName(spec) && !index.has(name));
}

function dependencies(doc: unknown): { conda: string[]; pip: string[] } {
  const conda: string[] = [];
  const pip: string[] = [];
  const list = (doc as { dependencies?: unknown } | null)?.dependencies;
  for (const entry of Array.isArray(list) ? list : []) {
    if (typeof entry === 'string') conda.push(entry);
    else if (entry && typeof entry === 'object' && Array.isArray((entry as { pip?: unknown }).pip)) {
      pip.push(...(entry as { pip: unknown[] }).pip.filter((p): p is string => typeof p === 'string'));
    }
  }
  return { conda, pip };
}

function header(imageId: string, baseImage: string): string[] {
  return [
    `Building image azureml/azureml_${imageId}`,
    `Step 1/7 : FROM ${baseImage}`,
    ' ---> 4f2c1a9b7d3e',
    'Step 2/7 : COPY azureml-environment-setup/conda_dependencies.yml azureml-environment-setup/',
    'Step 3/7 : RUN conda env create -p /azureml-envs/azureml_' +
      imageId +
      ' -f azureml-environment-setup/conda_dependencies.yml',
    ' ---> Running in 7b1e2d3c4f5a'
  ];
}

/**
 * Emulates the conda step of an Azure ML image build: the conda file must be valid YAML, and every conda and
 * pip package must exist (the shipped name index, package-index/PROVENANCE.md) and not be on the
 * `unavailable` list (a test's way to make a real package missing).
 */
export function buildImage(
  imageId: string,
  condaFile: string,
  unavailable: ReadonlySet<string>,
  baseImage = BASE_IMAGE
): ImageBuild {
  const lines = header(imageId, baseImage);
  let doc: unknown;
  try {
    doc = parse(condaFile);
  } catch (error) {
    lines.push(
      'Collecting package metadata (repodata.json): ...working... done',
      `CondaValueError: Unable to parse conda_dependencies.yml: ${(error as Error).message}`,
      `The command '/bin/sh -c conda env create -p /azureml-envs/azureml_${imageId} -f azureml-environment-setup/conda_dependencies.yml' returned a non-zero code: 1`,
      '2 errors occurred: Build failed'
    );
    return { ok: false, log: lines.join('\n') + '\n' };
  }
  const { conda, pip } = dependencies(doc);
  lines.push(
    'Collecting package metadata (repodata.json): ...working... done',
    'Solving environment: ...working...'
  );
  const missingConda = conda.filter(spec => isMissing(spec, condaIndex, unavailable));
  if (missingConda.length > 0) {
    lines.push(
      'failed',
      '',
      'PackagesNotFoundError: The following packages are not available from current channels:',
      '',
      ...missingConda.map(spec => `  - ${spec}`),
      '',
      'Current channels:',
      '',
      '  - https://conda.anaconda.org/conda-forge/linux-64',
      '  - https://conda.anaconda.org/conda-forge/noarch',
      '',
      `The command '/bin/sh -c conda env create -p /azureml-envs/azureml_${imageId} -f azureml-environment-setup/conda_dependencies.yml' returned a non-zero code: 1`,
      '2 errors occurred: Build failed'
    );
    return { ok: false, log: lines.join('\n') + '\n' };
  }
  lines.push(
    'done',
    'Preparing transaction: done',
    'Verifying transaction: done',
    'Executing transaction: done'
  );
  if (pip.length > 0) lines.push('Installing pip dependencies: ...working...');
  const missingPip = pip.find(spec => isMissing(spec, pypiIndex, unavailable));
  if (missingPip) {
    lines.push(
      'Pip subprocess error:',
      `ERROR: Could not find a version that satisfies the requirement ${missingPip} (from versions: none)`,
      `ERROR: No matching distribution found for ${missingPip}`,
      '',
      'failed',
      '',
      'CondaEnvException: Pip failed',
      '',
      `The command '/bin/sh -c conda env create -p /azureml-envs/azureml_${imageId} -f azureml-environment-setup/conda_dependencies.yml' returned a non-zero code: 1`,
      '2 errors occurred: Build failed'
    );
    return { ok: false, log: lines.join('\n') + '\n' };
  }
  if (pip.length > 0) lines.push(`Ran pip subprocess with arguments: ${pip.join(' ')}`, 'done');
  lines.push(
    'Step 4/7 : ENV PATH /azureml-envs/azureml_' + imageId + '/bin:$PATH',
    'Step 7/7 : CMD ["bash"]',
    `Successfully built ${imageId.slice(0, 12)}`,
    `Successfully tagged azureml/azureml_${imageId}:latest`
  );
  return { ok: true, log: lines.join('\n') + '\n' };
}
