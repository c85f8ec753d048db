import { describe, expect, it } from '@jest/globals';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { readVaultStates } from '../../src/keyvault/read-vaults.js';

const T = '00000000-0000-0000-0000-0000000000aa';
const vault = (group: string, name: string) => ({
  id: `/subscriptions/s/resourceGroups/${group}/providers/Microsoft.KeyVault/vaults/${name}`,
  name,
  location: 'westeurope',
  properties: {
    tenantId: T,
    sku: { family: 'A', name: 'standard' },
    accessPolicies: [{ tenantId: T, objectId: `${name}-owner`, permissions: { secrets: ['get'] } }]
  }
});
const notFound = () =>
  new RestError('not found', {
    statusCode: 404,
    response: {
      request: createPipelineRequest({ url: 'https://127.0.0.1/x' }),
      status: 404,
      headers: createHttpHeaders()
    }
  });

/** A client over fixed groups of vaults that counts every request. */
function countingClient(groups: Record<string, string[]>, deleted: string[] = []) {
  const calls = { list: 0, get: 0, listDeleted: 0 };
  const client = {
    vaults: {
      listByResourceGroup: async function* (group: string) {
        calls.list++;
        for (const name of groups[group] ?? []) yield vault(group, name);
      },
      get: async () => {
        calls.get++;
        throw notFound();
      },
      listDeleted: async function* () {
        calls.listDeleted++;
        for (const name of deleted) yield { name, properties: { location: 'westeurope' } };
      }
    }
  } as unknown as KeyVaultManagementClient;
  return { client, calls };
}

describe('readVaultStates', () => {
  // Issue 18: a re-deploy of 800 vaults made 2,400 sequential GETs (ARM allows 12,000 reads an hour).
  it('reads 800 existing vaults in two groups with one list call per group and nothing else', async () => {
    const names = Array.from({ length: 800 }, (_, i) => `kv-${i}`);
    const groups = { 'rg-a': names.slice(0, 500), 'rg-b': names.slice(500) };
    const { client, calls } = countingClient(groups);
    const targets = names.map((name, i) => ({ name, resourceGroup: i < 500 ? 'rg-a' : 'RG-B' }));
    const states = await readVaultStates(client, targets, new AbortController().signal);
    expect(calls).toEqual({ list: 2, get: 0, listDeleted: 0 });
    expect(states.size).toBe(800);
    expect(states.get('kv-799')).toMatchObject({
      kind: 'active',
      vault: { accessPolicies: [{ objectId: 'kv-799-owner' }] }
    });
  });

  it('confirms each name a list does not show with its own GET, then one listDeleted for all of them', async () => {
    const { client, calls } = countingClient({ rg: ['kv-1'] }, ['kv-gone']);
    const states = await readVaultStates(
      client,
      ['kv-1', 'kv-new', 'kv-gone'].map(name => ({ name, resourceGroup: 'rg' })),
      new AbortController().signal
    );
    expect(calls).toEqual({ list: 1, get: 2, listDeleted: 1 });
    expect([...states].map(([name, state]) => [name, state.kind])).toEqual([
      ['kv-1', 'active'],
      ['kv-new', 'absent'],
      ['kv-gone', 'soft-deleted']
    ]);
  });
});
