import { MODEL_DEPLOYMENT_INPUTS, type RawInputs } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import { applyMlOverrides, type MlInputOverrides } from './azml/ml-overrides.js';
import type { DeploymentSpec, EndpointSpec } from './ml-specs.js';
import { parseDeploymentYaml, parseEndpointYaml, type Parsed } from './azml/ml-yaml.js';
import { parseBoolean, parseChoice } from './choices.js';
import type { RunnerContext } from '../contract/runner-context.js';
import { parseHttpsUrl } from './validators.js';
import { readWorkspaceFile } from './workspace-files.js';

/**
 * How traffic moves to a new deployment once it succeeded: all of it (`blue-green`, `all`), or a canary
 * percentage while the deployments that served before keep the rest.
 */
export type TrafficPolicy = { kind: 'blue-green' } | { kind: 'all' } | { kind: 'canary'; percent: number };

/**
 * What the deployment stage does when the new deployment's inference server crashes again and again with the
 * same traceback while Azure still reports it in progress: stop waiting and report it (`fail-fast`), or wait
 * for Azure to give up (`wait`).
 */
export type CrashLoopPolicy = 'fail-fast' | 'wait';
export const CRASH_LOOP_POLICIES: readonly CrashLoopPolicy[] = ['fail-fast', 'wait'];

/** Input `failed-deployment`: what becomes of a new deployment that failed or failed the health gate. */
export type FailedDeploymentPolicy = 'delete' | 'keep';
export const FAILED_DEPLOYMENT_POLICIES: readonly FailedDeploymentPolicy[] = ['delete', 'keep'];

/** The model stages' configuration: what to deploy where, and how traffic moves. */
export interface MlConfig {
  workspace: string;
  endpoint: EndpointSpec;
  deployment: DeploymentSpec;
  traffic: TrafficPolicy;
  /** Keep the deployments that served before at 0% (true), or delete them once traffic moved. */
  keepPrevious: boolean;
  /**
   * The default datastore's blob service URL when it is not `https://<account>.blob.<endpoint suffix>` as the
   * datastore states it (input `blob-endpoint`).
   */
  blobEndpoint?: string;
  /** `dry-run`: the model stages upload and register, so a dry run leaves them out entirely. */
  dryRun: boolean;
  /** Input `crash-loop`. */
  crashLoop: CrashLoopPolicy;
  /** Input `failed-deployment`. */
  failedDeployment: FailedDeploymentPolicy;
}

type Report = (problem: ConfigurationProblem) => void;

/**
 * Reads `endpoint-file` and `deployment-file`, applies the inputs over them and checks the result is a complete
 * deployment. Undefined when no model input is set; every problem (YAML line, path, input) is reported.
 */
export function loadMlConfig(
  inputs: RawInputs,
  runner: RunnerContext,
  report: Report,
  /** Input `target`: for `local`, what only Azure needs (workspace, endpoint name, environment, VM size) is optional. */
  placement: 'azure' | 'local' = 'azure',
  /**
   * Told the endpoint name as soon as the inputs and the valid files give it (input `endpoint-name`, the
   * endpoint file's `name`, the deployment file's `endpoint_name`), even when the rest is invalid.
   */
  named: (endpointName: string) => void = () => {}
): MlConfig | undefined {
  if (!MODEL_DEPLOYMENT_INPUTS.some(name => inputs[name] !== '')) return undefined;
  const traffic = parseTraffic(inputs.traffic, report);
  const keepPrevious = parseBoolean('keep-previous', inputs['keep-previous']);
  if (keepPrevious.problem) report(keepPrevious.problem);
  const crashLoop = parseChoice('crash-loop', inputs['crash-loop'] || 'fail-fast', CRASH_LOOP_POLICIES);
  if (crashLoop.problem) report({ ...crashLoop.problem, fix: "Write 'fail-fast' (the default) or 'wait'." });
  const failedDeployment = parseChoice(
    'failed-deployment',
    inputs['failed-deployment'] || 'delete',
    FAILED_DEPLOYMENT_POLICIES
  );
  if (failedDeployment.problem)
    report({ ...failedDeployment.problem, fix: "Write 'delete' (the default) or 'keep'." });
  // Reported by the infra configuration when invalid; here only its value matters.
  const dryRun = parseBoolean('dry-run', inputs['dry-run']).value ?? false;

  const endpointFile = readYaml(inputs, runner, 'endpoint-file', report, parseEndpointYaml);
  const deploymentFile = readYaml(inputs, runner, 'deployment-file', report, parseDeploymentYaml);
  const endpointName =
    inputs['endpoint-name'] || validSpec(endpointFile)?.name || validSpec(deploymentFile)?.endpointName;
  if (endpointName) named(endpointName);
  const instanceCount = parseInstanceCount(inputs['instance-count'], report);
  let blobEndpoint: string | undefined;
  if (inputs['blob-endpoint']) {
    const parsed = parseHttpsUrl(inputs['blob-endpoint']);
    if (parsed.problem) report({ input: 'blob-endpoint', message: parsed.problem });
    blobEndpoint = parsed.url?.href.replace(/\/+$/, '');
  }
  const overrides: MlInputOverrides = compactOverrides({
    workspace: inputs.workspace,
    endpointName: inputs['endpoint-name'],
    modelPath: inputs['model-path'],
    modelName: inputs['model-name'],
    scoringScript: inputs['scoring-script'],
    codePath: inputs['code-path'],
    condaFile: inputs['conda-file'],
    image: inputs.image,
    instanceType: inputs['instance-type'],
    compute: inputs.compute
  });
  if (instanceCount !== undefined) overrides.instanceCount = instanceCount;
  // A file that failed to parse is already reported; completeness checks would only repeat its fields.
  if (endpointFile === 'invalid' || deploymentFile === 'invalid') return undefined;
  const { target, problems } = applyMlOverrides(
    {
      ...(endpointFile ? { endpoint: endpointFile } : {}),
      ...(deploymentFile ? { deployment: deploymentFile } : {})
    },
    overrides,
    runner.workspace,
    placement
  );
  problems.forEach(report);
  if (target) unsupportedFeatures(target.deployment, placement).forEach(report);
  if (target) readCondaFile(target.deployment, inputs, runner, report);
  if (!target || !traffic || keepPrevious.value === undefined || !crashLoop.value || !failedDeployment.value)
    return undefined;
  return {
    ...target,
    traffic,
    keepPrevious: keepPrevious.value,
    dryRun,
    crashLoop: crashLoop.value,
    failedDeployment: failedDeployment.value,
    ...(blobEndpoint ? { blobEndpoint } : {})
  };
}

/** `blue-green`, `all`, or a whole percentage 1–99 for a canary. */
export function parseTraffic(value: string, report: Report): TrafficPolicy | undefined {
  const word = value.toLowerCase();
  if (word === 'blue-green' || word === 'all') return { kind: word };
  const percent = /^\d+%?$/.test(value) ? Number(value.replace('%', '')) : NaN;
  if (Number.isInteger(percent) && percent >= 1 && percent <= 99) return { kind: 'canary', percent };
  report({
    input: 'traffic',
    message: `'${value}' is neither 'blue-green', 'all' nor a canary percentage from 1 to 99.`,
    fix: "E.g. 'blue-green' (the default) or '10' to send 10% to the new deployment."
  });
  return undefined;
}

function parseInstanceCount(value: string, report: Report): number | undefined {
  if (value === '') return undefined;
  if (/^\d+$/.test(value) && Number(value) >= 1) return Number(value);
  report({ input: 'instance-count', message: `'${value}' is not a whole number of instances (1 or more).` });
  return undefined;
}

/** The conda file's content goes with the configuration, read once with every check configuration files pass. */
function readCondaFile(
  deployment: DeploymentSpec,
  inputs: RawInputs,
  runner: RunnerContext,
  report: Report
): void {
  const environment = deployment.environment;
  if (environment?.kind !== 'inline' || !environment.condaFile) return;
  const input = inputs['conda-file'] ? 'conda-file' : 'deployment-file';
  const { file, problem } = readWorkspaceFile(runner.workspace, input, environment.condaFile.displayPath);
  if (problem) report(problem);
  if (file) environment.condaFile = { ...environment.condaFile, text: file.text };
}

function validSpec<T>(spec: T | 'invalid' | undefined): T | undefined {
  return spec === 'invalid' ? undefined : spec;
}

function readYaml<T>(
  inputs: RawInputs,
  runner: RunnerContext,
  input: 'endpoint-file' | 'deployment-file',
  report: Report,
  parse: (file: { displayPath: string; absolutePath: string; text: string }, workspace: string) => Parsed<T>
): T | 'invalid' | undefined {
  if (!inputs[input]) return undefined;
  const { file, problem } = readWorkspaceFile(runner.workspace, input, inputs[input]);
  if (problem) report(problem);
  if (!file) return 'invalid';
  const parsed = parse(file, runner.workspace);
  parsed.problems.forEach(report);
  return parsed.spec ?? 'invalid';
}

/**
 * What the stages cannot deploy yet, refused before any request rather than failing half-way: environments
 * from a build context, and MLflow models without scoring code (no-code deployment).
 */
function unsupportedFeatures(
  deployment: DeploymentSpec,
  placement: 'azure' | 'local'
): ConfigurationProblem[] {
  const where = deployment.file ? { file: deployment.file } : {};
  const problems: ConfigurationProblem[] = [];
  // On the runner the environment is the runner's own Python: a build context or a missing one do not matter.
  const needsEnvironment = placement === 'azure';
  if (needsEnvironment && deployment.environment?.kind === 'inline' && deployment.environment.build) {
    problems.push({
      ...where,
      message: "'environment.build' (a Docker build context) is not supported by this action yet.",
      fix: "Use 'image' with an optional 'conda_file', or register the environment and name it azureml:<name>:<version>."
    });
  }
  if ((needsEnvironment && !deployment.environment) || !deployment.codeConfiguration) {
    problems.push({
      ...where,
      message: 'deployments without an environment and scoring code (MLflow no-code) are not supported yet.',
      fix: "Give a scoring script ('scoring-script') and an environment ('image')."
    });
  }
  return problems;
}

function compactOverrides(values: Record<string, string>): MlInputOverrides {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')) as MlInputOverrides;
}
