import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import { armToken, send, type Reply } from './client.js';

/**
 * One dispatch path: what a template deployment writes or a resource group's deletion removes goes through
 * the provider that serves the type, exactly as a direct request would (Azure: a workspace PUT provisions its
 * default datastores whoever sends it; deleting a group soft-deletes its vaults).
 */
const ML_API = '2022-10-01';

describe('template writes and group deletion go through the providers', () => {
  let emu: AzureStandIn;
  let token: string;
  let sub: string;

  beforeAll(async () => {
    emu = await startAzureStandIn({ knobs: { lroDurationMs: 20, retryAfterSeconds: 0 } });
    Object.assign(emu.knobs, { keyVaultDnsRegistrationMs: 30, keyVaultWriteBusyMs: 10 });
    token = await armToken(emu);
    sub = `/subscriptions/${emu.facts.subscriptionId}`;
  });
  afterAll(async () => {
    await emu?.stop();
  });

  const arm = (method: string, path: string, body?: unknown): Promise<Reply> =>
    send(emu, method, path.includes('api-version=') ? path : `${path}?api-version=2025-04-01`, {
      token,
      body
    });

  async function group(name: string): Promise<void> {
    expect(
      (await arm('PUT', `${sub}/resourcegroups/${name}`, { location: 'westeurope' })).status
    ).toBeLessThan(300);
  }

  async function deploy(groupName: string, name: string, resources: unknown[]): Promise<Reply> {
    const path = `${sub}/resourcegroups/${groupName}/providers/Microsoft.Resources/deployments/${name}`;
    const template = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      contentVersion: '1.0.0.0',
      resources
    };
    const put = await arm('PUT', path, { properties: { mode: 'Incremental', template } });
    expect(put.status).toBeLessThan(300);
    for (let i = 0; i < 500; i += 1) {
      const got = await arm('GET', path);
      if (['Succeeded', 'Failed'].includes(got.body?.properties?.provisioningState)) return got;
      await sleep(20);
    }
    throw new Error(`deployment ${name} never ended`);
  }

  const vault = (name: string) => ({
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: '2024-11-01',
    name,
    location: 'westeurope',
    properties: { tenantId: emu.facts.tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies: [] }
  });

  it('gives a template-created workspace its default datastores, as a direct PUT does', async () => {
    await group('rg-dispatch-ws');
    const done = await deploy('rg-dispatch-ws', 'ws', [
      {
        type: 'Microsoft.MachineLearningServices/workspaces',
        apiVersion: ML_API,
        name: 'ws-from-template',
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
        properties: { friendlyName: 'from a template' }
      }
    ]);
    expect(done.body.properties.provisioningState).toBe('Succeeded');
    const workspace = `${sub}/resourceGroups/rg-dispatch-ws/providers/Microsoft.MachineLearningServices/workspaces/ws-from-template`;
    const datastores = await arm('GET', `${workspace}/datastores?api-version=${ML_API}`);
    expect(datastores.status).toBe(200);
    const names = (datastores.body.value as { name: string }[]).map(d => d.name).sort();
    expect(names).toEqual(['workspaceartifactstore', 'workspaceblobstore']);
    const shown = await arm('GET', `${workspace}?api-version=${ML_API}`);
    expect(shown.body.identity.principalId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('soft-deletes the vaults of a deleted group; a re-deploy meets the deleted vault', async () => {
    await group('rg-dispatch-kv');
    expect(
      (await deploy('rg-dispatch-kv', 'kv', [vault('kv-dispatch-gone')])).body.properties.provisioningState
    ).toBe('Succeeded');
    const deleted = await arm('DELETE', `${sub}/resourcegroups/rg-dispatch-kv`);
    expect(deleted.status).toBe(202);
    for (
      let i = 0;
      i < 200 && (await arm('GET', deleted.headers.location as string)).status === 202;
      i += 1
    ) {
      await sleep(20);
    }
    const listed = await arm(
      'GET',
      `${sub}/providers/Microsoft.KeyVault/deletedVaults?api-version=2024-11-01`
    );
    expect((listed.body.value as { name: string }[]).map(v => v.name)).toContain('kv-dispatch-gone');

    await group('rg-dispatch-kv');
    const again = await deploy('rg-dispatch-kv', 'kv-again', [vault('kv-dispatch-gone')]);
    expect(again.body.properties.provisioningState).toBe('Failed');
    expect(JSON.stringify(again.body.properties.error)).toMatch(/already exists in deleted state/);
  });
});
