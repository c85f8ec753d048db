import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
// Known gap (emulator/README.md, "What the stand-in still does not do"): the inference container still runs
// the product's local server; the stand-in's own imitation of azureml-inference-server is not written yet.
// eslint-disable-next-line no-restricted-imports
import {
  LocalServerStartError,
  startLocalServer,
  type LocalServer
} from '../../../src/local/local-server.js';
import type { BlobLocation, WorkspaceStorage } from './blob-storage.js';
import { buildImage } from './image-build.js';
import { deploymentFailures } from './ml-errors.js';
import type { MlOutcome } from './ml-operations.js';

export type ComputeType = 'Managed' | 'Kubernetes';

/** Everything a deployment run needs, resolved from the ARM documents by the deployment handler. */
export interface DeploymentSpec {
  id: string;
  compute: ComputeType;
  model?: { name: string; version: string; uri: string; location: BlobLocation | { error: string } };
  code?: { uri: string; location: BlobLocation | { error: string }; scoringScript: string };
  environment: { condaFile?: string; image?: string };
  environmentVariables: Record<string, string>;
  maxConcurrentRequestsPerInstance: number;
  instanceCount: number;
  requestTimeoutMs: number;
  storage: WorkspaceStorage;
  storageAccountName: string;
  unavailablePackages: ReadonlySet<string>;
  timing: {
    imageBuildMs: number;
    crashLoopWindowMs: number;
    crashLoopBackoffMs: number;
    startTimeoutMs: number;
  };
}

/** The live state of one deployment: its logs and, once ready, its inference server. */
export interface DeploymentRun {
  spec: DeploymentSpec;
  storageInitializerLog: string[];
  inferenceServerLog: string[];
  server?: LocalServer;
  restarts: number;
}

const LOG_LIMIT = 10_000;

function push(log: string[], line: string): void {
  log.push(line);
  if (log.length > LOG_LIMIT) log.shift();
}

function stamp(level: string, message: string): string {
  return `${new Date().toISOString()} | ${level} | ${message}`;
}

/** Waits `ms`, in short steps so that a stopped run stops waiting within 50 ms. */
async function sleep(ms: number, signal: { stopped: boolean }): Promise<void> {
  const until = Date.now() + ms;
  while (!signal.stopped && Date.now() < until) {
    await new Promise(resolve => setTimeout(resolve, Math.min(50, until - Date.now())));
  }
}

interface Attempt {
  run: DeploymentRun;
  signal: { stopped: boolean };
  workDir?: string;
  done?: Promise<MlOutcome>;
}

/**
 * Runs deployments as Azure does, in phases: image build → storage initializer (model and code from blob
 * storage) → inference server container (the project's local server running the user's score.py, restarted
 * with back-off while init() crashes) → ready. Keeps every run's logs for getLogs and its server for scoring.
 */
export class DeploymentRuntime {
  readonly #runs = new Map<string, DeploymentRun>();
  readonly #attempts = new Map<string, Attempt>();
  readonly #workDirs = new Set<string>();
  /** Replaced containers still shutting down; stopAll waits for them. */
  readonly #retiring = new Set<Promise<unknown>>();

  /** The run of a deployment (lower-cased id), if it ever started. */
  get(id: string): DeploymentRun | undefined {
    return this.#runs.get(id.toLowerCase());
  }

  /**
   * Starts (or restarts, for an update) a deployment. The previous server keeps serving until the new one is
   * ready, as a rolling update does; a failed update leaves it in place.
   */
  start(spec: DeploymentSpec): Promise<MlOutcome> {
    const key = spec.id.toLowerCase();
    const previous = this.#attempts.get(key);
    if (previous) previous.signal.stopped = true;
    const old = this.#runs.get(key);
    const run: DeploymentRun = {
      spec,
      storageInitializerLog: [],
      inferenceServerLog: [],
      server: old?.server,
      restarts: 0
    };
    const attempt: Attempt = { run, signal: { stopped: false } };
    this.#attempts.set(key, attempt);
    this.#runs.set(key, run);
    attempt.done = this.#execute(attempt).catch(error => ({
      status: 'Failed' as const,
      error: {
        code: 'InternalServerError',
        message: `The emulated deployment failed: ${(error as Error).message}`
      }
    }));
    return attempt.done;
  }

  async #execute(attempt: Attempt): Promise<MlOutcome> {
    const { run } = attempt;
    const built = await this.#buildImage(attempt);
    if (built) return built;
    const workDir = await mkdtemp(path.join(tmpdir(), 'ml-deployment-'));
    this.#workDirs.add(workDir);
    attempt.workDir = workDir;
    const downloaded = await this.#initializeStorage(attempt, workDir);
    if ('status' in downloaded) return downloaded;
    return this.#startContainer(attempt, downloaded.modelDir, downloaded.codeDir, run.server);
  }

  async #buildImage(attempt: Attempt): Promise<MlOutcome | undefined> {
    const { spec } = attempt.run;
    if (spec.environment.condaFile === undefined) return undefined; // a prebuilt image is used as it is
    await sleep(spec.timing.imageBuildMs, attempt.signal);
    if (attempt.signal.stopped) return { status: 'Canceled' };
    const imageId = randomUUID().replace(/-/g, '');
    const build = buildImage(
      imageId,
      spec.environment.condaFile,
      spec.unavailablePackages,
      spec.environment.image
    );
    const logPath = `ImageLogs/${imageId}/build.log`;
    await spec.storage.upload({ container: 'azureml', path: logPath }, build.log);
    if (build.ok) return undefined;
    return { status: 'Failed', error: deploymentFailures.imageBuild(spec.storageAccountName, logPath) };
  }

  async #initializeStorage(
    attempt: Attempt,
    workDir: string
  ): Promise<{ modelDir: string; codeDir?: string } | MlOutcome> {
    const { spec, storageInitializerLog: log } = attempt.run;
    const modelDir = spec.model
      ? path.join(workDir, 'azureml-models', spec.model.name, spec.model.version)
      : path.join(workDir, 'azureml-models');
    const codeDir = spec.code ? path.join(workDir, 'azureml-app') : undefined;
    push(log, stamp('INFO', 'Storage initializer started'));
    const assets = [
      ...(spec.model
        ? [{ what: 'model', uri: spec.model.uri, location: spec.model.location, target: modelDir }]
        : []),
      ...(spec.code && codeDir
        ? [{ what: 'code', uri: spec.code.uri, location: spec.code.location, target: codeDir }]
        : [])
    ];
    let sourceDir = codeDir;
    for (const asset of assets) {
      push(log, stamp('INFO', `Downloading ${asset.what} from ${asset.uri} to ${asset.target}`));
      const files = await this.#download(attempt, asset.what, asset.uri, asset.location, asset.target);
      if (!Array.isArray(files)) return files;
      // scoringScript is relative to the code asset's folder, which keeps its name under the target.
      const folder = files[0]?.split('/')[0];
      if (asset.what === 'code' && folder && files.every(file => file.startsWith(`${folder}/`))) {
        sourceDir = path.join(asset.target, folder);
      }
    }
    push(log, stamp('INFO', 'Storage initializer completed'));
    return { modelDir, codeDir: sourceDir };
  }

  async #download(
    attempt: Attempt,
    what: string,
    uri: string,
    location: BlobLocation | { error: string },
    target: string
  ): Promise<MlOutcome | string[]> {
    const { spec, storageInitializerLog: log } = attempt.run;
    const fail = (reason: string): MlOutcome => {
      push(log, stamp('ERROR', `Failed to download ${what} from ${uri}: ${reason}`));
      return { status: 'Failed', error: deploymentFailures.modelDownload(what, uri, reason) };
    };
    if ('error' in location) return fail(location.error);
    const names = await spec.storage.list(location);
    if (names.length === 0) {
      return fail(
        `BlobNotFound: no blob named '${location.path}' or under '${location.path}/' in container ` +
          `'${location.container}' of storage account '${spec.storageAccountName}'`
      );
    }
    const files = await spec.storage.download(location, names, target);
    for (const file of files) push(log, stamp('INFO', `Downloaded ${what} file ${file}`));
    push(log, stamp('INFO', `Downloaded ${files.length} file(s) for the ${what}`));
    return files;
  }

  async #startContainer(
    attempt: Attempt,
    modelDir: string,
    codeDir: string | undefined,
    previous: LocalServer | undefined
  ): Promise<MlOutcome> {
    const { run, signal } = attempt;
    const { spec } = run;
    const capacity = spec.maxConcurrentRequestsPerInstance * spec.instanceCount;
    const firstCrash = { at: 0 };
    let backoff = spec.timing.crashLoopBackoffMs;
    for (;;) {
      if (signal.stopped) return { status: 'Canceled' };
      try {
        const server = await startLocalServer({
          modelDir,
          entryScript: spec.code?.scoringScript ?? 'score.py',
          sourceDir: codeDir,
          env: spec.environmentVariables,
          maxConcurrentRequests: capacity,
          // Managed: azureml-fe admits 2 × capacity, then 429. Kubernetes: above capacity, 503 at once.
          maxQueue: spec.compute === 'Managed' ? capacity : 0,
          rejectStatus: spec.compute === 'Managed' ? 429 : 503,
          requestTimeoutMs: spec.requestTimeoutMs,
          startupTimeoutMs: spec.timing.startTimeoutMs,
          onLog: line => push(run.inferenceServerLog, line)
        });
        if (signal.stopped) {
          await server.stop();
          return { status: 'Canceled' };
        }
        run.server = server;
        if (previous && previous !== server) {
          const retired = previous.stop().finally(() => this.#retiring.delete(retired));
          this.#retiring.add(retired);
        }
        return { status: 'Succeeded' };
      } catch (error) {
        if (!(error instanceof LocalServerStartError)) throw error;
        firstCrash.at ||= Date.now();
        if (Date.now() - firstCrash.at + backoff > spec.timing.crashLoopWindowMs) {
          const failure = deploymentFailures.crashLoop(spec.compute, run.restarts);
          return { status: 'Failed', error: failure };
        }
        run.restarts += 1;
        push(
          run.inferenceServerLog,
          `Back-off restarting failed container (restart ${run.restarts}, waiting ${backoff} ms)`
        );
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, Math.max(spec.timing.crashLoopBackoffMs, 5_000));
      }
    }
  }

  /** Process ids of the inference servers currently running (tests check none outlives its deployment). */
  pids(): number[] {
    return [...this.#runs.values()].flatMap(run => (run.server ? [run.server.pid] : []));
  }

  /** Stops a deployment's server and forgets it (DELETE). */
  async stop(id: string): Promise<void> {
    const key = id.toLowerCase();
    const attempt = this.#attempts.get(key);
    if (attempt) attempt.signal.stopped = true;
    // A container still starting is stopped by its own run once it notices; wait for that.
    await attempt?.done;
    const run = this.#runs.get(key);
    this.#runs.delete(key);
    this.#attempts.delete(key);
    await run?.server?.stop();
    if (attempt?.workDir) {
      this.#workDirs.delete(attempt.workDir);
      await rm(attempt.workDir, { recursive: true, force: true });
    }
  }

  /** Stops every deployment whose id starts with `prefix` (an endpoint or workspace being deleted). */
  stopUnder(prefix: string): Promise<void> {
    const start = prefix.toLowerCase() + '/';
    const keys = [...this.#runs.keys()].filter(key => key.startsWith(start));
    return Promise.all(keys.map(key => this.stop(key))).then(() => undefined);
  }

  /** Removes every downloaded model at once (an exiting process cannot wait for stopAll). */
  removeWorkDirsSync(): void {
    for (const dir of this.#workDirs) rmSync(dir, { recursive: true, force: true });
    this.#workDirs.clear();
  }

  /** Stops every inference server and removes every downloaded model: no Python process outlives this. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.#runs.keys()].map(key => this.stop(key)));
    await Promise.all([...this.#retiring]);
    await Promise.all([...this.#workDirs].map(dir => rm(dir, { recursive: true, force: true })));
    this.#workDirs.clear();
  }
}
