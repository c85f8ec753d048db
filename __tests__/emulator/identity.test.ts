import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { runNode, send } from './client.js';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

describe('identity: Entra-style token endpoint and GitHub-style ID tokens', () => {
  let emu: Emulator;
  let tokenPath: string;
  const idTokenPath = (audience = 'api://AzureADTokenExchange') =>
    `${new URL(emu.facts.idTokenRequestUrl).pathname}${new URL(emu.facts.idTokenRequestUrl).search}&audience=${encodeURIComponent(audience)}`;
  const idToken = async (audience?: string) =>
    (
      await send(emu, 'GET', idTokenPath(audience), {
        headers: { authorization: `Bearer ${emu.facts.idTokenRequestToken}` }
      })
    ).body.value as string;
  const assertionForm = (assertion: string) => ({
    grant_type: 'client_credentials',
    client_id: emu.facts.clientId,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
    scope: `${emu.facts.armEndpoint}/.default`
  });

  beforeAll(async () => {
    emu = await startEmulator({ blob: false });
    tokenPath = `/${emu.facts.tenantId}/oauth2/v2.0/token`;
  });
  afterAll(async () => {
    await emu?.stop();
  });
  beforeEach(() => {
    emu.knobs.idTokenLifetimeSeconds = 300;
  });

  it('issues ID tokens only to the runtime bearer, and counts them', async () => {
    const before = emu.idTokensIssued();
    const denied = await send(emu, 'GET', idTokenPath(), { headers: { authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(401);
    expect((await send(emu, 'GET', idTokenPath())).status).toBe(401);
    const token = await idToken('custom-aud');
    expect(claimsOf(token)).toMatchObject({
      aud: 'custom-aud',
      iss: 'https://token.actions.githubusercontent.com'
    });
    expect(emu.idTokensIssued()).toBe(before + 1);
    expect(emu.facts.idTokenRequestUrl).toContain('?');
  });

  it('exchanges a GitHub ID token for an ARM access token', async () => {
    const reply = await send(emu, 'POST', tokenPath, { form: assertionForm(await idToken()) });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
    expect(claimsOf(reply.body.access_token)).toMatchObject({
      aud: emu.facts.armEndpoint,
      tid: emu.facts.tenantId,
      appid: emu.facts.clientId
    });
  });

  it('refuses bad assertions in AAD error shape', async () => {
    const wrongAudience = await send(emu, 'POST', tokenPath, {
      form: assertionForm(await idToken('someone-else'))
    });
    expect(wrongAudience.status).toBe(400);
    expect(wrongAudience.body).toMatchObject({ error: 'invalid_client', error_codes: [700212] });
    expect(wrongAudience.body.error_description).toMatch(/^AADSTS700212: /);
    expect(Object.keys(wrongAudience.body)).toEqual(
      expect.arrayContaining(['timestamp', 'trace_id', 'correlation_id'])
    );

    const good = await idToken();
    const tampered = good.slice(0, -4) + (good.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const forged = await send(emu, 'POST', tokenPath, { form: assertionForm(tampered) });
    expect(forged.body.error_codes).toEqual([700027]);

    emu.knobs.idTokenLifetimeSeconds = 1;
    const shortLived = await idToken();
    await new Promise(resolve => setTimeout(resolve, 1100));
    const expired = await send(emu, 'POST', tokenPath, { form: assertionForm(shortLived) });
    expect([expired.status, expired.body.error_codes]).toEqual([400, [700024]]);

    const unknownApp = await send(emu, 'POST', tokenPath, {
      form: { ...assertionForm(good), client_id: 'nobody' }
    });
    expect([unknownApp.status, unknownApp.body.error, unknownApp.body.error_codes]).toEqual([
      400,
      'unauthorized_client',
      [700016]
    ]);
  });

  it('accepts the client secret of the secret app and refuses a wrong one', async () => {
    const form = {
      grant_type: 'client_credentials',
      client_id: emu.facts.secretClientId,
      client_secret: emu.facts.clientSecret,
      scope: `${emu.facts.armEndpoint}/.default`
    };
    expect((await send(emu, 'POST', tokenPath, { form })).status).toBe(200);
    const wrong = await send(emu, 'POST', tokenPath, { form: { ...form, client_secret: 'nope' } });
    expect([wrong.status, wrong.body.error, wrong.body.error_codes]).toEqual([
      401,
      'invalid_client',
      [7000215]
    ]);
  });

  it('serves @azure/identity ClientAssertionCredential with @actions/core getIDToken, in a child process', async () => {
    const { facts } = emu;
    const before = emu.idTokensIssued();
    const script = `
      import { ClientAssertionCredential } from '@azure/identity';
      import { getIDToken } from '@actions/core';
      const f = JSON.parse(process.env.FACTS);
      const credential = new ClientAssertionCredential(f.tenantId, f.clientId, () => getIDToken('api://AzureADTokenExchange'), {
        authorityHost: f.authorityHost, disableInstanceDiscovery: true
      });
      const token = await credential.getToken(f.armEndpoint + '/.default');
      const arm = await fetch(f.armEndpoint + '/subscriptions?api-version=2022-12-01', {
        headers: { authorization: 'Bearer ' + token.token }
      });
      console.log(JSON.stringify({ expires: token.expiresOnTimestamp > Date.now(), arm: arm.status }));
    `;
    const run = await runNode(emu, script, {
      FACTS: JSON.stringify(facts),
      ACTIONS_ID_TOKEN_REQUEST_URL: facts.idTokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: facts.idTokenRequestToken
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ expires: true, arm: 200 });
    expect(emu.idTokensIssued()).toBeGreaterThan(before);
    const paths = emu.requestLog.entries().map(e => `${e.service} ${e.method} ${e.path}`);
    expect(paths).toContain(`identity GET /${facts.tenantId}/v2.0/.well-known/openid-configuration`);
    expect(paths).toContain(`identity POST /${facts.tenantId}/oauth2/v2.0/token`);
  });
});
