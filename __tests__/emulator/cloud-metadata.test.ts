import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startEmulator, type Emulator } from '../../emulator/index.js';
import { send } from './client.js';

/**
 * `GET /metadata/endpoints`: ARM serves it without a token, and `az cloud register --endpoint-resource-manager`
 * reads it (api-version 2022-09-01: one cloud; 2019-05-01: a list; 2015-01-01: the legacy object).
 */
describe('cloud metadata endpoint', () => {
  let emu: Emulator;

  beforeAll(async () => {
    emu = await startEmulator({ blob: false });
  });
  afterAll(async () => {
    await emu?.stop();
  });

  it('answers without a token, pointing ARM and sign-in at the stand-in', async () => {
    const reply = await send(emu, 'GET', '/metadata/endpoints?api-version=2022-09-01');
    expect(reply.status).toBe(200);
    const { armEndpoint, authorityHost } = emu.facts;
    expect(reply.body).toMatchObject({
      resourceManager: `${armEndpoint}/`,
      authentication: { loginEndpoint: authorityHost, audiences: [`${armEndpoint}/`, armEndpoint] },
      suffixes: { keyVaultDns: 'vault.azure.net', storage: 'core.windows.net' }
    });
    // The keys azure-cli's cloud mapper reads without a fallback.
    for (const key of [
      'name',
      'sqlManagement',
      'batch',
      'gallery',
      'graphAudience',
      'vmImageAliasDoc',
      'media'
    ]) {
      expect(reply.body).toHaveProperty(key);
    }
  });

  it('answers older api-versions in their shapes, and requires one', async () => {
    const list = await send(emu, 'GET', '/metadata/endpoints?api-version=2019-05-01');
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body[0].resourceManager).toBe(`${emu.facts.armEndpoint}/`);
    const legacy = await send(emu, 'GET', '/metadata/endpoints?api-version=2015-01-01');
    expect(Object.keys(legacy.body).sort()).toEqual([
      'authentication',
      'galleryEndpoint',
      'graphEndpoint',
      'portalEndpoint'
    ]);
    const missing = await send(emu, 'GET', '/metadata/endpoints');
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('MissingApiVersionParameter');
  });
});
