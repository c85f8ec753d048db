import { innermostUserFrame } from '../scoring-script/python-traceback.js';
import { parseInitFailure, type InitFailure } from '../scoring-script/init-failure.js';
import type { CatalogueEntry, Explanation } from './explanation.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import { findCode, messagesOf, type FailureFacts } from './failure-facts.js';
import type { Evidence, FindingLocation } from '../run/finding.js';
import { safeForFence, tail } from '../scoring-script/log-excerpt.js';
import {
  compareModelPath,
  describeMismatch,
  modelPathExpression,
  openedPath,
  type ModelPathMismatch
} from './model-listing.js';
import { repositoryPath } from '../scoring-script/repository-path.js';

const CRASH_CODES = [
  'ResourceNotReady',
  'DeploymentCrashLoopBackOff',
  'UserScriptInitFailed',
  'UserScriptImportError',
  'UserScriptFunctionNotFound'
];

function logEvidence(title: string, text: string | undefined): Evidence[] {
  return text ? [{ title, text: tail(text) }] : [];
}

type StorageReason = 'missing' | 'permission' | 'other';

function storageReason(text: string): StorageReason {
  if (
    /AuthorizationPermissionMismatch|AuthorizationFailure|AuthenticationFailed|\b403\b|Forbidden|not authorized/i.test(
      text
    )
  )
    return 'permission';
  if (/BlobNotFound|ContainerNotFound|no blob named|does not exist|\b404\b|not found/i.test(text))
    return 'missing';
  return 'other';
}

const STORAGE_FIX: Record<StorageReason, string> = {
  missing:
    'The registered version points at a storage path without files (deleted blobs, or a version registered by hand with a wrong path). Run again with the model path (the action uploads and registers a new version), or register the model again with a path that holds its files.',
  permission:
    "Give the endpoint's identity read access to the workspace storage account (role 'Storage Blob Data Reader'; a system-assigned identity gets it when the endpoint is created by the workspace), then run again.",
  other:
    'Read the storage initializer log below for the reason, fix the asset or the storage, then run again.'
};

const storageInitializer: CatalogueEntry = {
  id: 'model-download-failed',
  stages: ['deployment'],
  recognisedBy:
    "'Unable to download user model/code' (BadArgument) or ERROR lines in the StorageInitializer log; BlobNotFound → missing blob / wrong path, 403 / AuthorizationPermissionMismatch → permission",
  explain(facts) {
    const log = facts.containerLogs?.storageInitializer ?? '';
    const message = messagesOf(facts).find(text => /Unable to download user/i.test(text));
    const logError = log.split('\n').find(line => /\| ERROR \||Failed to download/i.test(line));
    if (!message && !logError) return undefined;
    const what =
      /download user (\w+)/i.exec(message ?? '')?.[1] ??
      /download (\w+)/i.exec(logError ?? '')?.[1] ??
      'model';
    const reason = storageReason(`${message ?? ''}\n${logError ?? ''}`);
    const headline = {
      missing: 'its files are not at the registered path',
      permission: 'the container may not read the storage',
      other: 'the download failed'
    }[reason];
    return {
      title: `The ${what} could not be downloaded`,
      cause:
        `The storage initializer could not download the ${what} into the container: ${headline}. ${message ?? logError ?? ''}`.trim(),
      fix: STORAGE_FIX[reason],
      evidence: logEvidence('StorageInitializer log (last lines)', log)
    };
  }
};

/** Where the script failed, in the repository: the innermost user frame, else the entry script. */
function scriptLocation(
  failure: InitFailure,
  env: DiagnosisEnv
): (FindingLocation & { function?: string }) | undefined {
  const frame = failure.parsedTraceback ? innermostUserFrame(failure.parsedTraceback.frames) : undefined;
  const file = frame?.file ?? failure.file;
  const line = frame?.line ?? failure.line;
  const mapped = file ? repositoryPath(file, env.codeFolder) : undefined;
  const inFunction = frame?.function ?? failure.function;
  if (mapped)
    return { file: mapped, ...(line ? { line } : {}), ...(inFunction ? { function: inFunction } : {}) };
  if (env.codeFolder && env.scoringScript)
    return { file: `${env.codeFolder.displayPath}/${env.scoringScript}`.replace(/^\.\//, '') };
  return undefined;
}

function modelMismatch(failure: InitFailure, env: DiagnosisEnv): ModelPathMismatch | undefined {
  const opened = openedPath(failure.message) ?? openedPath(failure.traceback ?? '');
  if (!opened) return undefined;
  const serverFiles = failure.modelDirListing.map(entry => entry.path);
  const files = serverFiles.length > 0 ? serverFiles : (env.model?.files ?? []);
  if (files.length === 0 && !env.model) return undefined;
  return compareModelPath(opened, failure.modelDir, files);
}

const FIXES: Record<string, string> = {
  UserScriptInitFailed:
    'Fix init() where the traceback points, test it locally (target: local), then run again.',
  UserScriptImportError:
    "The scoring script failed while being imported: fix the syntax error, or add the missing package to the environment's conda file (or the missing module to the code folder).",
  UserScriptFunctionNotFound: 'Define both init() and run(raw_data) at the top level of the scoring script.',
  UserScriptInvalidRunSignature: 'Give run() exactly one input argument: def run(raw_data).',
  EntryScriptNotFound:
    "The scoring script is not where 'scoring_script' says: the path is relative to the code folder ('code').",
  ServerExited: 'Read the inference server log below for why the container exited.'
};

/** A module the image lacks: name it and the conda file to add its package to. */
function missingModuleFix(failure: InitFailure, env: DiagnosisEnv): string | undefined {
  const module = /No module named '([^']+)'/.exec(failure.message)?.[1];
  if (!module) return undefined;
  const top = module.split('.')[0]!;
  const conda = env.condaFile?.displayPath ?? "the environment's conda file";
  return `The environment has no module '${module}': add the package that provides '${top}' to ${conda} (under 'pip:' for PyPI packages; the package name may differ from the module's), or add ${top}.py to the code folder if it is yours.`;
}

function scriptFailure(facts: FailureFacts, env: DiagnosisEnv): Explanation | undefined {
  const log = facts.containerLogs?.inferenceServer;
  const failure = log ? parseInitFailure(log) : undefined;
  if (!failure || failure.code === 'ServerExited') return undefined;
  const { function: inFunction, ...location } = scriptLocation(failure, env) ?? { file: '' };
  const mismatch = modelMismatch(failure, env);
  const where = location.line
    ? ` (${location.file} line ${location.line}${inFunction ? `, in ${inFunction}` : ''})`
    : '';
  const mismatchText = mismatch
    ? mismatch.closest
      ? ` Your code opened ${mismatch.relative !== undefined ? `'${mismatch.relative}' in the model directory` : `'${mismatch.opened}'`}; the model directory contains '${mismatch.closest}'.`
      : ` Your code opened '${mismatch.opened}', which is not among the model directory's ${mismatch.files.length} file(s).`
    : '';
  return {
    title: 'Scoring script failed',
    cause: `The scoring script failed while the container started (${failure.code}): ${failure.message}${where}.${mismatchText}`,
    fix: mismatch?.closest
      ? `Open the model file as ${modelPathExpression(mismatch.closest)}: Azure ML mounts a model registered from a folder under that folder's name.`
      : (missingModuleFix(failure, env) ?? FIXES[failure.code] ?? FIXES.ServerExited!),
    evidence: [
      ...(failure.traceback
        ? [{ title: 'Traceback (from the InferenceServer log)', text: safeForFence(failure.traceback) }]
        : []),
      ...(mismatch ? [{ title: 'Model directory', text: describeMismatch(mismatch) }] : []),
      ...(failure.traceback ? [] : logEvidence('InferenceServer log (last lines)', log))
    ],
    ...(location.file ? { location } : {})
  };
}

const containerStart: CatalogueEntry = {
  id: 'container-start-failed',
  stages: ['deployment'],
  recognisedBy:
    'ResourceNotReady, DeploymentCrashLoopBackOff or UserScript* codes, or a startup failure in the InferenceServer log: the init() traceback mapped to the repository, and the model directory listing',
  explain(facts, env) {
    const script = scriptFailure(facts, env);
    if (script) return script;
    const found = findCode(facts, CRASH_CODES);
    if (!found) return undefined;
    const log = facts.containerLogs?.inferenceServer;
    const oom = /OOMKilled|out of memory|MemoryError/i.test(`${found.message}\n${log ?? ''}`);
    return {
      title: 'Inference container did not start',
      cause: `The inference container did not become ready (${found.code}): ${found.message}${oom ? ' The log shows it ran out of memory.' : ''}`,
      fix: oom
        ? 'Choose an instance_type with more memory, or load less in init() (a smaller model, lazy loading).'
        : "Read the InferenceServer log below: check init() runs locally (target: local), the environment has the packages score.py imports, and the readiness probe's initial_delay allows for loading the model.",
      evidence: logEvidence('InferenceServer log (last lines)', log)
    };
  }
};

/** Model download (storage initializer) and container start (init()). */
export const containerEntries: readonly CatalogueEntry[] = [storageInitializer, containerStart];
