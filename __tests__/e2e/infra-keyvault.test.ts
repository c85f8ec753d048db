import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/index.js';
import type { ActionRun } from '../../harness/run-action.js';
import { startInfraBench, type InfraBench } from './support/infra-bench.js';

/**
 * The problem this action exists for, end to end: `dist/index.js` deploys an ML-style template with a Key
 * Vault twice while someone adds an access policy in between, through the real @azure/arm-keyvault client.
 */
const OUT_OF_BAND = {
  objectId: '99999999-0000-0000-0000-00000000abcd',
  permissions: { secrets: ['get', 'list'], keys: ['wrapKey', 'unwrapKey'] }
};

interface VaultOutput {
  name: string;
  action: string;
  stateFound: string;
  policiesBefore: number;
  policiesKept: number | null;
}

describe('infra stage: Key Vault access policies (dist/index.js against the stand-in)', () => {
  let bench: InfraBench;
  let emulator: Emulator;
  let clients: InfraBench['clients'];
  let deploy: InfraBench['deploy'];

  beforeAll(async () => {
    bench = await startInfraBench(['vaults-copy-nested.json', 'vault-utcnow.json']);
    ({ emulator, clients, deploy } = bench);
  });
  afterAll(async () => {
    await bench?.stop();
  });

  const vaultsOf = (run: ActionRun): VaultOutput[] =>
    JSON.parse(run.outputs['key-vaults'] ?? '[]') as VaultOutput[];

  async function addOutOfBandPolicy(resourceGroup: string, vault: string): Promise<void> {
    await clients.factory.keyVault().vaults.updateAccessPolicy(resourceGroup, vault, 'add', {
      properties: { accessPolicies: [{ tenantId: emulator.facts.tenantId, ...OUT_OF_BAND }] }
    });
  }

  async function policyObjectIds(resourceGroup: string, vault: string): Promise<string[]> {
    const found = await clients.factory.keyVault().vaults.get(resourceGroup, vault);
    return (found.properties.accessPolicies ?? []).map(p => p.objectId);
  }

  function expectSucceeded(run: ActionRun): void {
    expect({
      exitCode: run.exitCode,
      status: run.outputs.status,
      log: run.exitCode === 0 ? '' : run.stdout.slice(-3000)
    }).toEqual({
      exitCode: 0,
      status: 'succeeded',
      log: ''
    });
  }

  it('reproduces the wipe with key-vault-policy: off', async () => {
    const first = await deploy('rg-kv-off', { 'key-vault-policy': 'off' });
    expectSucceeded(first);
    const vault = vaultsOf(first)[0]!.name;
    await addOutOfBandPolicy('rg-kv-off', vault);
    expect(await policyObjectIds('rg-kv-off', vault)).toContain(OUT_OF_BAND.objectId);

    const second = await deploy('rg-kv-off', { 'key-vault-policy': 'off' });
    expectSucceeded(second);
    expect(await policyObjectIds('rg-kv-off', vault)).toEqual([]);
    expect(vaultsOf(second)[0]).toMatchObject({ action: 'unguarded', policiesBefore: 1 });
  });

  it("keeps an out-of-band policy with key-vault-policy: preserve, and adds the template's own", async () => {
    const first = await deploy('rg-kv-preserve');
    expectSucceeded(first);
    const vault = vaultsOf(first)[0]!.name;
    expect(vault).toMatch(/^kv-mlops-[a-z0-9]{6}$/);
    await addOutOfBandPolicy('rg-kv-preserve', vault);

    const ciObjectId = '22222222-0000-0000-0000-0000000000c1';
    const second = await deploy('rg-kv-preserve', {
      parameters: `ml-workspace.parameters.json\nciObjectId=${ciObjectId}`
    });
    expectSucceeded(second);
    expect((await policyObjectIds('rg-kv-preserve', vault)).sort()).toEqual(
      [ciObjectId, OUT_OF_BAND.objectId].sort()
    );
    expect(vaultsOf(second)[0]).toMatchObject({
      name: vault,
      stateFound: 'active',
      action: 'preserve',
      policiesBefore: 1,
      policiesKept: 1
    });
    expect(second.summary).toContain('#### Key Vaults');
    expect(second.summary).toMatch(new RegExp(`\`${vault}\` \\| active \\| preserve \\| 1 \\| 1 \\| 0 \\|`));
    expect(second.outputs.vaultName).toBe(vault);
    expect(JSON.parse(second.outputs['template-outputs']!)).toMatchObject({ vaultName: vault });
  });

  it('guards vaults in a copy loop and in a nested inner-scope deployment', async () => {
    const inputs = { template: 'vaults-copy-nested.json', parameters: '' };
    const first = await deploy('rg-kv-nested', inputs);
    expectSucceeded(first);
    const names = vaultsOf(first).map(v => v.name);
    expect(names).toHaveLength(3);
    for (const name of names) await addOutOfBandPolicy('rg-kv-nested', name);

    const second = await deploy('rg-kv-nested', inputs);
    expectSucceeded(second);
    for (const name of names)
      expect(await policyObjectIds('rg-kv-nested', name)).toContain(OUT_OF_BAND.objectId);
    expect(vaultsOf(second).map(v => v.action)).toEqual(['preserve', 'preserve', 'preserve']);
  });

  it('leaves an existing vault byte for byte with skip-existing while the rest deploys', async () => {
    const first = await deploy('rg-kv-skip');
    expectSucceeded(first);
    const vault = vaultsOf(first)[0]!.name;
    await addOutOfBandPolicy('rg-kv-skip', vault);
    const before = await clients.factory.keyVault().vaults.get('rg-kv-skip', vault);
    emulator.requestLog.clear();

    const second = await deploy('rg-kv-skip', { 'key-vault-policy': 'skip-existing' });
    expectSucceeded(second);
    const after = await clients.factory.keyVault().vaults.get('rg-kv-skip', vault);
    expect(after).toEqual(before);
    expect(vaultsOf(second)[0]).toMatchObject({ action: 'skip' });
  });

  it('refuses a vault name whose value is only known at deployment, writing nothing; off deploys it', async () => {
    emulator.requestLog.clear();
    const refused = await deploy('rg-kv-utcnow', { template: 'vault-utcnow.json', parameters: '' });
    expect(refused.exitCode).toBe(1);
    expect(refused.outputs['failed-stage']).toBe('configuration');
    const errors = refused.annotations.filter(a => a.level === 'error');
    expect(errors[0]).toMatchObject({ properties: { file: 'vault-utcnow.json', line: '6' } });
    expect(errors[0]!.message).toMatch(/utcNow.*key-vault-policy: off/s);
    expect(emulator.requestLog.entries()).toEqual([]);

    const unguarded = await deploy('rg-kv-utcnow', {
      template: 'vault-utcnow.json',
      parameters: '',
      'key-vault-policy': 'off'
    });
    expectSucceeded(unguarded);
  });

  it('masks the securestring parameter and never shows it', async () => {
    const run = await deploy('rg-kv-preserve');
    expect(run.masks).toContain('Canary-Securestring-7d1f0c');
    const shown = run.visibleLog + run.stderr + run.summary + JSON.stringify(run.outputs);
    expect(shown).not.toContain('Canary-Securestring-7d1f0c');
  });
});
