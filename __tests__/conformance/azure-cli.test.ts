/**
 * Debian's azure-cli 2.45 (unpacked by scripts/azure-cli.sh) drives the stand-in through the commands a user
 * runs around this action. Each step states the behaviour Azure documents and checks az's exit code and the
 * fields of its JSON output. az exit codes: 0 success, 1 error, 3 resource not found (az's documented codes).
 */
import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureStandIn, type AzureStandIn } from '../../emulator/stand-in.js';
import {
  AzSession,
  ensureAzureCli,
  startManagedIdentityEndpoint,
  type AzResult
} from './support/azure-cli.js';
import { stepTable } from './support/step-table.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const GROUP = 'rg-conformance';
const VAULT = `kv-conf-${randomUUID().slice(0, 8)}`;
const PRINCIPAL = '7d4c2f1e-5a6b-4c3d-8e9f-0a1b2c3d4e5f';

function ok(result: AzResult): void {
  if (result.code !== 0) throw new Error(`az exited ${result.code}: ${result.stderr.trim()}`);
}

function policy(tenantId: string, objectId: string, secrets: string[]): Record<string, unknown> {
  return { tenantId, objectId, permissions: { secrets } };
}

describe('azure-cli against the stand-in', () => {
  const step = stepTable('azure-cli conformance');
  let standIn: AzureStandIn;
  let msi: Awaited<ReturnType<typeof startManagedIdentityEndpoint>>;
  let az: AzSession;
  let arm: string;
  let tenantId: string;

  beforeAll(async () => {
    const path = await ensureAzureCli();
    standIn = await startAzureStandIn({ blob: false, knobs: { lroDurationMs: 300, retryAfterSeconds: 0 } });
    msi = await startManagedIdentityEndpoint(standIn);
    az = await AzSession.open(path, standIn.facts, msi.url);
    arm = standIn.facts.armEndpoint;
    tenantId = standIn.facts.tenantId;
  }, 15 * 60_000);
  afterAll(async () => {
    await az?.close();
    await msi?.stop();
    await standIn?.stop();
  });

  async function deploymentParameters(policies: unknown[]): Promise<string> {
    const file = join(az.configDir, `parameters-${policies.length}.json`);
    const body = {
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
      contentVersion: '1.0.0.0',
      parameters: { vaultName: { value: VAULT }, accessPolicies: { value: policies } }
    };
    await writeFile(file, JSON.stringify(body));
    return file;
  }

  step('cloud register reads GET {arm}/metadata/endpoints without a token', async () => {
    const result = await az.run(
      'cloud',
      'register',
      '-n',
      'StandInMetadata',
      '--endpoint-resource-manager',
      arm
    );
    ok(result);
    const shown = await az.run('cloud', 'show', '-n', 'StandInMetadata');
    ok(shown);
    expect(shown.json.endpoints.resourceManager).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/?$/);
    expect(shown.json.endpoints.activeDirectory).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/?$/);
  });

  step(
    'cloud register with a trailing-slash ARM endpoint (GET //metadata/endpoints, as Azure tolerates)',
    async () => {
      ok(await az.run('cloud', 'register', '-n', 'StandInSlash', '--endpoint-resource-manager', `${arm}/`));
    }
  );

  step('cloud register with explicit endpoints, cloud set, login --identity', async () => {
    ok(
      await az.run(
        'cloud',
        'register',
        '-n',
        'StandIn',
        '--endpoint-resource-manager',
        `${arm}/`,
        '--endpoint-management',
        `${arm}/`,
        '--endpoint-active-directory',
        standIn.facts.authorityHost,
        '--endpoint-active-directory-resource-id',
        `${arm}/`,
        '--endpoint-active-directory-graph-resource-id',
        `${arm}/`,
        '--suffix-keyvault-dns',
        '.vault.azure.net',
        '--suffix-storage-endpoint',
        'core.windows.net'
      )
    );
    ok(await az.run('cloud', 'set', '-n', 'StandIn'));
    const login = await az.run('login', '--identity');
    ok(login);
    expect(login.json).toEqual([
      expect.objectContaining({
        id: standIn.facts.subscriptionId,
        tenantId,
        state: 'Enabled',
        isDefault: true,
        user: expect.objectContaining({ type: 'servicePrincipal' })
      })
    ]);
  });

  step('group create answers the group with provisioningState Succeeded', async () => {
    const result = await az.run('group', 'create', '-n', GROUP, '-l', 'westeurope');
    ok(result);
    expect(result.json).toMatchObject({
      id: `/subscriptions/${standIn.facts.subscriptionId}/resourceGroups/${GROUP}`,
      name: GROUP,
      location: 'westeurope',
      type: 'Microsoft.Resources/resourceGroups',
      properties: { provisioningState: 'Succeeded' }
    });
  });

  step('group show finds it; an absent group exits 3 (ResourceGroupNotFound)', async () => {
    const shown = await az.run('group', 'show', '-n', GROUP);
    ok(shown);
    expect(shown.json.name).toBe(GROUP);
    const absent = await az.run('group', 'show', '-n', 'rg-absent');
    expect(absent.code).toBe(3);
    expect(absent.stderr).toMatch(/ResourceGroupNotFound|could not be found/);
  });

  step('group list includes it', async () => {
    const listed = await az.run('group', 'list');
    ok(listed);
    expect(listed.json.map((group: { name: string }) => group.name)).toContain(GROUP);
  });

  step('deployment group validate (template with comments) lists the resources it would write', async () => {
    const result = await az.run(
      'deployment',
      'group',
      'validate',
      '-g',
      GROUP,
      '-n',
      'vault',
      '-f',
      join(FIXTURES, 'vault.jsonc'),
      '-p',
      await deploymentParameters([])
    );
    ok(result);
    expect(result.json.properties).toMatchObject({ provisioningState: 'Succeeded', mode: 'Incremental' });
    expect(result.json.properties.validatedResources).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(new RegExp(`/providers/Microsoft.KeyVault/vaults/${VAULT}$`, 'i'))
      })
    ]);
  });

  step('deployment group what-if (no pretty print) reports the vault as Create', async () => {
    const result = await az.run(
      'deployment',
      'group',
      'what-if',
      '-g',
      GROUP,
      '-n',
      'vault',
      '--no-pretty-print',
      '-f',
      join(FIXTURES, 'vault.jsonc'),
      '-p',
      await deploymentParameters([])
    );
    ok(result);
    expect(result.json.status).toBe('Succeeded');
    expect(result.json.changes).toEqual([
      expect.objectContaining({
        changeType: 'Create',
        resourceId: expect.stringMatching(new RegExp(`${VAULT}$`))
      })
    ]);
  });

  step('deployment group create succeeds with the vault in outputResources and its outputs', async () => {
    const result = await az.run(
      'deployment',
      'group',
      'create',
      '-g',
      GROUP,
      '-n',
      'vault',
      '-f',
      join(FIXTURES, 'vault.jsonc'),
      '-p',
      await deploymentParameters([policy(tenantId, PRINCIPAL, ['get', 'list'])])
    );
    ok(result);
    expect(result.json.properties).toMatchObject({ provisioningState: 'Succeeded', mode: 'Incremental' });
    expect(result.json.properties.outputResources).toEqual([
      expect.objectContaining({ id: expect.stringMatching(new RegExp(`vaults/${VAULT}$`, 'i')) })
    ]);
    expect(result.json.properties.outputs.vaultUri).toMatchObject({ type: 'String' });
    expect(result.json.properties.outputs.vaultUri.value).toMatch(new RegExp(`^https://${VAULT}\\.`));
  });

  step(
    'deployment operation group list has one operation per resource with its target and status',
    async () => {
      const result = await az.run('deployment', 'operation', 'group', 'list', '-g', GROUP, '-n', 'vault');
      ok(result);
      const targets = result.json.map(
        (operation: { properties: { targetResource?: { resourceType: string } } }) =>
          operation.properties.targetResource?.resourceType
      );
      expect(targets).toContain('Microsoft.KeyVault/vaults');
      for (const operation of result.json) {
        expect(operation.properties).toMatchObject({
          provisioningState: 'Succeeded',
          provisioningOperation: expect.any(String)
        });
      }
    }
  );

  step('deployment group show reads the finished deployment', async () => {
    const result = await az.run('deployment', 'group', 'show', '-g', GROUP, '-n', 'vault');
    ok(result);
    expect(result.json).toMatchObject({ name: 'vault', properties: { provisioningState: 'Succeeded' } });
    expect(result.json.properties.templateHash).toEqual(expect.any(String));
  });

  step(
    'what-if of a changed access-policy list: Modify with an Array change, one child per element',
    async () => {
      const result = await az.run(
        'deployment',
        'group',
        'what-if',
        '-g',
        GROUP,
        '-n',
        'vault',
        '--no-pretty-print',
        '-f',
        join(FIXTURES, 'vault.jsonc'),
        '-p',
        await deploymentParameters([])
      );
      ok(result);
      const change = result.json.changes.find((entry: { resourceId: string }) =>
        entry.resourceId.endsWith(VAULT)
      );
      expect(change.changeType).toBe('Modify');
      const policies = change.delta.find(
        (entry: { path: string }) => entry.path === 'properties.accessPolicies'
      );
      expect(policies).toMatchObject({ propertyChangeType: 'Array' });
      expect(policies.children).toEqual([
        expect.objectContaining({
          path: '0',
          propertyChangeType: 'Delete',
          before: expect.objectContaining({ objectId: PRINCIPAL })
        })
      ]);
    }
  );

  step('an unknown resource provider namespace is refused (InvalidResourceNamespace)', async () => {
    const result = await az.run(
      'deployment',
      'group',
      'validate',
      '-g',
      GROUP,
      '-n',
      'nope',
      '-f',
      join(FIXTURES, 'unknown-namespace.json')
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/InvalidResourceNamespace|NoRegisteredProviderFound/);
  });

  step('keyvault show: vaultUri, tenant, sku and the deployed access policy', async () => {
    const result = await az.run('keyvault', 'show', '-n', VAULT, '-g', GROUP);
    ok(result);
    expect(result.json).toMatchObject({
      name: VAULT,
      type: 'Microsoft.KeyVault/vaults',
      resourceGroup: GROUP,
      properties: { tenantId, sku: { name: 'standard' }, enableSoftDelete: true }
    });
    expect(result.json.properties.vaultUri).toMatch(new RegExp(`^https://${VAULT}\\.`));
    expect(result.json.properties.accessPolicies).toEqual([expect.objectContaining({ objectId: PRINCIPAL })]);
  });

  step(
    'keyvault show by name alone (az finds the group with GET /subscriptions/{s}/resources?$filter=…)',
    async () => {
      const result = await az.run('keyvault', 'show', '-n', VAULT);
      ok(result);
      expect(result.json).toMatchObject({ name: VAULT, resourceGroup: GROUP });
    }
  );

  step('keyvault set-policy adds a policy and keeps the existing one', async () => {
    const other = randomUUID();
    const result = await az.run(
      'keyvault',
      'set-policy',
      '-n',
      VAULT,
      '-g',
      GROUP,
      '--object-id',
      other,
      '--secret-permissions',
      'get'
    );
    ok(result);
    const ids = result.json.properties.accessPolicies.map((entry: { objectId: string }) => entry.objectId);
    expect(ids).toEqual(expect.arrayContaining([PRINCIPAL, other]));
  });

  step('keyvault list-deleted answers an empty list (vaults and managed HSMs)', async () => {
    const result = await az.run('keyvault', 'list-deleted');
    ok(result);
    expect(result.json).toEqual([]);
  });

  step('keyvault delete soft-deletes: list-deleted shows it with its purge date', async () => {
    ok(await az.run('keyvault', 'delete', '-n', VAULT, '-g', GROUP));
    const result = await az.run('keyvault', 'list-deleted', '--resource-type', 'vault');
    ok(result);
    expect(result.json).toEqual([
      expect.objectContaining({
        name: VAULT,
        type: 'Microsoft.KeyVault/deletedVaults',
        properties: expect.objectContaining({
          vaultId: expect.stringMatching(
            new RegExp(`/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/${VAULT}$`, 'i')
          ),
          deletionDate: expect.any(String),
          scheduledPurgeDate: expect.any(String)
        })
      })
    ]);
    expect((await az.run('keyvault', 'show', '-n', VAULT, '-g', GROUP)).code).toBe(3);
  });

  step('keyvault recover brings it back with its access policies', async () => {
    ok(await az.run('keyvault', 'recover', '-n', VAULT));
    const shown = await az.run('keyvault', 'show', '-n', VAULT, '-g', GROUP);
    ok(shown);
    expect(shown.json.properties.accessPolicies.length).toBe(2);
  });

  step('keyvault delete + purge: gone from the deleted list', async () => {
    ok(await az.run('keyvault', 'delete', '-n', VAULT, '-g', GROUP));
    ok(await az.run('keyvault', 'purge', '-n', VAULT));
    const result = await az.run('keyvault', 'list-deleted', '--resource-type', 'vault');
    ok(result);
    expect(result.json).toEqual([]);
  });

  step('group delete soft-deletes the vaults it held (the name stays taken)', async () => {
    const redeployed = await az.run(
      'deployment',
      'group',
      'create',
      '-g',
      GROUP,
      '-n',
      'vault-again',
      '-f',
      join(FIXTURES, 'vault.jsonc'),
      '-p',
      await deploymentParameters([])
    );
    ok(redeployed);
    ok(await az.run('group', 'delete', '-n', GROUP, '--yes'));
    expect((await az.run('group', 'show', '-n', GROUP)).code).toBe(3);
    const deleted = await az.run('keyvault', 'list-deleted', '--resource-type', 'vault');
    ok(deleted);
    expect(deleted.json.map((vault: { name: string }) => vault.name)).toContain(VAULT);
  });
});
