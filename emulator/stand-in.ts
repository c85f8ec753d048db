import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { activityLogProvider } from './providers/activity-log/index.js';
import { deploymentsProvider } from './providers/deployments/index.js';
import { keyVaultProvider } from './providers/key-vault/index.js';
import {
  machineLearningProvider,
  type MachineLearningProvider,
  type MachineLearningProviderOptions
} from './providers/machine-learning/index.js';

/** The stand-in, plus its ML provider for tests that script it (e.g. packages an image build cannot find). */
export type AzureStandIn = Emulator & { machineLearning: MachineLearningProvider };

/** Start options: the core's, and the ML provider's own (its trust bundle is always the core's CA file). */
export type StandInOptions = Partial<EmulatorOptions> & {
  machineLearning?: Omit<MachineLearningProviderOptions, 'trustBundlePath'>;
};

/**
 * The whole local Azure stand-in: the emulator core with every resource provider the action talks to.
 * Tests of one provider start the bare core and register what they test; everything that runs the action
 * (end-to-end tests, the demo, benchmarks, `npm run emulator`) starts this.
 */
export async function startAzureStandIn(options: StandInOptions = {}): Promise<AzureStandIn> {
  const { machineLearning: mlOptions, ...coreOptions } = options;
  const emulator = await startEmulator(coreOptions);
  emulator.registerProvider(keyVaultProvider());
  emulator.registerProvider(activityLogProvider());
  emulator.registerProvider(deploymentsProvider());
  // The scoring listener has a CA of its own, appended to the emulator's CA file: ready() must finish before
  // any child process (the action) reads NODE_EXTRA_CA_CERTS.
  const machineLearning = machineLearningProvider({
    ...mlOptions,
    trustBundlePath: emulator.facts.caCertPath
  });
  emulator.registerProvider(machineLearning);
  await machineLearning.ready();
  const stopCore = emulator.stop;
  return {
    ...emulator,
    machineLearning,
    stop: async () => {
      await machineLearning.stop();
      await stopCore();
    }
  };
}
