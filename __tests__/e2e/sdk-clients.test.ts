import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientSecretCredential } from '@azure/identity';
import { readFileSync } from 'node:fs';
import type { Emulator } from '../../emulator/index.js';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import { azureCall, AzureOperationError } from '../../src/azure/azure-error.js';
import { AzureClientFactory } from '../../src/azure/client-factory.js';
import { cloudFor } from '../../src/azure/clouds.js';
import { Deadline } from '../../src/azure/deadline.js';

/**
 * Every SDK client the action uses completes a call against the stand-in, through the one client factory:
 * proves endpoint, token scope, TLS trust and credential wiring for both SDK generations.
 */
describe('Azure SDK clients against the stand-in', () => {
  let emulator: Emulator;
  let factory: AzureClientFactory;
  let deadline: Deadline;

  beforeAll(async () => {
    emulator = await startAzureStandIn();
    const ca = readFileSync(emulator.facts.caCertPath, 'utf8');
    const cloud = cloudFor(new URL(emulator.facts.armEndpoint), new URL(emulator.facts.authorityHost));
    const credential = new ClientSecretCredential(
      emulator.facts.tenantId,
      emulator.facts.secretClientId,
      emulator.facts.clientSecret,
      {
        authorityHost: cloud.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: { ca }
      }
    );
    deadline = new Deadline(60_000);
    factory = new AzureClientFactory({
      credential,
      cloud,
      subscriptionId: emulator.facts.subscriptionId,
      deadline,
      correlationId: 'sdk-clients-test',
      trustedCaPem: ca
    });
  });
  afterAll(async () => {
    deadline?.dispose();
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
    expect(error.correlationId).toBe('sdk-clients-test');
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
