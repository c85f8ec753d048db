import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/index.js';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import { azureCall, AzureOperationError } from '../../src/azure/azure-error.js';
import { outOfBandClients } from '../../harness/azure-clients.js';
import type { AzureClientFactory } from '../../src/azure/client-factory.js';

/**
 * Every SDK client the action uses completes a call against the stand-in, through the one client factory:
 * proves endpoint, token scope, TLS trust and credential wiring for both SDK generations.
 */
describe('Azure SDK clients against the stand-in', () => {
  let emulator: Emulator;
  let factory: AzureClientFactory;
  let dispose: () => void;

  beforeAll(async () => {
    emulator = await startAzureStandIn({ blob: false });
    ({ factory, dispose } = outOfBandClients(emulator));
  });
  afterAll(async () => {
    dispose?.();
    await emulator?.stop();
  });

  async function notFound(call: () => Promise<unknown>): Promise<AzureOperationError> {
    const error = await azureCall('probe', call).catch(e => e as Error);
    expect(error).toBeInstanceOf(AzureOperationError);
    return error as AzureOperationError;
  }

  it('arm-resources creates and reads a resource group', async () => {
    const client = factory.resources();
    await client.resourceGroups.createOrUpdate('rg-sdk', { location: 'westeurope' });
    const group = await client.resourceGroups.get('rg-sdk');
    expect(group.location).toBe('westeurope');
    const sent = emulator.requestLog.entries().filter(e => e.service === 'arm');
    expect(sent.length).toBeGreaterThan(0);
  });

  it('arm-resourcesdeployments reaches the stand-in with the right token', async () => {
    const error = await notFound(() => factory.deployments().deployments.get('rg-sdk', 'absent'));
    expect(error.status).toBe(404);
    expect(error.correlationId).toBe('out-of-band');
  });

  it('arm-keyvault reaches the stand-in', async () => {
    const error = await notFound(() => factory.keyVault().vaults.get('rg-sdk', 'kv-absent'));
    expect(error.status).toBe(404);
  });

  it('arm-machinelearning reaches the stand-in', async () => {
    const error = await notFound(() => factory.machineLearning().workspaces.get('rg-sdk', 'ws-absent'));
    expect(error.status).toBe(404);
  });
});
