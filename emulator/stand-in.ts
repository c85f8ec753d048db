import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { deploymentsProvider } from './providers/deployments/index.js';
import { keyVaultProvider } from './providers/key-vault/index.js';
import { machineLearningProvider } from './providers/machine-learning/index.js';

/**
 * The whole local Azure stand-in: the emulator core with every resource provider the action talks to.
 * Tests of one provider start the bare core and register what they test; everything that runs the action
 * (end-to-end tests, the demo, benchmarks, `npm run emulator`) starts this.
 */
export async function startAzureStandIn(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  emulator.registerProvider(keyVaultProvider());
  emulator.registerProvider(deploymentsProvider());
  // The scoring listener has a CA of its own, appended to the emulator's CA file: ready() must finish before
  // any child process (the action) reads NODE_EXTRA_CA_CERTS.
  const machineLearning = machineLearningProvider({ trustBundlePath: emulator.facts.caCertPath });
  emulator.registerProvider(machineLearning);
  await machineLearning.ready();
  const stopCore = emulator.stop;
  return {
    ...emulator,
    stop: async () => {
      await machineLearning.stop();
      await stopCore();
    }
  };
}
