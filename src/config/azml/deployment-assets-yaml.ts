import { relative } from 'node:path';
import { isMap, isScalar } from 'yaml';
import { parseAssetReference } from './asset-reference.js';
import { isInside, resolveInsideWorkspace, type PathExpectation } from './local-paths.js';
import type {
  CodeConfiguration,
  EnvironmentSpec,
  LocalPath,
  ModelSpec,
  RegisteredAsset
} from '../ml-specs.js';
import type { YamlPaths } from './local-paths.js';
import { describeNode, type MappingReader } from './yaml-fields.js';

const MODEL_TYPES = ['custom_model', 'mlflow_model', 'triton_model'] as const;

/**
 * `model:` as `az ml` accepts it: a local path, `azureml:name:version`, or an inline model
 * `{path, name, version, type, description}`.
 */
export function readModel(reader: MappingReader, paths: YamlPaths): ModelSpec | undefined {
  const node = reader.node('model');
  if (node === undefined) return undefined;
  if (isScalar(node) && typeof node.value === 'string') {
    const reference = readReference(reader, 'model');
    if (reference !== 'not-a-reference') return reference;
    const path = readPath(reader, 'model', paths, 'any');
    return path ? { kind: 'local', path, type: 'custom_model' } : undefined;
  }
  const model = reader.mapping('model');
  if (!model) return undefined;
  model.allowOnly(['path', 'name', 'version', 'type', 'description']);
  const name = model.string('name');
  const version = versionOf(model);
  const description = model.string('description');
  const type = model.choice('type', MODEL_TYPES) ?? 'custom_model';
  if (!model.has('path')) {
    reader.source.report(reader.keyNode('model'), "'model' has no 'path'.", 'Name the model file or folder.');
    return undefined;
  }
  const path = readPath(model, 'path', paths, 'any');
  if (!path) return undefined;
  return {
    kind: 'local',
    path,
    type,
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(description !== undefined ? { description } : {})
  };
}

/** `environment:` as `azureml:name:version`, or inline `{image, conda_file, build: {path}}`. */
export function readEnvironment(reader: MappingReader, paths: YamlPaths): EnvironmentSpec | undefined {
  const node = reader.node('environment');
  if (node === undefined) return undefined;
  if (!isMap(node)) {
    const reference = isScalar(node) ? readReference(reader, 'environment') : undefined;
    if (reference !== 'not-a-reference' && reference !== undefined) return reference;
    reader.source.report(
      node,
      `'environment' must be 'azureml:<name>:<version>' or a mapping with 'image' or 'build', not ${describeNode(node)}.`
    );
    return undefined;
  }
  const environment = reader.mapping('environment')!;
  environment.allowOnly(['name', 'version', 'image', 'conda_file', 'build', 'description']);
  const name = environment.string('name');
  const version = versionOf(environment);
  const image = environment.string('image');
  const description = environment.string('description');
  const condaFile = environment.has('conda_file')
    ? readPath(environment, 'conda_file', paths, 'file')
    : undefined;
  const build = readBuild(environment, paths);
  if (image !== undefined && environment.has('build')) {
    reader.source.report(
      environment.keyNode('build'),
      "'environment' sets both 'image' and 'build'.",
      'Keep one.'
    );
  } else if (image === undefined && !environment.has('build') && !environment.has('image')) {
    reader.source.report(
      reader.keyNode('environment'),
      "'environment' needs 'image' (optionally with 'conda_file') or 'build'.",
      'E.g. image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest'
    );
  }
  return {
    kind: 'inline',
    ...(name !== undefined ? { name } : {}),
    ...(version !== undefined ? { version } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(condaFile ? { condaFile } : {}),
    ...(build ? { build } : {}),
    ...(description !== undefined ? { description } : {})
  };
}

function readBuild(
  environment: MappingReader,
  paths: YamlPaths
): { path: LocalPath; dockerfilePath?: string } | undefined {
  const build = environment.mapping('build');
  if (!build) return undefined;
  build.allowOnly(['path', 'dockerfile_path']);
  const dockerfilePath = build.string('dockerfile_path');
  if (!build.has('path')) {
    environment.source.report(environment.keyNode('build'), "'environment.build' has no 'path'.");
    return undefined;
  }
  const path = readPath(build, 'path', paths, 'directory');
  return path ? { path, ...(dockerfilePath !== undefined ? { dockerfilePath } : {}) } : undefined;
}

/** `code_configuration: {code, scoring_script}`; the script must exist inside the code folder. */
export function readCodeConfiguration(
  reader: MappingReader,
  paths: YamlPaths
): CodeConfiguration | undefined {
  const configuration = reader.mapping('code_configuration');
  if (!configuration) return undefined;
  configuration.allowOnly(['code', 'scoring_script']);
  const scoringScript = configuration.string('scoring_script');
  let code: LocalPath | RegisteredAsset | undefined;
  const reference = configuration.has('code') ? readReference(configuration, 'code') : undefined;
  if (reference !== 'not-a-reference') code = reference;
  else code = readPath(configuration, 'code', paths, 'directory');
  for (const field of ['code', 'scoring_script'] as const) {
    if (!configuration.has(field)) {
      reader.source.report(reader.keyNode('code_configuration'), `'code_configuration' has no '${field}'.`);
    }
  }
  if (!code || scoringScript === undefined) return undefined;
  if (code.kind !== 'registered') {
    const script = resolveInsideWorkspace(paths.workspace, code.absolutePath, scoringScript, 'file');
    const inCode = script.path ? relative(code.absolutePath, script.path.absolutePath) : '';
    if (script.problem || inCode === '' || !isInside(code.absolutePath, script.path!.absolutePath)) {
      reader.source.report(
        configuration.node('scoring_script'),
        `'code_configuration.scoring_script' ('${scoringScript}') is not a file inside the code folder ${code.displayPath}.`,
        'The scoring script path is relative to the code folder.'
      );
      return undefined;
    }
    return { code, scoringScript: inCode.split('\\').join('/') };
  }
  return { code, scoringScript };
}

/** A registered-asset reference, 'not-a-reference' for a plain string, undefined when malformed. */
function readReference(reader: MappingReader, key: string): RegisteredAsset | 'not-a-reference' | undefined {
  const text = reader.string(key);
  if (text === undefined) return undefined;
  const parsed = parseAssetReference(text);
  if (!parsed) return 'not-a-reference';
  if (parsed.problem) reader.source.report(reader.node(key), parsed.problem);
  return parsed.asset;
}

/** A path relative to the YAML file, inside the workspace; a problem is reported at the value. */
function readPath(
  reader: MappingReader,
  key: string,
  paths: YamlPaths,
  expect: PathExpectation
): LocalPath | undefined {
  const written = reader.string(key);
  if (written === undefined) return undefined;
  const resolved = resolveInsideWorkspace(paths.workspace, paths.baseDirectory, written, expect);
  if (resolved.problem) {
    reader.source.report(
      reader.node(key),
      `'${reader.path}${key}': ${resolved.problem}`,
      'Paths in az ml YAML files are relative to the YAML file and must stay inside the repository.'
    );
  }
  return resolved.path;
}

/** Versions are strings in Azure ML; `version: 3` is accepted as '3'. */
function versionOf(reader: MappingReader): string | undefined {
  const node = reader.node('version');
  if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value))
    return String(node.value);
  return reader.string('version');
}
