import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { runNode } from './client.js';

/** The real ARM SDK (core-lro polling included) against the emulator, in a child that trusts its CA. */
describe('@azure/arm-resources against the emulator', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ blob: false, knobs: { lroDurationMs: 400, retryAfterSeconds: 0 } });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('creates a resource group, stores a resource, and deletes the group through the Location LRO', async () => {
    const script = `
      import { ClientSecretCredential } from '@azure/identity';
      import { ResourceManagementClient } from '@azure/arm-resources';
      const f = JSON.parse(process.env.FACTS);
      const credential = new ClientSecretCredential(f.tenantId, f.secretClientId, f.clientSecret, {
        authorityHost: f.authorityHost, disableInstanceDiscovery: true
      });
      const client = new ResourceManagementClient(credential, f.subscriptionId, {
        endpoint: f.armEndpoint, credentialScopes: [f.armEndpoint + '/.default']
      });
      const group = await client.resourceGroups.createOrUpdate('rg-sdk', { location: 'westeurope', tags: { a: 'b' } });
      const exists = await client.resourceGroups.checkExistence('rg-sdk');
      await client.resources.beginCreateOrUpdateAndWait('rg-sdk', 'Microsoft.Web', '', 'sites', 'app1', '2022-03-01',
        { location: 'westeurope', properties: { httpsOnly: true } });
      const site = await client.resources.get('rg-sdk', 'Microsoft.Web', '', 'sites', 'app1', '2022-03-01');
      await client.resourceGroups.beginDeleteAndWait('rg-sdk');
      let after;
      try { await client.resourceGroups.get('rg-sdk'); after = 'found'; } catch (e) { after = e.code + ' ' + e.statusCode; }
      console.log(JSON.stringify({ state: group.properties.provisioningState, exists: exists.body, site: site.properties, after }));
    `;
    const run = await runNode(emu, script, { FACTS: JSON.stringify(emu.facts) });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout.trim())).toEqual({
      state: 'Succeeded',
      exists: true,
      site: { httpsOnly: true, provisioningState: 'Succeeded' },
      after: 'ResourceGroupNotFound 404'
    });
    const polls = emu.requestLog.entries().filter(e => /operationResults/i.test(e.path));
    expect(polls.map(e => e.status).at(-1)).toBe(200);
    expect(polls.length).toBeGreaterThanOrEqual(1);
    expect(emu.requestLog.writes().map(e => e.method)).toEqual(['PUT', 'PUT', 'DELETE']);
  });
});
