import { MODEL_DEPLOYMENT_INPUTS, type RawInputs } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';
import { AZMLINFSRV_INSTALL, findInferenceServerCommand, findPython } from './inference-server-command.js';
import { parseChoice } from './choices.js';
import type { MlConfig } from './ml-config.js';
import type { RunnerContext } from '../contract/runner-context.js';

/** Where the model runs: in Azure (managed or Kubernetes online endpoint), or on the runner itself. */
export type TargetKind = 'azure' | 'local';
export const TARGET_KINDS: readonly TargetKind[] = ['azure', 'local'];

/** Which server runs the scoring script on the runner. */
export type InferenceServerKind = 'builtin' | 'azmlinfsrv';
export const INFERENCE_SERVER_KINDS: readonly InferenceServerKind[] = ['builtin', 'azmlinfsrv'];

/**
 * Input `preflight` as written: `auto` runs it for cloud targets when python3 is on PATH; `strict` runs it as
 * `true` does and also stops the run when the sample's answer differs from the expected one.
 */
export type PreflightMode = 'auto' | 'true' | 'strict' | 'false';
export const PREFLIGHT_MODES: readonly PreflightMode[] = ['auto', 'true', 'strict', 'false'];

/** The server that runs the scoring script on the runner, resolved to a program. */
export type InferenceServerChoice =
  | { kind: 'builtin' }
  /**
   * The official azureml-inference-server-http launcher, at `command`; absent only when it is not installed
   * and nothing runs locally, so it is not needed.
   */
  | { kind: 'azmlinfsrv'; command?: string };

/**
 * Where the deployment goes and what runs on the runner first. Absent from a configuration built by hand
 * (tests): that means `azure` without preflight.
 */
export interface TargetConfig {
  kind: TargetKind;
  /** The Python interpreter on PATH; set whenever a local server will run (target local or preflight). */
  python?: string;
  /** `builtin` unless `inference-server: azmlinfsrv`, which is then resolved to the program on PATH. */
  inferenceServer: InferenceServerChoice;
  /** Input `preflight` as written. */
  preflightMode: PreflightMode;
  /** Whether the preflight stage runs: `preflightMode` resolved against the target, the model and PATH. */
  preflight: boolean;
}

type Report = (problem: ConfigurationProblem) => void;

/** Input `target`, read first: it decides whether Azure inputs (subscription, resource group) are required. */
export function parseTargetKind(inputs: RawInputs, report: Report): TargetKind {
  const parsed = parseChoice('target', inputs.target || 'azure', TARGET_KINDS);
  if (parsed.problem) report({ ...parsed.problem, fix: "Write 'azure' (the default) or 'local'." });
  return parsed.value ?? 'azure';
}

/**
 * Resolves `target`, `inference-server` and `preflight` against the model configuration and the runner's
 * PATH. A local run needs Python and model files and code on the runner; an asked-for `azmlinfsrv` must be
 * installed. Preflight under `auto` quietly stays off when it cannot run; asked for with `true`, it must.
 */
export async function loadTargetConfig(
  inputs: RawInputs,
  kind: TargetKind,
  ml: MlConfig | undefined,
  runner: RunnerContext,
  report: Report
): Promise<TargetConfig> {
  const server = parseChoice(
    'inference-server',
    inputs['inference-server'] || 'builtin',
    INFERENCE_SERVER_KINDS
  );
  if (server.problem) report({ ...server.problem, fix: "Write 'builtin' (the default) or 'azmlinfsrv'." });
  const mode = parseChoice('preflight', inputs.preflight || 'auto', PREFLIGHT_MODES);
  if (mode.problem)
    report({ ...mode.problem, fix: "Write 'auto' (the default), 'true', 'strict' or 'false'." });
  const preflightMode = mode.value ?? 'auto';
  const python = await findPython(runner.path);
  if (kind === 'local') localTargetProblems(inputs, ml, python).forEach(report);
  const modelInputs = MODEL_DEPLOYMENT_INPUTS.some(name => inputs[name] !== '');
  const preflight = kind === 'azure' && wantsPreflight(preflightMode, ml, modelInputs, python, report);
  const runsLocally = kind === 'local' || preflight;
  let inferenceServer: InferenceServerChoice = { kind: 'builtin' };
  if (server.value === 'azmlinfsrv') {
    const command = await findInferenceServerCommand(runner.path);
    if (!command && runsLocally) report(azmlinfsrvMissing());
    inferenceServer = { kind: 'azmlinfsrv', ...(command ? { command } : {}) };
  }
  return {
    kind,
    ...(python && runsLocally ? { python } : {}),
    inferenceServer,
    preflightMode,
    preflight
  };
}

/** What `target: local` needs: a model deployment whose model and code are files in the repository, and Python. */
function localTargetProblems(
  inputs: RawInputs,
  ml: MlConfig | undefined,
  python: string | undefined
): ConfigurationProblem[] {
  const problems: ConfigurationProblem[] = [];
  if (!python) {
    problems.push({
      input: 'target',
      message: "is 'local', but no python3 is on PATH to run the scoring script.",
      fix: "Add actions/setup-python (and install the environment's packages) before this step."
    });
  }
  if (!ml) {
    if (!MODEL_DEPLOYMENT_INPUTS.some(name => inputs[name] !== ''))
      problems.push({
        input: 'target',
        message: "is 'local', but no model deployment is configured.",
        fix: "Set 'deployment-file', or 'model-path' and 'scoring-script'."
      });
    return problems; // the model inputs' own problems are reported by the model configuration
  }
  return [...problems, ...runnerFilesProblems(ml, 'target')];
}

/** The model and code must be files on the runner: a registered asset is only in Azure. */
function runnerFilesProblems(ml: MlConfig, input: 'target' | 'preflight'): ConfigurationProblem[] {
  const { model, codeConfiguration } = ml.deployment;
  const asked = input === 'target' ? "is 'local'" : "is 'true'";
  const problems: ConfigurationProblem[] = [];
  if (model?.kind === 'registered') {
    problems.push({
      input,
      message: `${asked}: the model must be files on the runner, but it is the registered ${model.reference}.`,
      fix: "Give the model's files with 'model-path' (or 'model.path' in the deployment file)."
    });
  }
  if (codeConfiguration?.code.kind === 'registered') {
    problems.push({
      input,
      message: `${asked}: the scoring script must be in the repository, but the code is the registered ${codeConfiguration.code.reference}.`,
      fix: "Give the code folder with 'code-path' or 'scoring-script'."
    });
  }
  return problems;
}

function wantsPreflight(
  mode: PreflightMode,
  ml: MlConfig | undefined,
  modelInputs: boolean,
  python: string | undefined,
  report: Report
): boolean {
  if (mode === 'false') return false;
  const runnable =
    ml?.deployment.codeConfiguration !== undefined && runnerFilesProblems(ml, 'preflight').length === 0;
  if (mode === 'auto') return runnable && python !== undefined;
  if (!python) {
    report({
      input: 'preflight',
      message: `is '${mode}', but no python3 is on PATH to run the scoring script.`,
      fix: "Add actions/setup-python before this step, or set 'preflight: auto'."
    });
  }
  // With model inputs but no `ml`, their own problems are reported; preflight's would only repeat them.
  if (!ml && !modelInputs) {
    report({
      input: 'preflight',
      message: `is '${mode}', but no model deployment is configured: there is no scoring script to try.`,
      fix: "Set 'deployment-file' (or 'model-path' and 'scoring-script'), or remove 'preflight'."
    });
  } else if (ml) runnerFilesProblems(ml, 'preflight').forEach(report);
  return runnable && python !== undefined;
}

function azmlinfsrvMissing(): ConfigurationProblem {
  return {
    input: 'inference-server',
    message: "is 'azmlinfsrv', but azmlinfsrv (azureml-inference-server-http) is not on PATH.",
    fix: `Install it in a step before this one (\`${AZMLINFSRV_INSTALL}\`), or use 'builtin'.`
  };
}
