import { basename, dirname, relative } from 'node:path';
import type { ConfigurationProblem } from '../../run/errors.js';
import { parseAssetReference } from './asset-reference.js';
import { isInside, resolveInsideWorkspace, type PathExpectation } from './local-paths.js';
import type {
  DeploymentSpec,
  EndpointSpec,
  EnvironmentSpec,
  InlineEnvironment,
  LocalPath,
  ModelSpec
} from '../ml-specs.js';
import { checkComplete } from './ml-completeness.js';
import { checkOnlineName } from './online-names.js';

/**
 * The action inputs that may stand in for, or override, fields of the `az ml` files ("inputs override
 * files"). Already trimmed; empty inputs are left out. Paths are relative to the workspace (not to a YAML
 * file), as every path input of the action is.
 */
export interface MlInputOverrides {
  workspace?: string;
  endpointName?: string;
  modelPath?: string;
  /** A name for the model registered from `model-path`, or `azureml:name:version` to use a registered one. */
  modelName?: string;
  scoringScript?: string;
  codePath?: string;
  condaFile?: string;
  image?: string;
  instanceType?: string;
  instanceCount?: number;
  /** Kubernetes: the attached compute; makes the endpoint a Kubernetes endpoint. */
  compute?: string;
}

/** The endpoint and deployment the run works with, after overrides. */
export interface MlTarget {
  workspace: string;
  endpoint: EndpointSpec;
  deployment: DeploymentSpec;
}

/** Input names, as action.yml declares them, for problems. */
const INPUT = {
  workspace: 'workspace',
  endpointName: 'endpoint-name',
  modelPath: 'model-path',
  modelName: 'model-name',
  scoringScript: 'scoring-script',
  codePath: 'code-path',
  condaFile: 'conda-file',
  image: 'image',
  instanceType: 'instance-type',
  instanceCount: 'instance-count',
  compute: 'compute'
} as const;

/**
 * Applies the inputs over the specs read from `endpoint-file` / `deployment-file` (either may be absent),
 * then checks that the result is complete and consistent. Returns the target, or every problem found.
 */
export function applyMlOverrides(
  files: { endpoint?: EndpointSpec; deployment?: DeploymentSpec },
  overrides: MlInputOverrides,
  workspaceRoot: string,
  /** `local` (input `target`): the workspace and what only Azure needs may be absent. */
  placement: 'azure' | 'local' = 'azure'
): { target?: MlTarget; problems: ConfigurationProblem[] } {
  const problems: ConfigurationProblem[] = [];
  const add = (input: keyof typeof INPUT, message: string, fix?: string): void => {
    problems.push({ input: INPUT[input], message, ...(fix ? { fix } : {}) });
  };
  const path = (
    input: keyof typeof INPUT,
    written: string,
    expect: PathExpectation
  ): LocalPath | undefined => {
    const resolved = resolveInsideWorkspace(workspaceRoot, workspaceRoot, written, expect);
    if (resolved.problem)
      add(input, resolved.problem, 'Paths in inputs are relative to the repository root.');
    return resolved.path;
  };

  const endpoint = overrideEndpoint(files.endpoint, overrides, add);
  const deployment = overrideDeployment(files.deployment, endpoint, overrides, add, path);
  if (!overrides.workspace && placement === 'azure')
    add('workspace', 'is required for a model deployment.', 'Name the Azure ML workspace.');
  checkComplete(endpoint, deployment, files, problems, placement);
  if (problems.length > 0) return { problems };
  return { target: { workspace: overrides.workspace ?? '', endpoint, deployment }, problems };
}

type AddProblem = (input: keyof typeof INPUT, message: string, fix?: string) => void;
type ResolvePath = (
  input: keyof typeof INPUT,
  written: string,
  expect: PathExpectation
) => LocalPath | undefined;

function overrideEndpoint(
  file: EndpointSpec | undefined,
  overrides: MlInputOverrides,
  add: AddProblem
): EndpointSpec {
  const endpoint: EndpointSpec = file ? { ...file } : { kind: 'managed', authMode: 'key', tags: {} };
  if (overrides.endpointName !== undefined) {
    const problem = checkOnlineName('endpoint', overrides.endpointName);
    if (problem) add('endpointName', problem);
    endpoint.name = overrides.endpointName;
  }
  if (overrides.compute !== undefined) {
    if (file?.kind === 'managed' && file.file) {
      add(
        'compute',
        `applies to Kubernetes endpoints, but ${file.file} describes a managed online endpoint.`
      );
    }
    endpoint.kind = 'kubernetes';
    endpoint.compute = overrides.compute.replace(/^azureml:/i, '');
  }
  return endpoint;
}

function overrideDeployment(
  file: DeploymentSpec | undefined,
  endpoint: EndpointSpec,
  overrides: MlInputOverrides,
  add: AddProblem,
  path: ResolvePath
): DeploymentSpec {
  const deployment: DeploymentSpec = file
    ? { ...file }
    : { kind: endpoint.kind, tags: {}, environmentVariables: {} };
  if (!file) deployment.kind = endpoint.kind;
  if (overrides.endpointName !== undefined) deployment.endpointName = overrides.endpointName;
  else if (deployment.endpointName === undefined && endpoint.name) deployment.endpointName = endpoint.name;
  const model = overrideModel(deployment.model, overrides, add, path);
  if (model) deployment.model = model;
  overrideCode(deployment, overrides, add, path);
  const environment = overrideEnvironment(deployment.environment, overrides, add, path);
  if (environment) deployment.environment = environment;
  if (overrides.instanceType !== undefined) deployment.instanceType = overrides.instanceType;
  if (overrides.instanceCount !== undefined) {
    if (!Number.isInteger(overrides.instanceCount) || overrides.instanceCount < 1) {
      add('instanceCount', `'${overrides.instanceCount}' is not a whole number of instances (1 or more).`);
    } else deployment.instanceCount = overrides.instanceCount;
  }
  return deployment;
}

function overrideModel(
  model: ModelSpec | undefined,
  overrides: MlInputOverrides,
  add: AddProblem,
  path: ResolvePath
): ModelSpec | undefined {
  const { modelPath, modelName } = overrides;
  const reference = modelName !== undefined ? parseAssetReference(modelName) : undefined;
  if (reference?.problem) add('modelName', reference.problem);
  if (reference?.asset) {
    if (modelPath !== undefined)
      add('modelName', "names a registered model, so 'model-path' cannot be used with it.");
    return reference.asset;
  }
  if (modelPath !== undefined) {
    const local = path('modelPath', modelPath, 'any');
    if (!local) return undefined;
    const kept = model?.kind === 'local' ? model : undefined;
    return {
      kind: 'local',
      path: local,
      type: kept?.type ?? 'custom_model',
      ...((modelName ?? kept?.name) ? { name: modelName ?? kept!.name! } : {}),
      ...(kept?.description ? { description: kept.description } : {})
    };
  }
  if (modelName !== undefined) {
    if (model?.kind === 'local') return { ...model, name: modelName };
    add('modelName', "has no model to name: set 'model-path' too, or use 'azureml:<name>:<version>'.");
  }
  return undefined;
}

/**
 * `code-path` replaces the code folder; `scoring-script` is a workspace path that must lie inside the code
 * folder (and is stored relative to it, as `az ml` does). With only `scoring-script`, its folder is the code.
 */
function overrideCode(
  deployment: DeploymentSpec,
  overrides: MlInputOverrides,
  add: AddProblem,
  path: ResolvePath
): void {
  const { codePath, scoringScript } = overrides;
  if (codePath === undefined && scoringScript === undefined) return;
  const current = deployment.codeConfiguration;
  const code = codePath !== undefined ? path('codePath', codePath, 'directory') : current?.code;
  if (scoringScript === undefined) {
    if (code && current) deployment.codeConfiguration = { code, scoringScript: current.scoringScript };
    else if (code)
      add('scoringScript', "is needed with 'code-path': name the scoring script (e.g. src/score.py).");
    return;
  }
  const script = path('scoringScript', scoringScript, 'file');
  if (!script) return;
  const folder: LocalPath =
    code && code.kind !== 'registered'
      ? code
      : {
          kind: 'path',
          absolutePath: dirname(script.absolutePath),
          displayPath: dirname(script.displayPath),
          isDirectory: true
        };
  if (code?.kind === 'registered' || !isInside(folder.absolutePath, script.absolutePath)) {
    add(
      'scoringScript',
      `'${scoringScript}' is not inside the code folder ${code?.kind === 'registered' ? code.reference : folder.displayPath}.`
    );
    return;
  }
  const inFolder = code
    ? relative(folder.absolutePath, script.absolutePath).split('\\').join('/')
    : basename(script.absolutePath);
  deployment.codeConfiguration = { code: folder, scoringScript: inFolder };
}

/** `image` and `conda-file` replace the environment's image and conda file (a registered one becomes inline). */
function overrideEnvironment(
  environment: EnvironmentSpec | undefined,
  overrides: MlInputOverrides,
  add: AddProblem,
  path: ResolvePath
): EnvironmentSpec | undefined {
  const { image, condaFile } = overrides;
  if (image === undefined && condaFile === undefined) return undefined;
  const inline: InlineEnvironment = environment?.kind === 'inline' ? { ...environment } : { kind: 'inline' };
  if (image !== undefined) {
    inline.image = image;
    delete inline.build;
  }
  if (condaFile !== undefined) {
    const file = path('condaFile', condaFile, 'file');
    if (file) inline.condaFile = file;
  }
  if (inline.image === undefined && inline.build === undefined) {
    add(
      'condaFile',
      'needs a base image to install into.',
      "Set 'image', e.g. mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest."
    );
  }
  if (inline.build !== undefined && inline.condaFile !== undefined) {
    add(
      'condaFile',
      "cannot be combined with the environment's build context; the Dockerfile installs packages."
    );
  }
  return inline;
}
