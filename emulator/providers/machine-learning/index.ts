import type { ArmRequest, ProviderContext, ResourceProvider } from '../../arm/provider.js';
import type { HttpResult } from '../../http-result.js';
import { isAssetType, handleAsset } from './assets.js';
import { WorkspaceStorage } from './blob-storage.js';
import { DeploymentRuntime } from './deployment-runtime.js';
import { handleDeployment } from './deployments.js';
import { EndpointSecrets, handleEndpoint } from './endpoints.js';
import { mlErrors } from './ml-errors.js';
import { ML_NAMESPACE, workspaceIdOf, type MlRequest, type MlState } from './ml-context.js';
import { MlOperations } from './ml-operations.js';
import { ScoringServer } from './scoring-server.js';
import { handleDatastore, handleWorkspace } from './workspaces.js';

export { ML_KNOBS } from './ml-context.js';
export { durationMs } from './deployments.js';
export { buildImage } from './image-build.js';
export { resolveAssetUri } from './blob-storage.js';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** How to create the provider. */
export interface MachineLearningProviderOptions {
  /** Conda/pip package names the emulated image build reports as not found (compared case-insensitively). */
  unavailablePackages?: string[];
  /**
   * A PEM bundle to append the scoring listener's CA to, typically `emu.facts.caCertPath`, so processes
   * started later with NODE_EXTRA_CA_CERTS pointing at it trust scoring URIs. Done by {@link ready}.
   */
  trustBundlePath?: string;
}

/** The ML resource provider plus what tests and the demo need to drive and clean it up. */
export interface MachineLearningProvider extends ResourceProvider {
  /** Starts the scoring listener (and appends its CA to `trustBundlePath`); resolves with the CA PEM. */
  ready(): Promise<string>;
  /** PEM of the CA behind scoring URIs (after {@link ready} or the first endpoint PUT). */
  readonly scoringCaPem: string;
  /** Process ids of the running inference servers (Python processes), one per ready deployment. */
  inferenceServerPids(): number[];
  /** Replaces the list of packages the image build cannot find. */
  setUnavailablePackages(names: string[]): void;
  /** Stops every inference server (Python process) and the scoring listener; removes downloaded models. */
  stop(): Promise<void>;
}

function isMachineLearning(req: ArmRequest): boolean {
  return (
    req.resource?.namespace.toLowerCase() === ML_NAMESPACE.toLowerCase() &&
    req.resource.types[0].toLowerCase() === 'workspaces'
  );
}

function route(m: MlRequest, secrets: EndpointSecrets): HttpResult | Promise<HttpResult> {
  const { resource } = m;
  if (resource.types.length === 1) return handleWorkspace(m);
  if (!m.ctx.store.has(m.workspaceId)) {
    return mlErrors.workspaceNotFound(resource.resourceGroup, resource.names[0]);
  }
  const child = resource.types[1].toLowerCase();
  if (child === 'datastores') return handleDatastore(m);
  if (isAssetType(child) && resource.types.length <= 3) return handleAsset(m);
  if (child === 'onlineendpoints') {
    const isDeployment = resource.types[2]?.toLowerCase() === 'deployments';
    return isDeployment ? handleDeployment(m) : handleEndpoint(m, secrets);
  }
  return armNotServed(m);
}

function armNotServed(m: MlRequest): HttpResult {
  return mlErrors.badRequest(`The local Azure stand-in does not serve '${m.req.method} ${m.req.path}'.`);
}

/**
 * Azure Machine Learning (`Microsoft.MachineLearningServices`, api-version 2022-10-01): workspaces with their
 * default datastores in Azurite, immutable model/code/environment versions, online endpoints with a real
 * scoring URI, and online deployments that run the user's score.py in the project's local inference server.
 */
export function machineLearningProvider(
  options: MachineLearningProviderOptions = {}
): MachineLearningProvider {
  const scoring = new ScoringServer();
  const runtime = new DeploymentRuntime();
  const operations = new MlOperations();
  const secrets = new EndpointSecrets();
  let storage: WorkspaceStorage | undefined;
  const state: MlState = {
    operations,
    runtime,
    scoring,
    unavailablePackages: new Set((options.unavailablePackages ?? []).map(name => name.toLowerCase())),
    storage: (ctx: ProviderContext) => (storage ??= new WorkspaceStorage(ctx.facts))
  };
  // If the host process exits without stop() (a crashed test run, Ctrl-C in the demo), no Python server
  // may outlive it: 'exit' handlers must be synchronous, and a kill signal is.
  const killServers = () => {
    runtime.removeWorkDirsSync();
    for (const pid of runtime.pids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  process.on('exit', killServers);
  // A host with no signal handling of its own (the demo, a benchmark) dies of SIGTERM without an 'exit'
  // event: stop the servers and remove the downloads first, then die of the same signal.
  const onSignal = (signal: NodeJS.Signals) => {
    if (process.listenerCount(signal) > 1) return; // the host stops the stand-in itself
    void runtime.stopAll().finally(() => {
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
      process.kill(process.pid, signal);
    });
  };
  for (const name of STOP_SIGNALS) process.on(name, onSignal);
  let trusted: Promise<void> | undefined;
  const ready = async (): Promise<string> => {
    await scoring.start();
    if (options.trustBundlePath) trusted ??= scoring.trust(options.trustBundlePath);
    await trusted;
    return scoring.caCertPem;
  };
  return {
    name: 'machine-learning',
    matches: req => isMachineLearning(req) || operations.isPollPath(req.path),
    async handle(req, ctx) {
      operations.settleDue();
      if (operations.isPollPath(req.path))
        return operations.poll(req.method, req.path, ctx.knobs.retryAfterSeconds);
      const resource = req.resource;
      if (!resource) return undefined;
      await ready();
      return route({ req, ctx, state, resource, workspaceId: workspaceIdOf(resource) }, secrets);
    },
    ready,
    get scoringCaPem() {
      return scoring.caCertPem;
    },
    inferenceServerPids: () => runtime.pids(),
    setUnavailablePackages(names) {
      state.unavailablePackages = new Set(names.map(name => name.toLowerCase()));
    },
    async stop() {
      process.off('exit', killServers);
      for (const name of STOP_SIGNALS) process.off(name, onSignal);
      await runtime.stopAll();
      await scoring.stop();
      operations.clear();
    }
  };
}
