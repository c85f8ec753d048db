import { describe, expect, it } from '@jest/globals';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { Deadline } from '../../src/run/deadline.js';
import type { AccessPolicyEntry } from '../../src/keyvault/access-policies.js';
import { decideVault } from '../../src/keyvault/decide-vaults.js';
import { verifyAndRestorePolicies } from '../../src/keyvault/verify-policies.js';

const T = '00000000-0000-0000-0000-0000000000aa';
const workspace: AccessPolicyEntry = {
  tenantId: T,
  objectId: 'workspace',
  permissions: { keys: ['get', 'wrapKey'] }
};
const app: AccessPolicyEntry = { tenantId: T, objectId: 'app', permissions: { secrets: ['get'] } };

/** A vault whose policies a concurrent writer wiped during the deployment; the first restore meets a 409. */
function wipedVault() {
  let policies: AccessPolicyEntry[] = [{ ...workspace, permissions: { keys: ['get'] } }];
  const calls = { adds: 0, conflicts: 0 };
  const vault = () => ({
    id: 'kv-id',
    name: 'kv',
    location: 'westeurope',
    properties: { tenantId: T, sku: { family: 'A', name: 'standard' }, accessPolicies: policies }
  });
  const client = {
    vaults: {
      get: async () => vault(),
      listByResourceGroup: async function* () {
        yield vault();
      },
      updateAccessPolicy: async (
        _rg: string,
        _name: string,
        kind: string,
        body: { properties: { accessPolicies: AccessPolicyEntry[] } }
      ) => {
        calls.adds++;
        if (calls.adds === 1) {
          calls.conflicts++;
          const request = createPipelineRequest({ url: 'https://127.0.0.1/x' });
          throw new RestError('conflict', {
            statusCode: 409,
            response: { request, status: 409, headers: createHttpHeaders() }
          });
        }
        expect(kind).toBe('add');
        for (const entry of body.properties.accessPolicies) {
          const existing = policies.find(p => p.objectId === entry.objectId);
          if (existing)
            existing.permissions = {
              keys: [...(existing.permissions.keys ?? []), ...(entry.permissions.keys ?? [])]
            };
          else policies = [...policies, entry];
        }
        return body;
      }
    }
  } as unknown as KeyVaultManagementClient;
  return { client, calls, policies: () => policies };
}

describe('verifyAndRestorePolicies', () => {
  it('restores lost entries and permissions with accessPolicies/add, retrying a 409', async () => {
    const vault = wipedVault();
    const state = {
      kind: 'active' as const,
      vault: {
        id: 'kv-id',
        location: 'westeurope',
        tags: {},
        properties: {},
        accessPolicies: [workspace, app],
        rbacAuthorization: false,
        softDeleteEnabled: true,
        purgeProtectionEnabled: false
      }
    };
    const node = { resourcePath: ['resources', 0], scopePath: [], file: 'main.json', line: 3, instances: [] };
    const decision = decideVault('kv', 'rg', node, state, {
      keyVaultPolicy: 'preserve',
      deletedVault: 'fail'
    });
    const deadline = new Deadline(30_000);
    const [result] = await verifyAndRestorePolicies(vault.client, [decision], deadline);
    deadline.dispose();
    expect(vault.calls).toEqual({ adds: 2, conflicts: 1 });
    expect(result!.restored).toEqual([{ ...workspace, permissions: { keys: ['wrapKey'] } }, app]);
    expect(result!.kept).toBe(0);
    expect(vault.policies().map(p => p.objectId)).toEqual(['workspace', 'app']);
  });

  // Two guarded runs at once lose each other's new grants: the verification used to check only the entries
  // present before the run. Now the template's own entries and grants seen during the run count too.
  it("also restores the template's own entries and grants seen during the deployment, saying which is which", async () => {
    const vault = wipedVault();
    const node = { resourcePath: ['resources', 0], scopePath: [], file: 'main.json', line: 3, instances: [] };
    const decision = decideVault(
      'kv',
      'rg',
      node,
      {
        kind: 'active',
        vault: {
          id: 'kv-id',
          location: 'westeurope',
          tags: {},
          properties: {},
          accessPolicies: [{ ...workspace, permissions: { keys: ['get'] } }],
          rbacAuthorization: false,
          softDeleteEnabled: true,
          purgeProtectionEnabled: false
        }
      },
      { keyVaultPolicy: 'preserve', deletedVault: 'fail' }
    );
    const other: AccessPolicyEntry = { tenantId: T, objectId: 'other', permissions: { keys: ['list'] } };
    const seenAt = new Date('2026-01-02T03:04:05Z');
    const deadline = new Deadline(30_000);
    const [result] = await verifyAndRestorePolicies(vault.client, [decision], deadline, {
      declared: new Map([['kv', [app]]]),
      seen: new Map([['kv', [{ entry: other, firstSeen: seenAt }]]])
    });
    deadline.dispose();
    expect(result!.restoredGrants).toEqual([
      { entry: app, origin: 'declared by the template' },
      { entry: other, origin: 'added during the deployment', seenAt }
    ]);
    expect(vault.policies().map(p => p.objectId)).toEqual(['workspace', 'app', 'other']);
  });
});
