import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/index.js';
import type { ActionRun } from '../../harness/run-action.js';
import { startInfraBench, type InfraBench } from './support/infra-bench.js';

/** Soft-deleted vaults, concurrent writers, no-change re-runs and failing deployments, end to end. */

describe('infra stage: vault states, concurrency and failures (dist/index.js against the stand-in)', () => {
  let bench: InfraBench;
  let emulator: Emulator;
  let clients: InfraBench['clients'];
  let deploy: InfraBench['deploy'];

  beforeAll(async () => {
    bench = await startInfraBench(['failing-resource.json', 'circular.json']);
    ({ emulator, clients, deploy } = bench);
  });
  afterAll(async () => {
    await bench?.stop();
  });

  const vaultName = (run: ActionRun): string =>
    (JSON.parse(run.outputs['key-vaults']!) as { name: string }[])[0]!.name;
  const objectIds = async (group: string, vault: string) =>
    ((await clients.factory.keyVault().vaults.get(group, vault)).properties.accessPolicies ?? [])
      .map(p => p.objectId)
      .sort();
  const addPolicy = (group: string, vault: string, objectId: string) =>
    clients.factory.keyVault().vaults.updateAccessPolicy(group, vault, 'add', {
      properties: {
        accessPolicies: [{ tenantId: emulator.facts.tenantId, objectId, permissions: { secrets: ['get'] } }]
      }
    });

  it('refuses a soft-deleted vault name with deleted-vault: fail, writing nothing, and recovers it on request', async () => {
    const first = await deploy('rg-soft');
    expect(first.exitCode).toBe(0);
    const vault = vaultName(first);
    await addPolicy('rg-soft', vault, 'aaaaaaaa-0000-0000-0000-000000000001');
    await clients.factory.keyVault().vaults.delete('rg-soft', vault);

    emulator.requestLog.clear();
    const refused = await deploy('rg-soft');
    expect([refused.exitCode, refused.outputs['failed-stage']]).toEqual([1, 'infra']);
    expect(refused.stdout).toMatch(/soft-deleted state[\s\S]*deleted-vault: recover/);
    expect(refused.stdout).toMatch(/az keyvault purge --name/);
    expect(emulator.requestLog.writes()).toEqual([]);

    const recovered = await deploy('rg-soft', { 'deleted-vault': 'recover' });
    expect(recovered.exitCode).toBe(0);
    expect(JSON.parse(recovered.outputs['key-vaults']!)[0]).toMatchObject({
      stateFound: 'soft-deleted',
      action: 'recover'
    });
    expect(await objectIds('rg-soft', vault)).toEqual(['aaaaaaaa-0000-0000-0000-000000000001']);
  });

  it('does not write the vault at all on a re-run with nothing changed', async () => {
    const first = await deploy('rg-rerun');
    const vault = vaultName(first);
    await addPolicy('rg-rerun', vault, 'aaaaaaaa-0000-0000-0000-000000000002');
    const before = await clients.factory.keyVault().vaults.get('rg-rerun', vault);

    const second = await deploy('rg-rerun', { 'template-deployment-name': 'rerun-2' });
    expect(second.exitCode).toBe(0);
    expect(await clients.factory.keyVault().vaults.get('rg-rerun', vault)).toEqual(before);
    const operations = [];
    for await (const op of clients.factory.deployments().deploymentOperations.list('rg-rerun', 'rerun-2'))
      operations.push(op);
    const vaultWrites = operations.filter(
      op => op.properties?.targetResource?.resourceType === 'Microsoft.KeyVault/vaults'
    );
    expect(vaultWrites).toEqual([]);
    expect(second.stdout).toMatch(/template changes nothing else: not rewritten/);
  });

  it('keeps every policy when two runs deploy at once while a third party adds one', async () => {
    const first = await deploy('rg-race');
    const vault = vaultName(first);
    const runs = Promise.all([
      deploy('rg-race', {
        'template-deployment-name': 'race-a',
        parameters: 'ml-workspace.parameters.json\nciObjectId=bbbbbbbb-0000-0000-0000-00000000000a'
      }),
      deploy('rg-race', {
        'template-deployment-name': 'race-b',
        parameters: 'ml-workspace.parameters.json\nciObjectId=bbbbbbbb-0000-0000-0000-00000000000b'
      })
    ]);
    await new Promise(resolve => setTimeout(resolve, 300));
    await addPolicy('rg-race', vault, 'cccccccc-0000-0000-0000-00000000000c');
    const [a, b] = await runs;
    expect([
      a.exitCode,
      b.exitCode,
      [a, b].map(r => (r.exitCode ? r.stdout.slice(-2500) : '')).join('')
    ]).toEqual([0, 0, '']);
    expect(await objectIds('rg-race', vault)).toEqual([
      'bbbbbbbb-0000-0000-0000-00000000000a',
      'bbbbbbbb-0000-0000-0000-00000000000b',
      'cccccccc-0000-0000-0000-00000000000c'
    ]);
  });

  it('reports a failed resource with its ARM error, its template line and the correlation id', async () => {
    const run = await deploy('rg-fail', { template: 'failing-resource.json', parameters: '' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    const annotation = run.annotations.find(a => a.properties.title === 'Template deployment failed');
    expect(annotation).toMatchObject({
      level: 'error',
      properties: { file: 'failing-resource.json', line: '5' }
    });
    expect(annotation!.message).toContain(
      'StorageAccountAlreadyTaken: The storage account named sttaken is already taken.'
    );
    expect(run.stdout).toMatch(/Correlation id: [0-9a-f-]{36}/);
    expect(run.summary).toContain('#### Failed resources');
    expect(run.summary).toContain('`failing-resource.json:5`');
  });

  it('explains an ARM validation error with its code and message', async () => {
    const run = await deploy('rg-invalid', { template: 'circular.json', parameters: '' });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    expect(run.stdout).toMatch(
      /validate template deployment .*InvalidTemplate: Deployment template validation failed: 'Circular dependency/
    );
  });
});
