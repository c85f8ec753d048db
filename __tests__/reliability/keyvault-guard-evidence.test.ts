import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lostGrants, type PolicyEntry } from './support/policy-grants.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';

/**
 * Evidence of existence wins (issue 13, item 1): once a read or what-if has shown a vault, a later "not found"
 * must never turn the guard off. Before the fix, one 404 on the guard's second (pre-deploy) read of an
 * existing vault made it "absent": the template was deployed unguarded, the out-of-band policy was wiped,
 * and the run succeeded.
 */

const GROUP = 'rg-evidence';
const VAULT = 'kv-evidence-guard';
// The guard's vault reads, in either form: the vault's own GET, or the list of the group's vaults.
const VAULT_READ = new RegExp(
  `/resourcegroups/${GROUP}/providers/Microsoft\\.KeyVault/vaults(/${VAULT})?$`,
  'i'
);

describe('Key Vault guard: a "not found" after evidence of existence', () => {
  let bench: ReliabilityBench;
  let outOfBand: PolicyEntry;

  const template = (generation: string) => ({
    contentVersion: '1.0.0.0',
    resources: [
      {
        type: 'Microsoft.KeyVault/vaults',
        apiVersion: '2023-07-01',
        name: VAULT,
        location: '[resourceGroup().location]',
        tags: { generation },
        properties: {
          tenantId: '[subscription().tenantId]',
          sku: { family: 'A', name: 'standard' },
          accessPolicies: []
        }
      }
    ]
  });
  const inputs = (name: string) => ({
    'resource-group': GROUP,
    location: 'westeurope',
    template: 'evidence.json',
    'what-if': 'true',
    'template-deployment-name': name
  });
  const policies = async (): Promise<PolicyEntry[]> =>
    ((await bench.clients.factory.keyVault().vaults.get(GROUP, VAULT)).properties.accessPolicies ??
      []) as PolicyEntry[];

  beforeAll(async () => {
    bench = await startReliabilityBench();
    bench.write('evidence.json', template('0'));
    const created = await bench.run(inputs('evidence-0'));
    expect({ exitCode: created.exitCode, log: created.exitCode ? created.stdout.slice(-2000) : '' }).toEqual({
      exitCode: 0,
      log: ''
    });
    outOfBand = {
      tenantId: bench.emulator.facts.tenantId,
      objectId: '0b000000-0000-4000-8000-0000000e0001',
      permissions: { secrets: ['get', 'list'] }
    };
    await bench.clients.factory
      .keyVault()
      .vaults.updateAccessPolicy(GROUP, VAULT, 'add', { properties: { accessPolicies: [outOfBand] } });
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it('reads again after a transient 404 on the pre-deploy read, and keeps the policies', async () => {
    bench.write('evidence.json', template('1'));
    bench.emulator.faults.add({
      method: 'GET',
      path: VAULT_READ,
      nth: 2,
      status: 404,
      code: 'ResourceNotFound'
    });
    try {
      const run = await bench.run(inputs('evidence-1'));
      expect({
        exitCode: run.exitCode,
        log: run.exitCode ? run.stdout.slice(-2000) : '',
        lost: lostGrants([outOfBand], await policies())
      }).toEqual({ exitCode: 0, log: '', lost: [] });
    } finally {
      bench.emulator.faults.clear();
    }
  });

  it('stops before writing anything when the vault stays "not found", naming what each read said', async () => {
    bench.write('evidence.json', template('2'));
    // Every read after the first says 404: the pre-deploy read and each confirming GET.
    for (let nth = 2; nth <= 8; nth++)
      bench.emulator.faults.add({
        method: 'GET',
        path: VAULT_READ,
        nth,
        status: 404,
        code: 'ResourceNotFound'
      });
    bench.emulator.requestLog.clear();
    try {
      const run = await bench.run(inputs('evidence-2'));
      const error = run.annotations.find(a => a.level === 'error')?.message ?? '';
      expect({
        exitCode: run.exitCode,
        writes: bench.emulator.requestLog
          .writes()
          .filter(w => w.method !== 'POST')
          .map(w => `${w.method} ${w.path}`)
      }).toEqual({ exitCode: 1, writes: [] });
      expect(error).toMatch(new RegExp(`Key Vault '${VAULT}'`));
      expect(error).toMatch(/first read: active, 1 access policy/);
      expect(error).toMatch(/what-if: Modify/);
      expect(error).toMatch(/read right before deploying: not found/);
      expect(error).toMatch(/Nothing was written/);
    } finally {
      bench.emulator.faults.clear();
    }
    expect(lostGrants([outOfBand], await policies())).toEqual([]);
  });
});
