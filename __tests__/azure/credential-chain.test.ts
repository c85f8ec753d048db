import { describe, expect, it } from '@jest/globals';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { cloudFor } from '../../src/config/clouds.js';
import {
  buildCredentialChain,
  CredentialChain,
  CredentialChainError
} from '../../src/azure/credential-chain.js';

const token: AccessToken = { token: 't', expiresOnTimestamp: Date.now() + 60_000 };
const failing = (message: string): TokenCredential => ({
  getToken: async () => Promise.reject(new Error(message))
});
const working = (): TokenCredential & { calls: number } => {
  const credential = { calls: 0, getToken: async () => (credential.calls++, token) };
  return credential;
};

describe('CredentialChain', () => {
  it('uses the first credential that works and sticks with it', async () => {
    const second = working();
    const chain = new CredentialChain([
      { name: 'first', credential: failing('no env'), adviseOn: () => 'set env' },
      { name: 'second', credential: second, adviseOn: () => 'login' }
    ]);
    await chain.getToken('scope');
    await chain.getToken('scope');
    expect([chain.method, second.calls]).toEqual(['second', 2]);
  });

  it('lists every attempt with its failure and fix when none works', async () => {
    const chain = new CredentialChain([
      { name: 'A', credential: failing('a failed\nstack'), adviseOn: () => 'fix A' },
      { name: 'B', credential: failing('b failed'), adviseOn: () => 'fix B' }
    ]);
    const error = await chain.getToken('scope').catch(e => e as CredentialChainError);
    expect(error).toBeInstanceOf(CredentialChainError);
    expect((error as Error).message).toBe(
      'Could not sign in to Azure. Tried:\n  - A: a failed\n    Fix: fix A\n  - B: b failed\n    Fix: fix B'
    );
  });

  it('tells the user to grant id-token: write when the runner offers no OIDC token', async () => {
    const chain = buildCredentialChain(
      {
        tenantId: '00000000-0000-0000-0000-000000000001',
        clientId: '00000000-0000-0000-0000-000000000002',
        audience: 'api://AzureADTokenExchange'
      },
      cloudFor(new URL('https://127.0.0.1:1')),
      async () => {
        throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      }
    );
    await expect(chain.getToken('https://127.0.0.1:1/.default')).rejects.toThrow(
      /permissions: id-token: write/
    );
  });
});

describe('CredentialChain after sign-in', () => {
  it('names the credential in use and the scope when a later token is refused', async () => {
    let calls = 0;
    const credential: TokenCredential = {
      getToken: async () => {
        calls++;
        if (calls > 1)
          throw new Error(
            'invalid_grant: AADSTS700024: Client assertion is not within its valid time range.'
          );
        return token;
      }
    };
    const chain = new CredentialChain([
      { name: 'GitHub OIDC federation', credential, adviseOn: () => 'fix it' }
    ]);
    await chain.getToken('https://management.azure.com/.default');
    const error = await chain.getToken('https://storage.azure.com/.default').catch(e => e as Error);
    expect(error).toBeInstanceOf(CredentialChainError);
    expect((error as Error).message).toBe(
      'Signed in, but Entra refused a token for https://storage.azure.com/.default:\n' +
        '  - GitHub OIDC federation: invalid_grant: AADSTS700024: Client assertion is not within its valid time range.\n' +
        '    Fix: fix it'
    );
  });
});

describe('CredentialChain token cache', () => {
  it('asks the credential once per scope while the token is fresh, and again when it is about to expire', async () => {
    let calls = 0;
    let lifetimeMs = 60 * 60_000;
    const credential: TokenCredential = {
      getToken: async () => (calls++, { token: `t${calls}`, expiresOnTimestamp: Date.now() + lifetimeMs })
    };
    const chain = new CredentialChain([{ name: 'oidc', credential, adviseOn: () => '' }]);
    await chain.getToken('scope-a');
    await chain.getToken(['scope-a']);
    expect(calls).toBe(1);
    await chain.getToken('scope-b');
    expect(calls).toBe(2);
    lifetimeMs = 60_000; // a token that expires within the refresh margin is not kept
    await chain.getToken('scope-c');
    await chain.getToken('scope-c');
    expect(calls).toBe(4);
  });
});
