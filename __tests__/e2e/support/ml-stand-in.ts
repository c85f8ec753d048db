import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { TimingKnobs } from '../../../emulator/index.js';
import { startAzureStandIn, type AzureStandIn, type StandInOptions } from '../../../emulator/stand-in.js';
import { outOfBandClients } from '../../../harness/azure-clients.js';

/**
 * Knobs that make model deployments take well under a second each: LROs finish at once and are polled
 * without waiting, image builds are near-instant, and a crashing container is restarted quickly and given
 * up on after 2 s. The ML provider's defaults (seconds per build, a 10 s crash-loop window) are realistic
 * but would make every end-to-end run of the action take minutes.
 */
export const FAST_ML_KNOBS: Partial<TimingKnobs> = {
  lroDurationMs: 100,
  retryAfterSeconds: 0,
  mlImageBuildMs: 50,
  mlCrashLoopWindowMs: 2000,
  mlCrashLoopBackoffMs: 100
};

/** A running stand-in with an Azure ML workspace, and the test's own clients for it. */
export interface MlStandIn {
  emulator: AzureStandIn;
  /** Out-of-band SDK clients (a second identity), for what a test checks or changes beside the action. */
  clients: ReturnType<typeof outOfBandClients>;
  /** The Azure ML client of {@link clients}. */
  ml: AzureMachineLearningWorkspaces;
  /** Disposes the clients and stops the stand-in. */
  stop(): Promise<void>;
}

/**
 * Starts the whole Azure stand-in with {@link FAST_ML_KNOBS} (`options.knobs` override single knobs; every
 * other option goes to `startAzureStandIn` as is) and creates `resourceGroup` and `workspace` in it, as an
 * ML team would have them before the action first runs.
 */
export async function startMlStandIn(
  resourceGroup: string,
  workspace: string,
  options: StandInOptions = {}
): Promise<MlStandIn> {
  const emulator = await startAzureStandIn({ ...options, knobs: { ...FAST_ML_KNOBS, ...options.knobs } });
  const clients = outOfBandClients(emulator);
  const stop = async (): Promise<void> => {
    clients.dispose();
    await emulator.stop();
  };
  try {
    await clients.factory
      .resources()
      .resourceGroups.createOrUpdate(resourceGroup, { location: 'westeurope' });
    const ml = clients.factory.machineLearning();
    // Through the ML API, not a template: the ML provider's PUT also creates the default datastores and
    // their blob containers, where the action uploads; a workspace a template deployment writes into the
    // stand-in's generic store has none.
    await ml.workspaces.beginCreateOrUpdateAndWait(
      resourceGroup,
      workspace,
      { location: 'westeurope' },
      { updateIntervalInMs: 50 }
    );
    return { emulator, clients, ml, stop };
  } catch (error) {
    // The caller never gets a handle to stop on: stop here, or the listeners keep Jest from exiting.
    await stop();
    throw error;
  }
}
