/**
 * Starts the local inference server (inference_server.py, next to this file) on the user's scoring script
 * and waits until it answers its liveness probe — or until it exits, in which case the caller gets the
 * parsed startup failure (file, line, traceback, model directory listing) instead of a bare exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseInitFailure, type InitFailure } from '../scoring-script/init-failure.js';

export interface LocalServerOptions {
  /** The Python interpreter; default `python3` (`python` on Windows). */
  python?: string;
  modelDir: string;
  /** The scoring script; relative paths resolve against `sourceDir` when given. */
  entryScript: string;
  sourceDir?: string;
  /** 0 or absent: the server picks a free port. */
  port?: number;
  /**
   * Extra environment for the script. The server does NOT inherit this process's environment (which on a
   * runner holds tokens and inputs); it gets PATH, HOME, locale and Python/conda variables plus these.
   */
  env?: Record<string, string>;
  /** Like a deployment's max_concurrent_requests_per_instance; default 1. */
  maxConcurrentRequests?: number;
  /** Requests allowed to wait for a free slot; more are rejected with `rejectStatus`. Default: unbounded. */
  maxQueue?: number;
  /** The status for a rejected request; default 503. */
  rejectStatus?: number;
  /** Per-request scoring timeout (the real server's SCORING_TIMEOUT_MS); default 1 hour, as there. */
  requestTimeoutMs?: number;
  /** How long import + init() may take before the start is abandoned; default 120 s. */
  startupTimeoutMs?: number;
  /** Called with every line the server writes, stdout and stderr. */
  onLog?(line: string): void;
  /** Override the server script's location (tests, or a dist/ layout that differs). */
  serverScript?: string;
  /**
   * Run the official `azmlinfsrv` launcher at this path instead of the built-in server. It prints no port line,
   * so a free port is chosen first (or `port` is used), and readiness is its own `GET /` answering 200.
   */
  azmlinfsrv?: string;
  /** Aborting stops a server still starting and rejects with the signal's reason (the run's deadline). */
  signal?: AbortSignal;
}

export interface LocalServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LocalServer {
  port: number;
  pid: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `http://127.0.0.1:<port>/score` */
  scoringUrl: string;
  /** Every line logged so far (the most recent {@link LOG_LINE_LIMIT}). */
  logs(): string[];
  exited: Promise<LocalServerExit>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<LocalServerExit>;
}

/** The server did not come up. `failure` says why, as precisely as the log allows. */
export class LocalServerStartError extends Error {
  constructor(
    message: string,
    readonly failure: InitFailure,
    readonly exit: LocalServerExit | undefined,
    readonly logs: string[]
  ) {
    super(message);
    this.name = 'LocalServerStartError';
  }
}

export const LOG_LINE_LIMIT = 5000;
const LISTENING_MARKER = 'AZUREML_LOCAL_LISTENING ';
const HOST = '127.0.0.1';
/** Variables a Python interpreter or conda environment needs; nothing else of the runner's is passed on. */
const INHERITED_ENV = [
  'PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT', 'WINDIR',
  'PYTHONPATH', 'PYTHONHOME', 'VIRTUAL_ENV', 'CONDA_PREFIX', 'CONDA_DEFAULT_ENV', 'LD_LIBRARY_PATH'
]; // prettier-ignore

/**
 * Where inference_server.py is: next to this module in src/, and in dist/ next to every module of the bundle
 * (scripts/bundle/bundle.ts copies it there).
 */
export function inferenceServerScriptPath(): string {
  return fileURLToPath(new URL('./inference_server.py', import.meta.url));
}

/** Starts the server and resolves once `GET /` answers 200; rejects with {@link LocalServerStartError}. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const lines: string[] = [];
  const launch = await launchCommand(options);
  const child = spawn(launch.command, launch.args, {
    env: serverEnv(options),
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.azmlinfsrv && options.sourceDir ? { cwd: options.sourceDir } : {})
  });
  let spawnFailure: Error | undefined;
  const exited = new Promise<LocalServerExit>(resolve => {
    // 'close', not 'exit': every line of output has been read by then, so a failure can be parsed whole.
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', error => {
      spawnFailure = error; // e.g. ENOENT: no such Python
      resolve({ code: null, signal: null });
    });
  });
  const port = new Promise<number>(resolve => {
    if (launch.port !== undefined) resolve(launch.port);
    const record = (line: string): void => {
      lines.push(line);
      if (lines.length > LOG_LINE_LIMIT) lines.shift();
      options.onLog?.(line);
      if (line.startsWith(LISTENING_MARKER)) resolve(listeningPort(line));
    };
    createInterface({ input: child.stdout! }).on('line', record);
    createInterface({ input: child.stderr! }).on('line', record);
  });
  const server = {
    pid: child.pid ?? -1,
    logs: () => [...lines],
    exited,
    stop: () => stopProcess(child, exited)
  };
  const outcome = await waitForStart(port, exited, options.startupTimeoutMs ?? 120_000, options.signal);
  if (outcome.kind === 'ready') {
    const url = `http://${HOST}:${outcome.port}`;
    return { ...server, port: outcome.port, url, scoringUrl: `${url}/score` };
  }
  if (outcome.kind !== 'exited') await server.stop();
  if (outcome.kind === 'aborted') throw outcome.reason;
  throw startError(outcome, spawnFailure, lines, options);
}

/** The program and arguments: the built-in server under Python, or the official launcher on a chosen port. */
async function launchCommand(
  options: LocalServerOptions
): Promise<{ command: string; args: string[]; port?: number }> {
  if (!options.azmlinfsrv) {
    const script = options.serverScript ?? inferenceServerScriptPath();
    return { command: pythonCommand(options), args: ['-u', script, ...serverArgs(options)] };
  }
  const port = options.port || (await freePort());
  const entryScript = path.resolve(options.sourceDir ?? '', options.entryScript);
  const args = ['--entry_script', entryScript, '--model_dir', options.modelDir, '--port', String(port)];
  return { command: options.azmlinfsrv, args, port };
}

/** A port nothing listens on right now, from the system (bind to 0, read it, close). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

type StartOutcome =
  | { kind: 'ready'; port: number }
  | { kind: 'exited'; exit: LocalServerExit }
  | { kind: 'timeout'; ms: number }
  | { kind: 'aborted'; reason: unknown };

async function waitForStart(
  port: Promise<number>,
  exited: Promise<LocalServerExit>,
  timeoutMs: number,
  signal: AbortSignal | undefined
): Promise<StartOutcome> {
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  let onAbort: (() => void) | undefined;
  const stopped = Promise.race([
    exited.then(exit => ({ kind: 'exited', exit }) as const),
    new Promise<StartOutcome>(resolve => {
      timer = setTimeout(() => resolve({ kind: 'timeout', ms: timeoutMs }), timeoutMs);
      onAbort = () => resolve({ kind: 'aborted', reason: signal?.reason });
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    })
  ]);
  try {
    const ready = port.then(async p => {
      // The socket is bound before init() runs; it answers once init() is done, like gunicorn's worker.
      while (!settled && !(await isHealthy(p))) await sleep(100);
      return { kind: 'ready', port: p } as const;
    });
    return await Promise.race([ready, stopped]);
  } finally {
    settled = true; // ends the probe loop when the server exited or the start timed out
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}

function startError(
  outcome: Exclude<StartOutcome, { kind: 'ready' } | { kind: 'aborted' }>,
  spawnFailure: Error | undefined,
  lines: string[],
  options: LocalServerOptions
): LocalServerStartError {
  const exit = outcome.kind === 'exited' ? outcome.exit : undefined;
  const parsed = parseInitFailure(lines.join('\n'));
  const failure: InitFailure = parsed ?? {
    code: 'ServerExited',
    message:
      spawnFailure !== undefined
        ? `Could not start ${options.azmlinfsrv ?? pythonCommand(options)}: ${spawnFailure.message}`
        : outcome.kind === 'timeout'
          ? `The server did not answer GET / within ${outcome.ms} ms (import and init() still running?).`
          : `The server exited with ${exit?.code ?? exit?.signal} before answering GET /.`,
    modelDir: options.modelDir,
    modelDirListing: [],
    modelDirListingTruncated: false
  };
  const where = failure.file ? ` at ${failure.file}${failure.line ? `:${failure.line}` : ''}` : '';
  return new LocalServerStartError(
    `Local inference server failed to start (${failure.code})${where}: ${failure.message}`,
    failure,
    exit,
    [...lines]
  );
}

/** The port from `AZUREML_LOCAL_LISTENING {"port": …}`; NaN (never healthy) if the line is damaged. */
function listeningPort(line: string): number {
  try {
    return Number((JSON.parse(line.slice(LISTENING_MARKER.length)) as { port: unknown }).port);
  } catch {
    return Number.NaN;
  }
}

function pythonCommand(options: LocalServerOptions): string {
  return options.python ?? (process.platform === 'win32' ? 'python' : 'python3');
}

function serverArgs(options: LocalServerOptions): string[] {
  const args = ['--host', HOST, '--port', String(options.port ?? 0)];
  args.push('--max-concurrent-requests', String(options.maxConcurrentRequests ?? 1));
  if (options.maxQueue !== undefined) args.push('--max-queue', String(options.maxQueue));
  if (options.rejectStatus !== undefined) args.push('--reject-status', String(options.rejectStatus));
  if (options.requestTimeoutMs !== undefined)
    args.push('--request-timeout-ms', String(options.requestTimeoutMs));
  return args;
}

function serverEnv(options: LocalServerOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  Object.assign(env, options.env, {
    AZUREML_MODEL_DIR: options.modelDir,
    AZUREML_ENTRY_SCRIPT: options.entryScript,
    PYTHONUNBUFFERED: '1',
    PYTHONDONTWRITEBYTECODE: '1'
  });
  if (options.sourceDir) env.AZUREML_SOURCE_DIRECTORY = options.sourceDir;
  if (options.azmlinfsrv) {
    // The official server puts AML_APP_ROOT on sys.path (imports beside score.py) and reads its timeout here.
    if (options.sourceDir) env.AML_APP_ROOT = options.sourceDir;
    if (options.requestTimeoutMs !== undefined) env.SCORING_TIMEOUT_MS = String(options.requestTimeoutMs);
  }
  return env;
}

async function stopProcess(child: ChildProcess, exited: Promise<LocalServerExit>): Promise<LocalServerExit> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
  try {
    return await exited;
  } finally {
    clearTimeout(killer);
  }
}

/** One liveness probe with its own short timeout; no keep-alive, so nothing holds the event loop open. */
function isHealthy(port: number): Promise<boolean> {
  return new Promise(resolve => {
    if (!Number.isInteger(port)) return resolve(false);
    const request = http.get({ host: HOST, port, path: '/', agent: false, timeout: 2000 }, response => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
