import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { RANK, type Evidence, type Finding, type FindingLocation } from '../run/finding.js';
import type { LocalPath } from '../config/ml-specs.js';
import { scriptFailureFromLog } from '../scoring-script/init-traceback.js';
import type { StageName } from '../run/stage.js';
import type { InitFailure } from '../scoring-script/init-failure.js';

/** The scoring script as a local run knows it: the code folder and the script's path inside it. */
export interface ScriptFiles {
  code: LocalPath;
  /** Relative to the code folder, forward slashes. */
  scoringScript: string;
}

/** Which run found the problem: wording and severity differ (a missing package is only a warning in preflight). */
export type LocalRunPurpose = 'preflight' | 'local';

const LOG_TAIL = 30;
const LISTING_SHOWN = 50;

/** The repository path of the scoring script, e.g. `src/score.py`. */
export function scriptDisplayPath(files: ScriptFiles): string {
  return path.posix.join(files.code.displayPath, files.scoringScript);
}

/**
 * A package the script imports that is not part of its code folder: the cloud image is expected to have it,
 * the runner does not. Undefined when the failure is something else (or the module is the user's own).
 */
export function missingPackage(failure: InitFailure, code: LocalPath): string | undefined {
  if (failure.code !== 'UserScriptImportError' && failure.code !== 'UserScriptInitFailed') return undefined;
  if (failure.exceptionType !== 'ModuleNotFoundError' && failure.exceptionType !== 'ImportError')
    return undefined;
  const module =
    /No module named '([^']+)'/.exec(failure.message)?.[1] ??
    /cannot import name '[^']+' from '([^']+)'/.exec(failure.message)?.[1];
  const top = module?.split('.')[0];
  if (!top) return undefined;
  const own = [top, `${top}.py`].some(name => existsSync(path.join(code.absolutePath, name)));
  return own ? undefined : top;
}

/** The startup failure (import, init(), missing function) as a finding at the user's line. */
export function startupFinding(
  failure: InitFailure,
  files: ScriptFiles,
  stage: StageName,
  purpose: LocalRunPurpose,
  logs: string[]
): Finding {
  const location = locate(failure.file, failure.line, files) ?? { file: scriptDisplayPath(files) };
  const where = `${location.file}${location.line ? `:${location.line}` : ''}`;
  const ran =
    purpose === 'preflight' ? 'on the runner (preflight), before anything was uploaded' : 'on the runner';
  const evidence: Evidence[] = [];
  if (failure.traceback) evidence.push({ title: 'Traceback', text: failure.traceback });
  if (failure.modelDir) evidence.push(listingEvidence(failure));
  evidence.push(logEvidence(logs));
  const located = location.line !== undefined;
  return {
    id: `${purpose}-${failure.code}`,
    stage,
    severity: 'error',
    title: `${purpose === 'preflight' ? 'Preflight: ' : ''}${TITLES[failure.code]}`,
    cause: `${STEP[failure.code]} ${ran}: ${failure.message} (${where}).`,
    fix: fixFor(failure),
    evidence,
    location,
    rank: located ? RANK.rootCauseAtLine : RANK.rootCause
  };
}

/** A package the runner lacks: in preflight a warning (the cloud image has it), locally the failure. */
export function missingPackageFinding(
  failure: InitFailure,
  files: ScriptFiles,
  stage: StageName,
  purpose: LocalRunPurpose,
  pkg: string
): Finding {
  const location = locate(failure.file, failure.line, files) ?? { file: scriptDisplayPath(files) };
  const preflight = purpose === 'preflight';
  return {
    id: `${purpose}-missing-package`,
    stage,
    severity: preflight ? 'warning' : 'error',
    title: `${preflight ? 'Preflight: ' : ''}package '${pkg}' is not installed on the runner`,
    cause: preflight
      ? `The scoring script imports '${pkg}', which the runner's Python does not have (${failure.message}), so preflight could not run init(). The deployment goes on: the cloud environment is expected to provide it.`
      : `The scoring script imports '${pkg}', which the runner's Python does not have (${failure.message}).`,
    fix: preflight
      ? `Make sure the environment (conda file or image) installs '${pkg}', or the deployment fails the same way in Azure. To let preflight run init(), install the environment's packages on the runner before this step (e.g. \`pip install -r requirements.txt\`).`
      : `Install the environment's packages on the runner before this step (e.g. \`pip install -r requirements.txt\`, or the pip packages of the conda file).`,
    evidence: failure.traceback ? [{ title: 'Traceback', text: failure.traceback }] : [],
    location,
    rank: preflight ? RANK.advice : RANK.rootCauseAtLine
  };
}

/**
 * init() failed because the runner has no GPU (CUDA), which the deployment's instance type may well have: a
 * runner cannot tell whether the cloud would fail the same way.
 */
export function needsGpu(failure: InitFailure): boolean {
  return (
    failure.code === 'UserScriptInitFailed' &&
    /\bCUDA\b|NVIDIA driver|no (CUDA )?GPUs? (are )?available|Found no NVIDIA/i.test(failure.message)
  );
}

/** Preflight only: a GPU-bound init() is a warning, and the deployment goes on. */
export function gpuFinding(failure: InitFailure, files: ScriptFiles): Finding {
  const location = locate(failure.file, failure.line, files) ?? { file: scriptDisplayPath(files) };
  return {
    id: 'preflight-needs-gpu',
    stage: 'preflight',
    severity: 'warning',
    title: 'Preflight: init() needs a GPU the runner lacks',
    cause: `init() failed on the runner for want of a GPU (${failure.message}). The deployment goes on: its instance type is expected to have one.`,
    fix: "To check init() before deploying, run preflight on a GPU runner; or set 'preflight: false' to skip it.",
    evidence: failure.traceback ? [{ title: 'Traceback', text: failure.traceback }] : [],
    location,
    rank: RANK.advice
  };
}

/** run() raised on a sample request: the traceback in the server log, at the user's line. */
export function runFailureFinding(
  files: ScriptFiles,
  stage: StageName,
  purpose: LocalRunPurpose,
  sample: { file: string; status: number; body: string },
  logs: string[]
): Finding {
  const failure = scriptFailureFromLog(logs.join('\n'), files.code);
  const location: FindingLocation = failure?.file
    ? { file: failure.file, ...(failure.line ? { line: failure.line } : {}) }
    : { file: scriptDisplayPath(files) };
  const exception = failure ? `${failure.exceptionType}: ${failure.exceptionMessage}` : sample.body;
  return {
    id: `${purpose}-run-failed`,
    stage,
    severity: 'error',
    title: `${purpose === 'preflight' ? 'Preflight: ' : ''}run() failed on the sample request`,
    cause: `run() answered ${sample.status} to ${sample.file} on the runner: ${exception} (${location.file}${location.line ? `:${location.line}` : ''}).`,
    fix: 'Fix run() for this input (it is what the endpoint will receive), or correct the sample request.',
    evidence: [logEvidence(logs)],
    location,
    rank: location.line ? RANK.rootCauseAtLine : RANK.rootCause
  };
}

/** A frame's absolute file, mapped into the repository through the code folder; undefined when outside it. */
function locate(
  file: string | undefined,
  line: number | undefined,
  files: ScriptFiles
): FindingLocation | undefined {
  if (!file) return undefined;
  let real = file;
  try {
    real = realpathSync(file);
  } catch {
    // a frame of a file that is gone: compare the path as printed
  }
  const inside = path.relative(files.code.absolutePath, real);
  if (inside.startsWith('..') || path.isAbsolute(inside)) return undefined;
  const repoPath = path.posix.join(files.code.displayPath, inside.split(path.sep).join('/'));
  return { file: repoPath, ...(line ? { line } : {}) };
}

const TITLES: Record<InitFailure['code'], string> = {
  UserScriptImportError: 'scoring script failed to import',
  UserScriptFunctionNotFound: 'scoring script lacks init() or run()',
  UserScriptInvalidRunSignature: 'run() has a signature the server cannot call',
  UserScriptInitFailed: 'scoring script init() failed',
  EntryScriptNotFound: 'scoring script not found',
  ServerExited: 'inference server did not start'
};

const STEP: Record<InitFailure['code'], string> = {
  UserScriptImportError: 'Importing the scoring script failed',
  UserScriptFunctionNotFound: 'The scoring script cannot serve',
  UserScriptInvalidRunSignature: 'The scoring script cannot serve',
  UserScriptInitFailed: 'init() raised',
  EntryScriptNotFound: 'The inference server found no scoring script',
  ServerExited: 'The inference server stopped'
};

function fixFor(failure: InitFailure): string {
  if (failure.code === 'UserScriptFunctionNotFound')
    return `Define ${failure.function ?? 'init'}() at module level in the scoring script.`;
  if (failure.code === 'UserScriptInvalidRunSignature')
    return 'Declare run(data) (optionally with request_headers); *args, **kwargs and positional-only parameters are not supported.';
  if (failure.code === 'ServerExited')
    return 'Check the server log below; with inference-server: azmlinfsrv, check that it runs in this Python environment.';
  if (failure.exceptionType === 'FileNotFoundError')
    return 'Read model files under os.environ["AZUREML_MODEL_DIR"]: a model registered from a folder `model` is at $AZUREML_MODEL_DIR/model/ (the listing below shows what the folder holds).';
  return 'Fix the line the traceback ends in (the same error would stop the container in Azure), then run again.';
}

function listingEvidence(failure: InitFailure): Evidence {
  const shown = failure.modelDirListing.slice(0, LISTING_SHOWN).map(e => `$AZUREML_MODEL_DIR/${e.path}`);
  const more =
    failure.modelDirListing.length > LISTING_SHOWN || failure.modelDirListingTruncated ? ['…'] : [];
  return {
    title: 'Model directory (AZUREML_MODEL_DIR)',
    text: shown.length > 0 ? [...shown, ...more].join('\n') : '(empty)'
  };
}

function logEvidence(logs: string[]): Evidence {
  const lines = logs.filter(line => !/^AZUREML_LOCAL_(LISTENING|FAILURE) /.test(line));
  return { title: `Inference server log (last ${LOG_TAIL} lines)`, text: lines.slice(-LOG_TAIL).join('\n') };
}
