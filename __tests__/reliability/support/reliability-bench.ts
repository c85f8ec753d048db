import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outOfBandClients } from '../../../harness/azure-clients.js';
import { runAction, type ActionRun } from '../../../harness/run-action.js';
import type { Emulator } from '../../../emulator/index.js';
import { startAzureStandIn } from '../../../emulator/stand-in.js';

/**
 * The stand-in (ARM only, no Azurite), a scratch workspace, and a second identity for out-of-band changes.
 * Deliberately independent of __tests__/e2e/support so the reliability suite does not move with it.
 */
export interface ReliabilityBench {
  emulator: Emulator;
  clients: ReturnType<typeof outOfBandClients>;
  workspace: string;
  /** Inputs that point the action at the stand-in and sign in through GitHub OIDC. */
  azureInputs(): Record<string, string>;
  /** Runs dist/index.js with the stand-in's inputs, then `inputs`, in the bench's workspace. */
  run(
    inputs: Record<string, string>,
    options?: { env?: Record<string, string>; gitHubRequests?: ReadonlyArray<{ body?: unknown }> }
  ): Promise<ActionRun>;
  /** Writes a file into the workspace (JSON values are pretty-printed). */
  write(name: string, content: unknown): string;
  stop(): Promise<void>;
}

export async function startReliabilityBench(
  options: { lroDurationMs?: number; keyVaultWriteBusyMs?: number } = {}
): Promise<ReliabilityBench> {
  const emulator = await startAzureStandIn({ blob: false });
  // Emulated LROs at their default 1.5 s would dominate the suite; 0 still answers 202 and polls once.
  emulator.knobs.lroDurationMs = options.lroDurationMs ?? 0;
  emulator.knobs.retryAfterSeconds = 0;
  // A Key Vault update keeps the vault busy (409 to others) for 300 ms by default: realistic, but it keeps a
  // deployment that rewrites the vault running past its first poll, which then waits a full second.
  emulator.knobs.keyVaultWriteBusyMs = options.keyVaultWriteBusyMs ?? 0;
  const clients = outOfBandClients(emulator);
  const workspace = mkdtempSync(join(tmpdir(), 'reliability-'));
  const facts = emulator.facts;
  const azureInputs = (): Record<string, string> => ({
    'subscription-id': facts.subscriptionId,
    'tenant-id': facts.tenantId,
    'client-id': facts.clientId,
    'arm-endpoint': facts.armEndpoint,
    'authority-host': facts.authorityHost
  });
  return {
    emulator,
    clients,
    workspace,
    azureInputs,
    run: (inputs, runOptions = {}) =>
      runAction({
        inputs: { ...azureInputs(), ...inputs },
        env: {
          NODE_EXTRA_CA_CERTS: facts.caCertPath,
          ACTIONS_ID_TOKEN_REQUEST_URL: facts.idTokenRequestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: facts.idTokenRequestToken,
          ...runOptions.env
        },
        workspace,
        killAfterMs: 60_000,
        ...(runOptions.gitHubRequests ? { gitHubRequests: runOptions.gitHubRequests } : {})
      }),
    write: (name, content) => {
      const path = join(workspace, name);
      writeFileSync(
        path,
        typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2)
      );
      return path;
    },
    stop: async () => {
      clients.dispose();
      await emulator.stop();
    }
  };
}
