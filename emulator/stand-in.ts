import { startEmulator, type Emulator, type EmulatorOptions } from './index.js';
import { deploymentsProvider } from './providers/deployments/index.js';
import { keyVaultProvider } from './providers/key-vault/index.js';

/**
 * The whole local Azure stand-in: the emulator core with every resource provider the action talks to.
 * Tests of one provider start the bare core and register what they test; everything that runs the action
 * (end-to-end tests, the demo, benchmarks, `npm run emulator`) starts this.
 */
export async function startAzureStandIn(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const emulator = await startEmulator(options);
  emulator.registerProvider(keyVaultProvider());
  emulator.registerProvider(deploymentsProvider());
  return emulator;
}
