import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, policy } from '../fixtures/key-vault/fixtures.js';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../fixtures/key-vault/raw-arm.js';

/**
 * The Key Vault provider on the wire: status codes, error envelopes and body shapes checked against the
 * REST examples and the recording, and timing behaviour (body polling, overlapping writes) a client sees.
 */
const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const DEPLOYER = '22222222-2222-4222-8222-222222222222';

describe('Key Vault provider over HTTPS', () => {
  let standIn: KeyVaultStandIn;
  let rg: string;
  let tenantId: string;
  let sub: string;

  beforeAll(async () => {
    standIn = await startKeyVaultStandIn();
    tenantId = standIn.emulator.facts.tenantId;
    sub = `/subscriptions/${standIn.subscriptionId}`;
    rg = await standIn.group('rg-http');
    await standIn.group('rg-http-other', 'eastus');
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  const vaultPath = (name: string, group = rg) => `${group}/providers/Microsoft.KeyVault/vaults/${name}`;

  function body(accessPolicies: unknown[], extra: Record<string, unknown> = {}) {
    return {
      location: 'westus',
      properties: { tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies, ...extra }
    };
  }

  async function settled(name: string): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      const answer = await standIn.arm('GET', vaultPath(name));
      if (answer.body?.properties?.provisioningState === 'Succeeded') return;
      await sleep(20);
    }
    throw new Error(`${name} never left RegisteringDns`);
  }

  it("answers a create with 200 RegisteringDns, then Succeeded, in the recording's shape", async () => {
    const recording = fixture('recording_vaults_create_test.excerpt.json').Entries;
    const request = { ...recording[0].RequestBody, location: 'westus' };
    request.properties = { ...request.properties, tenantId };
    const created = await standIn.arm('PUT', vaultPath('kv-http-create'), request);
    expect(created.status).toBe(recording[0].StatusCode);
    expect(Object.keys(created.body).sort()).toEqual(Object.keys(recording[0].ResponseBody).sort());
    expect(Object.keys(created.body.properties).sort()).toEqual(
      [...Object.keys(recording[0].ResponseBody.properties), 'enableRbacAuthorization'].sort()
    );
    expect(created.body.properties.provisioningState).toBe('RegisteringDns');
    expect(created.headers['azure-asyncoperation']).toBeUndefined();
    expect(created.headers.location).toBeUndefined();

    const polled = await standIn.arm('GET', vaultPath('kv-http-create'));
    expect(polled.body.properties.provisioningState).toBe('RegisteringDns');
    expect(polled.headers['retry-after']).toBeDefined();
    await settled('kv-http-create');
    const done = await standIn.arm('GET', vaultPath('kv-http-create'));
    expect(done.body.properties.accessPolicies).toEqual(recording[1].ResponseBody.properties.accessPolicies);
    expect(done.body.properties.vaultUri).toBe('https://kv-http-create.vault.azure.net/');
  });

  it("answers 404 with ARM's ResourceNotFound message", async () => {
    const missing = await standIn.arm('GET', vaultPath('kv-http-absent'));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ResourceNotFound');
    expect(missing.body.error.message).toMatch(
      /^The Resource 'Microsoft.KeyVault\/vaults\/kv-http-absent' under resource group 'rg-http' was not found\./
    );
  });

  it('refuses a write while another runs on the same vault: 409 ConflictError', async () => {
    const created = await standIn.arm('PUT', vaultPath('kv-http-busy'), body([]));
    expect(created.status).toBe(200);
    const whileRegistering = await standIn.arm('PUT', vaultPath('kv-http-busy'), body([]));
    expect(whileRegistering.status).toBe(409);
    expect(whileRegistering.body.error.code).toBe('ConflictError');
    expect(whileRegistering.body.error.message).toContain("the Key Vault 'kv-http-busy' changed");
    await settled('kv-http-busy');

    const add = (objectId: string) =>
      standIn.arm('PUT', `${vaultPath('kv-http-busy')}/accessPolicies/add`, {
        properties: { accessPolicies: [policy(tenantId, objectId, { secrets: ['get'] })] }
      });
    const answers = await Promise.all([add(WORKSPACE), add(DEPLOYER)]);
    expect(answers.map(a => a.status).sort()).toEqual([200, 409]);
    // Sequential writes never collide: each answers only when it is over.
    expect((await add(DEPLOYER)).status).toBe(200);
    expect((await add(WORKSPACE)).status).toBe(200);
  });

  it('answers accessPolicies/add in the shape of updateAccessPoliciesAdd.json', async () => {
    await standIn.arm('PUT', vaultPath('kv-http-add'), body([]));
    await settled('kv-http-add');
    const example = fixture('updateAccessPoliciesAdd.json');
    const request = example.parameters.parameters;
    const answer = await standIn.arm('PUT', `${vaultPath('kv-http-add')}/accessPolicies/add`, request);
    expect(answer.status).toBe(200);
    const expected = example.responses['200'].body;
    expect(answer.body).toEqual({ ...expected, id: `${vaultPath('kv-http-add')}/accessPolicies/` });
  });

  it('PATCHes with the request of updateVault.json and answers its shape', async () => {
    await standIn.arm(
      'PUT',
      vaultPath('kv-http-patch'),
      body([policy(tenantId, DEPLOYER, { keys: ['get'] })])
    );
    await settled('kv-http-patch');
    const example = fixture('updateVault.json');
    const patched = await standIn.arm('PATCH', vaultPath('kv-http-patch'), example.parameters.parameters);
    expect(patched.status).toBe(200);
    const expected = example.responses['200'].body;
    expect(Object.keys(patched.body).sort()).toEqual(Object.keys(expected).sort());
    // The PATCH's list replaced the vault's: the deployer's entry is gone.
    expect(patched.body.properties.accessPolicies).toEqual(expected.properties.accessPolicies);
    for (const key of [
      'enabledForDeployment',
      'publicNetworkAccess',
      'sku',
      'tenantId',
      'provisioningState'
    ]) {
      expect(patched.body.properties[key]).toEqual(expected.properties[key]);
    }
  });

  it('keeps vault names global and checks names as Key Vault does', async () => {
    await standIn.arm('PUT', vaultPath('kv-http-global'), body([]));
    const other = await standIn.arm(
      'PUT',
      vaultPath('kv-http-global', `${sub}/resourceGroups/rg-http-other`),
      {
        ...body([]),
        location: 'eastus'
      }
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('VaultAlreadyExists');
    const invalid = await standIn.arm('PUT', vaultPath('kv_http'), body([]));
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toEqual({
      code: 'VaultNameNotValid',
      message: expect.stringMatching(
        /^The vault name 'kv_http' is invalid\. A vault's name must be between 3-24/
      )
    });
    const moved = await standIn.arm('PUT', vaultPath('kv-http-create'), { ...body([]), location: 'eastus' });
    expect(moved.status).toBe(400);
    expect(moved.body.error.code).toBe('InvalidResourceLocation');
  });

  it('shows deleted vaults in the shapes of the examples and purges as a Location LRO', async () => {
    await standIn.arm('PUT', vaultPath('kv-http-deleted'), body([], { softDeleteRetentionInDays: 7 }));
    await settled('kv-http-deleted');
    expect((await standIn.arm('DELETE', vaultPath('kv-http-deleted'))).status).toBe(200);
    expect((await standIn.arm('DELETE', vaultPath('kv-http-deleted'))).status).toBe(204);

    const deletedPath = `${sub}/providers/Microsoft.KeyVault/locations/westus/deletedVaults/kv-http-deleted`;
    const one = await standIn.arm('GET', deletedPath);
    const example = fixture('getDeletedVault.json').responses['200'].body;
    expect(Object.keys(one.body).sort()).toEqual(Object.keys(example).sort());
    expect(Object.keys(one.body.properties).sort()).toEqual(Object.keys(example.properties).sort());
    expect(one.body).toMatchObject({ id: deletedPath, name: 'kv-http-deleted', type: example.type });
    expect(one.body.properties.vaultId).toBe(vaultPath('kv-http-deleted'));

    const list = await standIn.arm('GET', `${sub}/providers/Microsoft.KeyVault/deletedVaults`);
    const listed = fixture('listDeletedVaults.json').responses['200'].body.value[0];
    expect(Object.keys(list.body.value[0]).sort()).toEqual(Object.keys(listed).sort());

    const purge = await standIn.arm('POST', `${deletedPath}/purge`);
    expect(purge.status).toBe(202);
    expect(Object.keys(fixture('purgeDeletedVault.json').responses['202'].headers)).toEqual(['Location']);
    const location = purge.headers.location as string;
    expect(location).toMatch(/^https:\/\//);
    await sleep(60);
    expect((await standIn.arm('GET', location)).status).toBe(200);
    expect((await standIn.arm('GET', deletedPath)).status).toBe(404);
    const reuse = await standIn.arm('PUT', vaultPath('kv-http-deleted'), body([]));
    expect(reuse.status).toBe(200);
  });

  it('requires accessPolicies unless recovering, with a clear message', async () => {
    const answer = await standIn.arm('PUT', vaultPath('kv-http-nopolicies'), {
      location: 'westus',
      properties: { tenantId, sku: { family: 'A', name: 'standard' } }
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toEqual({
      code: 'BadRequest',
      message: 'The parameter accessPolicies is not specified.'
    });
    const recover = await standIn.arm('PUT', vaultPath('kv-http-nopolicies'), {
      location: 'westus',
      properties: { tenantId, sku: { family: 'A', name: 'standard' }, createMode: 'recover' }
    });
    expect(recover.status).toBe(400);
    expect(recover.body.error.code).toBe('SoftDeletedVaultDoesNotExist');
  });
});
