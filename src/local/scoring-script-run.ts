import type { ActionConfig } from '../config/config.js';
import type { InferenceServerChoice } from '../config/target-config.js';
import type { LocalPath } from '../config/ml-specs.js';
import type { StageName } from '../run/stage.js';
import type { StageServices } from '../run/stage.js';
import {
  LocalServerStartError,
  startLocalServer,
  type LocalServer,
  type LocalServerOptions
} from './local-server.js';
import { mountModel, type ModelMount } from './model-mount.js';
import { ScoringScriptError } from '../scoring-script/scoring-script-error.js';
import {
  gpuFinding,
  missingPackage,
  missingPackageFinding,
  needsGpu,
  scriptDisplayPath,
  startupFinding,
  type LocalRunPurpose,
  type ScriptFiles
} from './script-findings.js';

/** Everything needed to run the deployment's scoring script on the runner. */
export interface LocalRunSpec {
  python: string;
  server: InferenceServerChoice;
  model: LocalPath;
  files: ScriptFiles;
  environmentVariables: Record<string, string>;
  requestTimeoutMs?: number;
  maxConcurrentRequests?: number;
}

/** A server that came up: stop it (and remove the model folder) with `stop`. */
export interface RunningScript {
  server: LocalServer;
  mount: ModelMount;
  initMs: number;
  stop(): Promise<void>;
}

/** Longest a local import + init() may take; a model that loads longer is cut by the run's deadline first. */
const STARTUP_LIMIT_MS = 30 * 60_000;

/**
 * The local run of the configured deployment. The configuration guarantees (target-config.ts) that a run
 * which gets here has Python, model files and code in the repository; anything else is a defect.
 */
export function localRunSpec(config: ActionConfig): LocalRunSpec {
  const deployment = config.ml?.deployment;
  const model = deployment?.model;
  const code = deployment?.codeConfiguration;
  const python = config.target?.python;
  if (model?.kind !== 'local' || code?.code.kind !== 'path' || !python)
    throw new Error(
      'A local run needs python3, model files and a code folder; the configuration let it through.'
    );
  const settings = deployment!.requestSettings;
  return {
    python,
    server: config.target!.inferenceServer,
    model: model.path,
    files: { code: code.code, scoringScript: code.scoringScript },
    environmentVariables: deployment!.environmentVariables,
    ...(settings?.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    ...(settings?.maxConcurrentRequestsPerInstance
      ? { maxConcurrentRequests: settings.maxConcurrentRequestsPerInstance }
      : {})
  };
}

/**
 * Starts the scoring script under the local server and waits for init() to finish. A failure becomes a finding
 * at the user's line and a {@link ScoringScriptError}; a package the runner lacks is, for preflight only, a
 * warning and `undefined` (init() could not run, the cloud image is expected to have the package).
 */
export async function startScoringScript(
  spec: LocalRunSpec,
  context: StageServices,
  stage: StageName,
  purpose: LocalRunPurpose
): Promise<RunningScript | undefined> {
  const mount = mountModel(spec.model);
  const started = Date.now();
  context.log.info(
    `Starting ${scriptDisplayPath(spec.files)} with the ${describeServer(spec.server)}; AZUREML_MODEL_DIR holds ${spec.model.displayPath} (${mount.how}).`
  );
  try {
    const server = await startLocalServer(serverOptions(spec, mount, context, purpose));
    const initMs = Date.now() - started;
    const stop = async (): Promise<void> => {
      await server.stop();
      mount.dispose();
    };
    return { server, mount, initMs, stop };
  } catch (error) {
    mount.dispose();
    if (!(error instanceof LocalServerStartError)) throw error;
    const pkg = missingPackage(error.failure, spec.files.code);
    const finding = pkg
      ? missingPackageFinding(error.failure, spec.files, stage, purpose, pkg)
      : purpose === 'preflight' && needsGpu(error.failure)
        ? gpuFinding(error.failure, spec.files)
        : startupFinding(error.failure, spec.files, stage, purpose, error.logs);
    context.findings.add(finding);
    if (finding.severity === 'warning') return undefined;
    throw new ScoringScriptError(`${finding.title}: ${finding.cause}`);
  }
}

function serverOptions(
  spec: LocalRunSpec,
  mount: ModelMount,
  context: StageServices,
  purpose: LocalRunPurpose
): LocalServerOptions {
  // A local run's server log is what the user debugs with; preflight's is only read when it fails (the
  // finding carries its tail), so on a cloud run it stays out of the way in the debug log.
  const write = (line: string): void =>
    purpose === 'local' ? context.log.info(line) : context.log.debug(line);
  return {
    python: spec.python,
    modelDir: mount.modelDir,
    entryScript: spec.files.scoringScript,
    sourceDir: spec.files.code.absolutePath,
    env: spec.environmentVariables,
    ...(spec.server.kind === 'azmlinfsrv' && spec.server.command ? { azmlinfsrv: spec.server.command } : {}),
    ...(spec.requestTimeoutMs ? { requestTimeoutMs: spec.requestTimeoutMs } : {}),
    ...(spec.maxConcurrentRequests ? { maxConcurrentRequests: spec.maxConcurrentRequests } : {}),
    startupTimeoutMs: Math.max(1000, Math.min(STARTUP_LIMIT_MS, context.deadline.remainingMs())),
    signal: context.deadline.signal,
    // The script's own output (print, logging) is what the user debugs with; the log masks known secrets.
    onLog: (line: string) => {
      if (!isRunnerMarker(line)) write(`  │ ${context.redactor.redact(line)}`);
    }
  };
}

/**
 * The server's log once it has settled. The server writes run()'s traceback before it answers, but the answer
 * (a socket) can reach us before the log lines (a pipe) are read: wait until no line arrived for `quietMs`,
 * at most `maxMs`.
 */
export async function settledLogs(server: LocalServer, quietMs = 150, maxMs = 2000): Promise<string[]> {
  const until = Date.now() + maxMs;
  let seen = server.logs();
  for (;;) {
    await new Promise(resolve => setTimeout(resolve, quietMs));
    const now = server.logs();
    const grew = now.length !== seen.length || now[now.length - 1] !== seen[seen.length - 1];
    if (!grew || Date.now() >= until) return now;
    seen = now;
  }
}

/**
 * The built-in server's machine-readable lines for the runner (port, failure details): read by
 * local-server.ts, noise in the log the user reads.
 */
export function isRunnerMarker(line: string): boolean {
  return line.startsWith('AZUREML_LOCAL_LISTENING ') || line.startsWith('AZUREML_LOCAL_FAILURE ');
}

/** "built-in inference server" or "official inference server (azmlinfsrv)". */
export function describeServer(server: InferenceServerChoice): string {
  return server.kind === 'builtin' ? 'built-in inference server' : 'official inference server (azmlinfsrv)';
}
