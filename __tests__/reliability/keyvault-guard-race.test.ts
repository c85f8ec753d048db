import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { lostGrants, type PolicyEntry } from './support/policy-grants.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';

/**
 * The race window (issue 13, item 6): ARM's vault PUT carries the policies the guard read before the
 * deployment was submitted. The stand-in's `deploymentWriteDelayMs` knob holds every resource write of a
 * deployment, as ARM's own scheduling does, so a write by someone else lands between the guard's read and
 * ARM's vault write. Before the fix, that grant was wiped without a word and the run succeeded; two guarded
 * runs at once lost each other's new grants.
 */

const GROUP = 'rg-race';
const VAULT = 'kv-race-guard';
const WRITE_DELAY_MS = 2500;
const principal = (n: number) => `0b000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('Key Vault guard: writes by others while the deployment runs', () => {
  let bench: ReliabilityBench;
  let tenantId: string;

  const template = (generation: string, own: PolicyEntry[] = []) => ({
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
          accessPolicies: own
        }
      }
    ]
  });
  const run = (file: string, name: string) =>
    bench.run({
      'resource-group': GROUP,
      location: 'westeurope',
      template: file,
      'what-if': 'false',
      'template-deployment-name': name
    });
  const policies = async (): Promise<PolicyEntry[]> =>
    ((await bench.clients.factory.keyVault().vaults.get(GROUP, VAULT)).properties.accessPolicies ??
      []) as PolicyEntry[];
  const deploymentSent = async (name: string) => {
    const sent = () =>
      bench.emulator.requestLog
        .entries()
        .some(e => e.method === 'PUT' && e.path.toLowerCase().endsWith(`/deployments/${name}`));
    while (!sent()) await new Promise(resolve => setTimeout(resolve, 20));
  };

  beforeAll(async () => {
    bench = await startReliabilityBench();
    tenantId = bench.emulator.facts.tenantId;
    bench.write('race-0.json', template('0'));
    const created = await run('race-0.json', 'race-0');
    expect(created.exitCode).toBe(0);
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it('restores a grant added between the guard read and ARM vault write, and names vault, principal, caller and time', async () => {
    bench.write('race-1.json', template('1'));
    bench.emulator.knobs.deploymentWriteDelayMs = WRITE_DELAY_MS;
    bench.emulator.requestLog.clear();
    const added: PolicyEntry = {
      tenantId,
      objectId: principal(1),
      permissions: { secrets: ['get', 'list'] }
    };
    try {
      const running = run('race-1.json', 'race-1');
      await deploymentSent('race-1');
      await new Promise(resolve => setTimeout(resolve, 400));
      await bench.clients.factory
        .keyVault()
        .vaults.updateAccessPolicy(GROUP, VAULT, 'add', { properties: { accessPolicies: [added] } });
      const result = await running;
      const warnings = result.annotations.filter(a => a.level === 'warning').map(a => a.message);
      expect({ exitCode: result.exitCode, lost: lostGrants([added], await policies()) }).toEqual({
        exitCode: 0,
        lost: []
      });
      expect(warnings).toContainEqual(
        expect.stringMatching(
          new RegExp(
            `Key Vault '${VAULT}' lost 1 access policy entry.*principal ${principal(1)}.*added during the deployment, seen \\d{4}-`
          )
        )
      );
      expect(warnings).toContainEqual(
        expect.stringMatching(
          new RegExp(`Key Vault '${VAULT}' was written by ${bench.emulator.facts.secretClientId} at \\d{4}-`)
        )
      );
      expect(result.summary).toContain(principal(1));
    } finally {
      bench.emulator.knobs.deploymentWriteDelayMs = 0;
    }
  });

  it("keeps both runs' own grants when two guarded runs deploy the same vault at once", async () => {
    const ownA: PolicyEntry = { tenantId, objectId: principal(11), permissions: { keys: ['get'] } };
    const ownB: PolicyEntry = { tenantId, objectId: principal(12), permissions: { secrets: ['get'] } };
    bench.write('race-a.json', template('a', [ownA]));
    bench.write('race-b.json', template('b', [ownB]));
    bench.emulator.knobs.deploymentWriteDelayMs = WRITE_DELAY_MS;
    try {
      const first = run('race-a.json', 'race-a');
      await deploymentSent('race-a');
      await new Promise(resolve => setTimeout(resolve, 300));
      const [a, b] = await Promise.all([first, run('race-b.json', 'race-b')]);
      expect({
        exitCodes: [a.exitCode, b.exitCode],
        lost: lostGrants([ownA, ownB], await policies())
      }).toEqual({ exitCodes: [0, 0], lost: [] });
    } finally {
      bench.emulator.knobs.deploymentWriteDelayMs = 0;
    }
  });
});
