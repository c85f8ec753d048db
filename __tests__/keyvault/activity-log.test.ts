import { describe, expect, it } from '@jest/globals';
import { foreignVaultWrites } from '../../src/keyvault/activity-log.js';

const VAULT_ID = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv';
const event = (
  operation: string,
  correlationId: string,
  at: string,
  extra: Record<string, unknown> = {}
) => ({
  caller: correlationId === 'mine' ? 'me' : 'someone@example.com',
  correlationId,
  eventTimestamp: at,
  resourceId: operation.includes('accessPolicies') ? `${VAULT_ID}/accessPolicies/add` : VAULT_ID,
  operationName: { value: operation },
  status: { value: 'Succeeded' },
  ...extra
});

describe('foreignVaultWrites', () => {
  it("names others' writes before this run's vault PUT, in one query per group, following nextLink", async () => {
    const urls: string[] = [];
    const pages = [
      {
        value: [
          event('Microsoft.KeyVault/vaults/accessPolicies/write', 'theirs-1', '2026-01-01T00:00:01Z'),
          event('Microsoft.KeyVault/vaults/accessPolicies/write', 'theirs-2', '2026-01-01T00:00:02Z', {
            status: { value: 'Started' }
          })
        ],
        nextLink: 'https://arm/next'
      },
      {
        value: [
          event('Microsoft.KeyVault/vaults/write', 'mine', '2026-01-01T00:00:03Z'),
          event('Microsoft.KeyVault/vaults/accessPolicies/write', 'theirs-3', '2026-01-01T00:00:04Z'),
          event('Microsoft.KeyVault/vaults/secrets/write', 'theirs-4', '2026-01-01T00:00:02Z')
        ]
      }
    ];
    const writes = await foreignVaultWrites(
      async url => {
        urls.push(url);
        return pages.shift()!;
      },
      { armEndpoint: 'https://arm/', subscriptionId: 's', ownCorrelationId: 'mine' },
      [{ name: 'kv', resourceGroup: 'rg', id: VAULT_ID }],
      { from: new Date('2026-01-01T00:00:00Z'), to: new Date('2026-01-01T00:01:00Z') }
    );
    expect(writes).toEqual([
      {
        vault: 'kv',
        caller: 'someone@example.com',
        operation: 'Microsoft.KeyVault/vaults/accessPolicies/write',
        time: new Date('2026-01-01T00:00:01Z'),
        correlationId: 'theirs-1'
      }
    ]);
    expect(urls[0]).toBe(
      'https://arm/subscriptions/s/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=' +
        encodeURIComponent(
          "eventTimestamp ge '2026-01-01T00:00:00.000Z' and eventTimestamp le '2026-01-01T00:01:00.000Z' and resourceGroupName eq 'rg'"
        )
    );
    expect(urls[1]).toBe('https://arm/next');
  });
});
