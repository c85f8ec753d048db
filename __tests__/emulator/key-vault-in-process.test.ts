import { beforeEach, describe, expect, it } from '@jest/globals';
import { LroManager } from '../../emulator/arm/lro.js';
import { ResourceStore } from '../../emulator/arm/resource-store.js';
import { defaultKnobs, type TimingKnobs } from '../../emulator/knobs.js';
import {
  applyVaultAccessPolicies,
  deleteVault,
  patchVault,
  putVault,
  vaultBusyForMs,
  vaultId,
  type VaultContext
} from '../../emulator/providers/key-vault/index.js';
import { fixture, policy } from '../fixtures/key-vault/fixtures.js';

/**
 * The in-process entry points the deployment engine calls for `Microsoft.KeyVault/vaults` and
 * `vaults/accessPolicies` resources: same semantics as the HTTP API, without a server.
 */
const SUB = '5d3e2b8a-6f4c-4d2e-9a71-3c0b8e5f1a24';
const TENANT = '72f988bf-0000-4c1d-8e7a-2b9f6c3d4e51';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-kv`;
const OTHER_RG = `/subscriptions/${SUB}/resourceGroups/rg-other`;
const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const DEPLOYER = '22222222-2222-4222-8222-222222222222';

function vaultBody(accessPolicies: unknown[], extra: Record<string, unknown> = {}) {
  return {
    location: 'westus',
    properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, accessPolicies, ...extra }
  };
}

describe('Key Vault provider, in process', () => {
  let knobs: TimingKnobs;
  let ctx: VaultContext;

  beforeEach(() => {
    knobs = { ...defaultKnobs(), keyVaultDnsRegistrationMs: 0, keyVaultWriteBusyMs: 0 };
    const store = new ResourceStore();
    store.put(RG, { location: 'westus' });
    store.put(OTHER_RG, { location: 'westus' });
    ctx = { store, lro: new LroManager(knobs, () => 'https://127.0.0.1:1'), knobs };
  });

  it('creates a vault in RegisteringDns with the defaults of the example and the recording', async () => {
    knobs.keyVaultDnsRegistrationMs = 60_000;
    const created = await putVault(ctx, RG, 'kv-one', fixture('createVault.json').parameters.parameters);
    expect(created.status).toBe(200);
    const recorded = fixture('recording_vaults_create_test.excerpt.json').Entries[0].ResponseBody;
    const body = created.body as typeof recorded;
    expect(Object.keys(body).sort()).toEqual(Object.keys(recorded).sort());
    expect(body.properties.provisioningState).toBe('RegisteringDns');
    expect(body.properties).toMatchObject({
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      enableRbacAuthorization: false,
      publicNetworkAccess: 'Enabled',
      vaultUri: 'https://kv-one.vault.azure.net/'
    });
    const example = fixture('createVault.json').responses['200'].body;
    expect(body.properties.accessPolicies).toEqual(example.properties.accessPolicies);
    expect(body.properties.enablePurgeProtection).toBeUndefined();
  });

  it('reproduces the wipe: a PUT with accessPolicies [] drops a policy added out of band', async () => {
    await putVault(ctx, RG, 'kv-wipe', vaultBody([policy(TENANT, DEPLOYER, { secrets: ['get'] })]));
    const added = await applyVaultAccessPolicies(ctx, RG, 'kv-wipe', 'add', {
      properties: { accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get', 'wrapKey'] })] }
    });
    expect(added.status).toBe(200);
    expect(ctx.store.get(vaultId(RG, 'kv-wipe'))?.properties?.accessPolicies).toHaveLength(2);

    const redeployed = await putVault(ctx, RG, 'kv-wipe', vaultBody([]));
    expect(redeployed.status).toBe(200);
    expect(ctx.store.get(vaultId(RG, 'kv-wipe'))?.properties?.accessPolicies).toEqual([]);
  });

  it('applies accessPolicies child resources per principal', async () => {
    await putVault(ctx, RG, 'kv-child', vaultBody([policy(TENANT, DEPLOYER, { secrets: ['get', 'list'] })]));
    await applyVaultAccessPolicies(ctx, RG, 'kv-child', 'replace', {
      properties: { accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get'] })] }
    });
    const removed = await applyVaultAccessPolicies(ctx, RG, 'kv-child', 'remove', {
      properties: { accessPolicies: [policy(TENANT, DEPLOYER, { secrets: ['list'] })] }
    });
    expect(removed.body).toEqual({
      id: `${vaultId(RG, 'kv-child')}/accessPolicies/`,
      type: 'Microsoft.KeyVault/vaults/accessPolicies',
      properties: { accessPolicies: [policy(TENANT, DEPLOYER, { secrets: ['list'] })] }
    });
    expect(ctx.store.get(vaultId(RG, 'kv-child'))?.properties?.accessPolicies).toEqual([
      policy(TENANT, DEPLOYER, { secrets: ['get'] }),
      policy(TENANT, WORKSPACE, { keys: ['get'] })
    ]);
    const unknownKind = await applyVaultAccessPolicies(ctx, RG, 'kv-child', 'merge', {
      properties: { accessPolicies: [] }
    });
    expect(unknownKind.status).toBe(400);
    const missing = await applyVaultAccessPolicies(ctx, RG, 'kv-absent', 'add', {
      properties: { accessPolicies: [] }
    });
    expect(missing.error?.code).toBe('ResourceNotFound');
  });

  it('keeps the protection flags when a PUT omits them and refuses to turn them off', async () => {
    await putVault(
      ctx,
      RG,
      'kv-flags',
      vaultBody([], { enablePurgeProtection: true, softDeleteRetentionInDays: 30 })
    );
    const again = await putVault(ctx, RG, 'kv-flags', vaultBody([]));
    expect(again.body).toMatchObject({
      properties: { enablePurgeProtection: true, enableSoftDelete: true, softDeleteRetentionInDays: 30 }
    });
    const purgeOff = await putVault(ctx, RG, 'kv-flags', vaultBody([], { enablePurgeProtection: false }));
    expect(purgeOff.status).toBe(400);
    expect(purgeOff.error?.message).toContain('"enablePurgeProtection" cannot be set to false');
    const softOff = await patchVault(ctx, RG, 'kv-flags', { properties: { enableSoftDelete: false } });
    expect(softOff.status).toBe(400);
    expect(softOff.error?.message).toContain(
      '"enableSoftDelete" can be set to false only for creating new vault'
    );
  });

  it('PATCH merges properties and tags, and its accessPolicies still replace the list', async () => {
    await putVault(
      ctx,
      RG,
      'kv-patch',
      vaultBody([policy(TENANT, DEPLOYER, { secrets: ['get'] })], { enabledForDeployment: true })
    );
    const patched = await patchVault(ctx, RG, 'kv-patch', {
      tags: { team: 'ml' },
      properties: { accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get'] })] }
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      tags: { team: 'ml' },
      properties: {
        enabledForDeployment: true,
        accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get'] })]
      }
    });
  });

  it('holds the vault busy while a write runs: a second write gets 409 ConflictError', async () => {
    knobs.keyVaultWriteBusyMs = 200;
    await putVault(ctx, RG, 'kv-busy', vaultBody([]));
    const first = applyVaultAccessPolicies(ctx, RG, 'kv-busy', 'add', {
      properties: { accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get'] })] }
    });
    expect(vaultBusyForMs(ctx.store, vaultId(RG, 'kv-busy'))).toBeGreaterThan(0);
    const second = await applyVaultAccessPolicies(ctx, RG, 'kv-busy', 'add', {
      properties: { accessPolicies: [policy(TENANT, DEPLOYER, { keys: ['get'] })] }
    });
    expect(second.status).toBe(409);
    expect(second.error?.code).toBe('ConflictError');
    expect((await first).status).toBe(200);
    // Once the first answered, the vault takes writes again.
    const third = await applyVaultAccessPolicies(ctx, RG, 'kv-busy', 'add', {
      properties: { accessPolicies: [policy(TENANT, DEPLOYER, { keys: ['get'] })] }
    });
    expect(third.status).toBe(200);
  });

  it('keeps names global and soft-deleted names taken; recover brings the old vault back', async () => {
    await putVault(ctx, RG, 'kv-global', vaultBody([policy(TENANT, WORKSPACE, { keys: ['get'] })]));
    const elsewhere = await putVault(ctx, OTHER_RG, 'KV-GLOBAL', vaultBody([]));
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.error?.code).toBe('VaultAlreadyExists');

    expect(deleteVault(ctx, RG, 'kv-global').status).toBe(200);
    expect(deleteVault(ctx, RG, 'kv-global').status).toBe(204);
    const recreate = await putVault(ctx, RG, 'kv-global', vaultBody([]));
    expect(recreate.status).toBe(409);
    expect(recreate.error?.code).toBe('ConflictError');

    const recovered = await putVault(ctx, RG, 'kv-global', vaultBody([], { createMode: 'recover' }));
    expect(recovered.status).toBe(200);
    expect(recovered.body).toMatchObject({
      properties: { accessPolicies: [policy(TENANT, WORKSPACE, { keys: ['get'] })] }
    });
    const nothing = await putVault(ctx, RG, 'kv-never', vaultBody([], { createMode: 'recover' }));
    expect(nothing.status).toBe(400);
    expect(nothing.error?.code).toBe('SoftDeletedVaultDoesNotExist');
  });

  it('validates like ARM before writing anything', async () => {
    const cases: [string, unknown, number, string][] = [
      ['1vault', vaultBody([]), 400, 'VaultNameNotValid'],
      ['kv--double', vaultBody([]), 400, 'VaultNameNotValid'],
      ['kv-ends-', vaultBody([]), 400, 'VaultNameNotValid'],
      ['a'.repeat(25), vaultBody([]), 400, 'VaultNameNotValid'],
      ['kv-ok', { properties: vaultBody([]).properties }, 400, 'LocationRequired'],
      [
        'kv-ok',
        { location: 'westus', properties: { sku: { family: 'A', name: 'standard' }, accessPolicies: [] } },
        400,
        'BadRequest'
      ],
      [
        'kv-ok',
        { location: 'westus', properties: { tenantId: TENANT, accessPolicies: [] } },
        400,
        'BadRequest'
      ],
      [
        'kv-ok',
        { location: 'westus', properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' } } },
        400,
        'BadRequest'
      ],
      ['kv-ok', vaultBody([{ tenantId: TENANT, permissions: { keys: ['get'] } }]), 400, 'BadRequest'],
      ['kv-ok', vaultBody([policy(TENANT, WORKSPACE, { secrets: [' list'] })]), 400, 'BadRequest'],
      [
        'kv-ok',
        vaultBody(Array.from({ length: 1025 }, (_, i) => policy(TENANT, `obj-${i}`, { keys: ['get'] }))),
        400,
        'BadRequest'
      ]
    ];
    for (const [name, body, status, code] of cases) {
      const answer = await putVault(ctx, RG, name, body);
      expect({ name, status: answer.status, code: answer.error?.code }).toEqual({ name, status, code });
    }
    const noPolicies = await putVault(ctx, RG, 'kv-ok', {
      location: 'westus',
      properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' } }
    });
    expect(noPolicies.error?.message).toBe('The parameter accessPolicies is not specified.');
    expect(ctx.store.list({ type: 'Microsoft.KeyVault/vaults' })).toEqual([]);
    const noGroup = await putVault(
      ctx,
      `/subscriptions/${SUB}/resourceGroups/absent`,
      'kv-ok',
      vaultBody([])
    );
    expect(noGroup.error?.code).toBe('ResourceGroupNotFound');
  });
});
