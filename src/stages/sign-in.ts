import type { TokenCredential } from '@azure/core-auth';
import type { CredentialChain } from '../azure/credential-chain.js';
import type { RunContext, RunStage } from './run-context.js';

/**
 * Gets the first ARM token before any Azure request, so a sign-in problem is reported as such (with the fix)
 * instead of surfacing as a failure of whichever call happened to come first. The token's tenant is what
 * templates see as `subscription().tenantId`.
 */
export function signInStage(credential: CredentialChain | TokenCredential): RunStage {
  return {
    name: 'sign-in',
    title: 'Sign in',
    async run({ config, deadline, results }: RunContext): Promise<string> {
      const token = await credential.getToken(config.azure.cloud.tokenScope, {
        abortSignal: deadline.signal
      });
      const tenantId = token ? tenantOf(token.token) : undefined;
      if (tenantId) results.tenantId = tenantId;
      const method = 'method' in credential ? credential.method : undefined;
      return `signed in to ${config.azure.cloud.name} with ${method ?? 'the given credential'}`;
    }
  };
}

/** The `tid` claim of an Entra access token (a JWT); undefined when the token is not one. */
function tenantOf(token: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      tid?: unknown;
    };
    return typeof payload.tid === 'string' ? payload.tid : undefined;
  } catch {
    return undefined;
  }
}
