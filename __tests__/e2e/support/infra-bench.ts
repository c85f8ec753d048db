import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outOfBandClients } from '../../../harness/azure-clients.js';
import { runAction, type ActionRun } from '../../../harness/run-action.js';
import type { Emulator } from '../../../emulator/index.js';
import { startAzureStandIn } from '../../../emulator/stand-in.js';
import { azureInputs, runnerEnv } from './action-against-emulator.js';

const FIXTURES = new URL('../../fixtures/infra/', import.meta.url);

/** The stand-in, a workspace holding infra fixtures, and a second identity for out-of-band changes. */
export interface InfraBench {
  emulator: Emulator;
  clients: ReturnType<typeof outOfBandClients>;
  /** The runner's workspace folder the fixtures were copied to. */
  workspace: string;
  /** Runs the action on `ml-workspace.json` (or what `inputs` name) into `resourceGroup`. */
  /** `env` adds runner variables (GITHUB_RUN_ID, …) to the stand-in's. */
  deploy(
    resourceGroup: string,
    inputs?: Record<string, string>,
    env?: Record<string, string>
  ): Promise<ActionRun>;
  stop(): Promise<void>;
}

export async function startInfraBench(
  fixtures: string[],
  options: { blob?: boolean } = {}
): Promise<InfraBench> {
  const emulator = await startAzureStandIn({ blob: options.blob ?? false });
  // Vault DNS registration and deployment LROs at their default durations only slow the suite down.
  emulator.knobs.lroDurationMs = 200;
  const clients = outOfBandClients(emulator);
  const workspace = mkdtempSync(join(tmpdir(), 'infra-e2e-'));
  for (const file of ['ml-workspace.json', 'ml-workspace.parameters.json', ...fixtures]) {
    copyFileSync(new URL(file, FIXTURES), join(workspace, file));
  }
  return {
    emulator,
    clients,
    workspace,
    deploy: (resourceGroup, inputs = {}, env = {}) =>
      runAction({
        inputs: {
          ...azureInputs(emulator.facts),
          'resource-group': resourceGroup,
          location: 'westeurope',
          template: 'ml-workspace.json',
          parameters: 'ml-workspace.parameters.json',
          ...inputs
        },
        env: { ...runnerEnv(emulator.facts), ...env },
        workspace
      }),
    stop: async () => {
      clients.dispose();
      await emulator.stop();
    }
  };
}
