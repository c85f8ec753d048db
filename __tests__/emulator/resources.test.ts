import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { armToken, send } from './client.js';

const API = 'api-version=2022-09-01';

describe('resource groups and the generic store', () => {
  let emu: Emulator;
  let token: string;
  let sub: string;
  const arm = (method: string, path: string, body?: unknown) =>
    send(emu, method, `${sub}${path}${path.includes('?') ? '&' : '?'}${API}`, { token, body });

  beforeAll(async () => {
    emu = await startEmulator({ blob: false, knobs: { lroDurationMs: 0 } });
    token = await armToken(emu);
    sub = `/subscriptions/${emu.facts.subscriptionId}`;
  });
  afterAll(async () => {
    await emu?.stop();
  });
  beforeEach(() => emu.faults.clear());

  it('creates (201), updates (200), reads case-insensitively, and refuses a location change', async () => {
    const created = await arm('PUT', '/resourcegroups/Rg-Life', { location: 'westus', tags: { a: '1' } });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: `${sub}/resourceGroups/Rg-Life`,
      name: 'Rg-Life',
      type: 'Microsoft.Resources/resourceGroups',
      location: 'westus',
      tags: { a: '1' },
      properties: { provisioningState: 'Succeeded' }
    });
    expect((await arm('PUT', '/resourcegroups/rg-life', { location: 'westus' })).status).toBe(200);
    const read = await arm('GET', '/resourceGroups/RG-LIFE');
    expect([read.status, read.body.name]).toEqual([200, 'Rg-Life']);
    const moved = await arm('PUT', '/resourcegroups/rg-life', { location: 'eastus' });
    expect([moved.status, moved.body.error.code]).toEqual([400, 'InvalidResourceGroupLocation']);
    expect((await arm('HEAD', '/resourcegroups/rg-life')).status).toBe(204);
    expect((await arm('HEAD', '/resourcegroups/rg-none')).status).toBe(404);
    const list = await arm('GET', '/resourcegroups');
    expect(list.body.value.map((g: { name: string }) => g.name)).toContain('Rg-Life');
  });

  it('validates names and requires a location', async () => {
    for (const bad of ['ends-with-dot.', 'has space', 'x'.repeat(91)]) {
      const reply = await arm('PUT', `/resourcegroups/${encodeURIComponent(bad)}`, { location: 'westus' });
      expect([bad, reply.status, reply.body.error.code]).toEqual([bad, 400, 'InvalidResourceGroup']);
    }
    expect((await arm('PUT', '/resourcegroups/ok_(name).x-1', { location: 'westus' })).status).toBe(201);
    const noLocation = await arm('PUT', '/resourcegroups/rg-noloc', {});
    expect([noLocation.status, noLocation.body.error.code]).toEqual([400, 'LocationRequired']);
  });

  it('stores any resource type, patches, lists, deletes, and 404s like ARM', async () => {
    await arm('PUT', '/resourcegroups/rg-gen', { location: 'westus' });
    const id = '/resourceGroups/rg-gen/providers/Microsoft.Insights/components/MyApp';
    const missing = await arm('GET', id);
    expect([missing.status, missing.body.error]).toEqual([
      404,
      {
        code: 'ResourceNotFound',
        message:
          "The Resource 'Microsoft.Insights/components/MyApp' under resource group 'rg-gen' was not found. " +
          'For more details please go to https://aka.ms/ARMResourceNotFoundFix'
      }
    ]);
    const put = await arm('PUT', id, {
      location: 'westus',
      kind: 'web',
      tags: { a: '1' },
      properties: { Application_Type: 'web', provisioningState: 'Failed' }
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({
      id: `${sub}${id}`,
      name: 'MyApp',
      type: 'Microsoft.Insights/components',
      kind: 'web',
      properties: { Application_Type: 'web', provisioningState: 'Succeeded' }
    });
    expect((await arm('PUT', id.toLowerCase(), put.body)).status).toBe(200);
    const patched = await arm('PATCH', id, { tags: { b: '2' }, properties: { RetentionInDays: 30 } });
    expect(patched.body.tags).toEqual({ a: '1', b: '2' });
    expect(patched.body.properties).toMatchObject({ Application_Type: 'web', RetentionInDays: 30 });
    expect(patched.body.id).toBe(`${sub}${id}`);

    const child = `${id}/things/t1`;
    expect((await arm('PUT', child, { properties: {} })).body.type).toBe(
      'Microsoft.Insights/components/things'
    );
    const orphan = await arm(
      'PUT',
      '/resourceGroups/rg-gen/providers/Microsoft.Insights/components/nope/things/t',
      {}
    );
    expect(orphan.body.error.code).toBe('ParentResourceNotFound');
    const list = await arm('GET', '/resourceGroups/rg-gen/providers/Microsoft.Insights/components');
    expect(list.body.value.map((r: { name: string }) => r.name)).toEqual(['MyApp']);
    const children = await arm('GET', `${id}/things`);
    expect(children.body.value.map((r: { name: string }) => r.name)).toEqual(['t1']);
    expect(emu.store.get(`${sub}${child}`.toUpperCase())?.name).toBe('t1');

    expect((await arm('DELETE', id)).status).toBe(200);
    expect((await arm('DELETE', id)).status).toBe(204);
    expect(emu.store.get(`${sub}${child}`)).toBeUndefined();
    const noGroup = await arm(
      'PUT',
      '/resourceGroups/rg-absent/providers/Microsoft.Insights/components/x',
      {}
    );
    expect([noGroup.status, noGroup.body.error.code]).toEqual([404, 'ResourceGroupNotFound']);
  });

  it('deletes a group with a Location LRO and removes its contents', async () => {
    emu.knobs.lroDurationMs = 300;
    await arm('PUT', '/resourcegroups/rg-del', { location: 'westus' });
    await arm('PUT', '/resourcegroups/rg-del/providers/Microsoft.Web/sites/app', { location: 'westus' });
    const accepted = await arm('DELETE', '/resourcegroups/rg-del');
    expect(accepted.status).toBe(202);
    expect(accepted.headers['retry-after']).toBe('1');
    const location = new URL(accepted.headers.location as string);
    expect(location.origin).toBe(emu.facts.armEndpoint);
    const running = await send(emu, 'GET', location.pathname + location.search, { token });
    expect(running.status).toBe(202);
    expect((await arm('GET', '/resourcegroups/rg-del')).body.properties.provisioningState).toBe('Deleting');
    await new Promise(resolve => setTimeout(resolve, 350));
    const done = await send(emu, 'GET', location.pathname + location.search, { token });
    expect(done.status).toBe(200);
    expect((await arm('GET', '/resourcegroups/rg-del')).status).toBe(404);
    expect(emu.store.list({ under: `${sub}/resourceGroups/rg-del` })).toEqual([]);
    emu.knobs.lroDurationMs = 0;
  });
});
