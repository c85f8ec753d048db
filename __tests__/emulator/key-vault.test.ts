import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KeyVaultManagementClient, type VaultCreateOrUpdateParameters } from '@azure/arm-keyvault';
import { fixture, policy } from '../fixtures/key-vault/fixtures.js';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../fixtures/key-vault/raw-arm.js';

/**
 * The real `@azure/arm-keyvault` 5.0.0 client against the stand-in's Key Vault provider: what the action's
 * Key Vault guard relies on, driven the way the action drives it.
 */
const WORKSPACE = '11111111-1111-4111-8111-111111111111';
const DEPLOYER = '22222222-2222-4222-8222-222222222222';
const POLL = { updateIntervalInMs: 20 };

describe('Key Vault provider through @azure/arm-keyvault', () => {
  let standIn: KeyVaultStandIn;
  let client: KeyVaultManagementClient;
  let tenantId: string;

  beforeAll(async () => {
    standIn = await startKeyVaultStandIn();
    const { facts } = standIn.emulator;
    tenantId = facts.tenantId;
    client = new KeyVaultManagementClient(standIn.credential, facts.subscriptionId, {
      endpoint: facts.armEndpoint,
      credentials: { scopes: [`${facts.armEndpoint}/.default`] },
      tlsOptions: { ca: standIn.ca }
    });
    await standIn.group('rg-sdk');
    await standIn.group('rg-sdk-other');
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  function params(
    accessPolicies: unknown[],
    extra: Record<string, unknown> = {}
  ): VaultCreateOrUpdateParameters {
    return {
      location: 'westus',
      properties: { tenantId, sku: { family: 'A', name: 'standard' }, accessPolicies, ...extra }
    } as VaultCreateOrUpdateParameters;
  }

  async function createVault(group: string, name: string, parameters: VaultCreateOrUpdateParameters) {
    return client.vaults.createOrUpdate(group, name, parameters, POLL);
  }

  async function expectRejected(call: Promise<unknown>, statusCode: number, code: string): Promise<void> {
    const error = (await call.then(
      () => undefined,
      (e: unknown) => e
    )) as { statusCode?: number; code?: string } | undefined;
    expect({ statusCode: error?.statusCode, code: error?.code }).toEqual({ statusCode, code });
  }

  it('creates a vault: the poller follows RegisteringDns until Succeeded', async () => {
    const vault = await createVault(
      'rg-sdk',
      'kv-sdk-create',
      params([policy(tenantId, DEPLOYER, { secrets: ['get'] })])
    );
    expect(vault.properties.provisioningState).toBe('Succeeded');
    expect(vault.properties.vaultUri).toBe('https://kv-sdk-create.vault.azure.net/');
    const polls = standIn.emulator.requestLog
      .entries()
      .filter(e => e.method === 'GET' && e.path.endsWith('/vaults/kv-sdk-create'));
    expect(polls.length).toBeGreaterThan(0);
  });

  it('reproduces the wipe: redeploying with accessPolicies [] loses a policy added out of band', async () => {
    await createVault('rg-sdk', 'kv-sdk-wipe', params([policy(tenantId, DEPLOYER, { secrets: ['get'] })]));
    await client.vaults.updateAccessPolicy('rg-sdk', 'kv-sdk-wipe', 'add', {
      properties: { accessPolicies: [policy(tenantId, WORKSPACE, { keys: ['get', 'wrapKey', 'unwrapKey'] })] }
    });
    expect((await client.vaults.get('rg-sdk', 'kv-sdk-wipe')).properties.accessPolicies).toHaveLength(2);

    await createVault('rg-sdk', 'kv-sdk-wipe', params([]));
    expect((await client.vaults.get('rg-sdk', 'kv-sdk-wipe')).properties.accessPolicies).toEqual([]);
  });

  it('adds, replaces and removes per principal, leaving other principals alone', async () => {
    await createVault(
      'rg-sdk',
      'kv-sdk-policies',
      params([policy(tenantId, DEPLOYER, { secrets: ['get', 'list'] })])
    );
    const added = await client.vaults.updateAccessPolicy('rg-sdk', 'kv-sdk-policies', 'add', {
      properties: { accessPolicies: [policy(tenantId, WORKSPACE, { keys: ['get'] })] }
    });
    expect(added.type).toBe('Microsoft.KeyVault/vaults/accessPolicies');
    await client.vaults.updateAccessPolicy('rg-sdk', 'kv-sdk-policies', 'add', {
      properties: { accessPolicies: [policy(tenantId, WORKSPACE, { keys: ['wrapKey'] })] }
    });
    await client.vaults.updateAccessPolicy('rg-sdk', 'kv-sdk-policies', 'replace', {
      properties: { accessPolicies: [policy(tenantId, DEPLOYER, { secrets: ['set'] })] }
    });
    let policies = (await client.vaults.get('rg-sdk', 'kv-sdk-policies')).properties.accessPolicies;
    expect(policies).toEqual([
      policy(tenantId, DEPLOYER, { secrets: ['set'] }),
      policy(tenantId, WORKSPACE, { keys: ['get', 'wrapKey'] })
    ]);
    await client.vaults.updateAccessPolicy('rg-sdk', 'kv-sdk-policies', 'remove', {
      properties: { accessPolicies: [policy(tenantId, DEPLOYER, { secrets: ['set'] })] }
    });
    policies = (await client.vaults.get('rg-sdk', 'kv-sdk-policies')).properties.accessPolicies;
    expect(policies).toEqual([policy(tenantId, WORKSPACE, { keys: ['get', 'wrapKey'] })]);
  });

  it('soft-deletes, lists the deleted vault, refuses a default create over it, and recovers it', async () => {
    await createVault(
      'rg-sdk',
      'kv-sdk-soft',
      params([policy(tenantId, WORKSPACE, { keys: ['get'] })], { softDeleteRetentionInDays: 7 })
    );
    await client.vaults.delete('rg-sdk', 'kv-sdk-soft');
    await expectRejected(client.vaults.get('rg-sdk', 'kv-sdk-soft'), 404, 'ResourceNotFound');

    const deleted = [];
    for await (const entry of client.vaults.listDeleted()) deleted.push(entry);
    const entry = deleted.find(d => d.name === 'kv-sdk-soft');
    expect(entry?.properties?.purgeProtectionEnabled).toBe(false);
    const { deletionDate, scheduledPurgeDate } = entry?.properties ?? {};
    expect((scheduledPurgeDate as Date).getTime() - (deletionDate as Date).getTime()).toBe(
      7 * 24 * 3600 * 1000
    );
    const one = await client.vaults.getDeleted('kv-sdk-soft', 'westus');
    expect(one.properties?.vaultId).toMatch(
      /\/resourceGroups\/rg-sdk\/providers\/Microsoft\.KeyVault\/vaults\/kv-sdk-soft$/
    );

    await expectRejected(createVault('rg-sdk', 'kv-sdk-soft', params([])), 409, 'ConflictError');
    await expectRejected(createVault('rg-sdk-other', 'kv-sdk-soft', params([])), 409, 'ConflictError');

    const recovered = await createVault('rg-sdk', 'kv-sdk-soft', params([], { createMode: 'recover' }));
    expect(recovered.properties.accessPolicies).toEqual([policy(tenantId, WORKSPACE, { keys: ['get'] })]);
    const after = [];
    for await (const d of client.vaults.listDeleted()) after.push(d.name);
    expect(after).not.toContain('kv-sdk-soft');
    await expectRejected(
      createVault('rg-sdk', 'kv-sdk-nothing', params([], { createMode: 'recover' })),
      400,
      'SoftDeletedVaultDoesNotExist'
    );
  });

  it('purges a deleted vault, but not one under purge protection', async () => {
    await createVault('rg-sdk', 'kv-sdk-purge', params([]));
    await client.vaults.delete('rg-sdk', 'kv-sdk-purge');
    await client.vaults.purgeDeleted('kv-sdk-purge', 'westus', POLL);
    await expectRejected(client.vaults.getDeleted('kv-sdk-purge', 'westus'), 404, 'ResourceNotFound');
    const again = await createVault('rg-sdk', 'kv-sdk-purge', params([]));
    expect(again.properties.provisioningState).toBe('Succeeded');

    await createVault('rg-sdk', 'kv-sdk-protected', params([], { enablePurgeProtection: true }));
    await client.vaults.delete('rg-sdk', 'kv-sdk-protected');
    await expectRejected(
      client.vaults.purgeDeleted('kv-sdk-protected', 'westus', POLL),
      405,
      'MethodNotAllowed'
    );
    expect(
      (await client.vaults.getDeleted('kv-sdk-protected', 'westus')).properties?.purgeProtectionEnabled
    ).toBe(true);
  });

  it('refuses to turn protection off, and keeps it when a PUT omits it', async () => {
    await createVault('rg-sdk', 'kv-sdk-flags', params([], { enablePurgeProtection: true }));
    await expectRejected(
      createVault('rg-sdk', 'kv-sdk-flags', params([], { enablePurgeProtection: false })),
      400,
      'BadRequest'
    );
    await expectRejected(
      createVault('rg-sdk', 'kv-sdk-flags', params([], { enableSoftDelete: false })),
      400,
      'BadRequest'
    );
    await expectRejected(
      client.vaults.update('rg-sdk', 'kv-sdk-flags', { properties: { enablePurgeProtection: false } }),
      400,
      'BadRequest'
    );
    const kept = await createVault('rg-sdk', 'kv-sdk-flags', params([]));
    expect(kept.properties).toMatchObject({ enablePurgeProtection: true, enableSoftDelete: true });
  });

  it('keeps vault names global across resource groups', async () => {
    await createVault('rg-sdk', 'kv-sdk-global', params([]));
    await expectRejected(createVault('rg-sdk-other', 'kv-sdk-global', params([])), 409, 'VaultAlreadyExists');
    const availability = await client.vaults.checkNameAvailability({
      name: 'kv-sdk-global',
      type: 'Microsoft.KeyVault/vaults'
    });
    expect(availability).toMatchObject({ nameAvailable: false, reason: 'AlreadyExists' });
  });

  it('lists by resource group and subscription, and PATCHes', async () => {
    await createVault('rg-sdk-other', 'kv-sdk-listed', params([], { enabledForDeployment: true }));
    const inGroup = [];
    for await (const v of client.vaults.listByResourceGroup('rg-sdk-other')) inGroup.push(v.name);
    expect(inGroup).toEqual(['kv-sdk-listed']);
    const all = [];
    for await (const v of client.vaults.listBySubscription()) all.push(v.name);
    expect(all).toEqual(expect.arrayContaining(['kv-sdk-listed', 'kv-sdk-create']));

    const patched = await client.vaults.update('rg-sdk-other', 'kv-sdk-listed', {
      tags: { stage: 'blue' },
      properties: { accessPolicies: [policy(tenantId, WORKSPACE, { secrets: ['get'] })] }
    });
    expect(patched.tags).toEqual({ stage: 'blue' });
    expect(patched.properties.enabledForDeployment).toBe(true);
    expect(patched.properties.accessPolicies).toEqual([policy(tenantId, WORKSPACE, { secrets: ['get'] })]);
  });

  it('answers the shapes of the REST examples', async () => {
    const example = fixture('getVault.json').responses['200'].body;
    const vault = await client.vaults.get('rg-sdk', 'kv-sdk-create');
    for (const key of Object.keys(example)) expect(vault).toHaveProperty(key);
    expect(vault.type).toBe(example.type);
  });
});
