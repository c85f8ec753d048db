import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startKeyVaultStandIn, type KeyVaultStandIn } from '../fixtures/key-vault/raw-arm.js';

/** `az keyvault list-deleted` lists deleted vaults and deleted managed HSMs; Azure answers the latter too. */
describe('deleted managed HSMs', () => {
  let standIn: KeyVaultStandIn;

  beforeAll(async () => {
    standIn = await startKeyVaultStandIn();
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  it('answers the subscription list with an empty value, as ManagedHsms_ListDeleted does', async () => {
    const path = `/subscriptions/${standIn.subscriptionId}/providers/Microsoft.KeyVault/deletedManagedHSMs`;
    const answer = await standIn.arm('GET', `${path}?api-version=2023-07-01`);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ value: [] });
  });
});
