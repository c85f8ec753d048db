import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { armToken, send } from './client.js';

const API = 'api-version=2022-09-01';

describe('ARM protocol', () => {
  let emu: Emulator;
  let token: string;
  let sub: string;

  beforeAll(async () => {
    emu = await startEmulator({ blob: false });
    token = await armToken(emu);
    sub = `/subscriptions/${emu.facts.subscriptionId}`;
  });
  afterAll(async () => {
    await emu?.stop();
  });
  beforeEach(() => {
    emu.faults.clear();
    emu.requestLog.clear();
    emu.knobs.tokenLifetimeSeconds = 3600;
  });

  it('sends request ids, echoes the correlation id, and uses the error envelope', async () => {
    const reply = await send(emu, 'GET', `${sub}/resourcegroups/nope?${API}`, {
      token,
      headers: { 'x-ms-correlation-request-id': 'corr-123' }
    });
    expect(reply.status).toBe(404);
    expect(reply.headers['x-ms-correlation-request-id']).toBe('corr-123');
    expect(reply.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(reply.headers['x-ms-routing-request-id']).toContain(reply.headers['x-ms-request-id'] as string);
    expect(reply.body).toEqual({
      error: { code: 'ResourceGroupNotFound', message: "Resource group 'nope' could not be found." }
    });
    const fresh = await send(emu, 'GET', `${sub}?${API}`, { token });
    expect(fresh.headers['x-ms-correlation-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires api-version', async () => {
    const reply = await send(emu, 'GET', `${sub}/resourcegroups`, { token });
    expect([reply.status, reply.body.error.code]).toEqual([400, 'MissingApiVersionParameter']);
  });

  it('rejects a missing, forged, or expired token with a Bearer challenge', async () => {
    const missing = await send(emu, 'GET', `${sub}?${API}`);
    expect([missing.status, missing.body.error.code]).toEqual([401, 'AuthenticationFailed']);
    expect(missing.headers['www-authenticate']).toMatch(
      new RegExp(
        `^Bearer authorization_uri="${emu.facts.authorityHost}/${emu.facts.tenantId}", error="invalid_token"`
      )
    );
    const [head, payload] = token.split('.');
    const forged = await send(emu, 'GET', `${sub}?${API}`, { token: `${head}.${payload}.AAAA` });
    expect([forged.status, forged.body.error.code]).toEqual([401, 'InvalidAuthenticationToken']);

    emu.knobs.tokenLifetimeSeconds = 1;
    const shortLived = await armToken(emu);
    expect((await send(emu, 'GET', `${sub}?${API}`, { token: shortLived })).status).toBe(200);
    await sleep(1100);
    const expired = await send(emu, 'GET', `${sub}?${API}`, { token: shortLived });
    expect([expired.status, expired.body.error.code]).toEqual([401, 'ExpiredAuthenticationToken']);
    expect(expired.headers['www-authenticate']).toContain('error="invalid_token"');
  });

  it('rejects a token for another audience', async () => {
    const { facts } = emu;
    const other = await send(emu, 'POST', `/${facts.tenantId}/oauth2/v2.0/token`, {
      form: {
        grant_type: 'client_credentials',
        client_id: facts.secretClientId,
        client_secret: facts.clientSecret,
        scope: 'https://vault.azure.net/.default'
      }
    });
    const reply = await send(emu, 'GET', `${sub}?${API}`, { token: other.body.access_token });
    expect([reply.status, reply.body.error.code]).toEqual([401, 'InvalidAuthenticationTokenAudience']);
  });

  it('serves the one subscription and 404s others', async () => {
    const list = await send(emu, 'GET', `/subscriptions?${API}`, { token });
    expect(list.body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([
      emu.facts.subscriptionId
    ]);
    const one = await send(emu, 'GET', `${sub}?${API}`, { token });
    expect(one.body).toMatchObject({ id: sub, tenantId: emu.facts.tenantId, state: 'Enabled' });
    const other = await send(emu, 'GET', `/subscriptions/00000000-0000-0000-0000-000000000000?${API}`, {
      token
    });
    expect([other.status, other.body.error.code]).toEqual([404, 'SubscriptionNotFound']);
  });

  it('records every request with service and write flag', async () => {
    await send(emu, 'PUT', `${sub}/resourcegroups/rg-log?${API}`, { token, body: { location: 'westus' } });
    await send(
      emu,
      'POST',
      `${sub}/resourcegroups/rg-log/providers/Microsoft.Resources/deployments/d/validate?${API}`,
      {
        token,
        body: {}
      }
    );
    await send(emu, 'POST', `${sub}/resourcegroups/rg-log/providers/Microsoft.X/things/t/listKeys?${API}`, {
      token
    });
    await send(emu, 'POST', `${sub}/resourcegroups/rg-log/providers/Microsoft.X/things/t/restart?${API}`, {
      token
    });
    await send(emu, 'GET', `${sub}/resourcegroups/rg-log?${API}`, { token });
    await armToken(emu);
    const entries = emu.requestLog.entries();
    expect(entries.map(e => [e.method, e.service, e.write])).toEqual([
      ['PUT', 'arm', true],
      ['POST', 'arm', false],
      ['POST', 'arm', false],
      ['POST', 'arm', true],
      ['GET', 'arm', false],
      ['POST', 'identity', false]
    ]);
    expect(entries[0]).toMatchObject({ status: 201, query: { 'api-version': '2022-09-01' } });
    expect(entries[0].path).toBe(`${sub}/resourcegroups/rg-log`);
    expect(emu.requestLog.writes()).toHaveLength(2);
  });
});
