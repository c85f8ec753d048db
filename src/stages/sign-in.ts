import type { TokenCredential } from '@azure/core-auth';
import type { CredentialChain } from '../azure/credential-chain.js';
import type { RunContext, Stage } from './stage.js';

/**
 * Gets the first ARM token before any Azure request, so a sign-in problem is reported as such (with the fix)
 * instead of surfacing as a failure of whichever call happened to come first.
 */
export function signInStage(credential: CredentialChain | TokenCredential): Stage {
  return {
    name: 'sign-in',
    title: 'Sign in',
    async run({ config, deadline }: RunContext): Promise<string> {
      await credential.getToken(config.azure.cloud.tokenScope, { abortSignal: deadline.signal });
      const method = 'method' in credential ? credential.method : undefined;
      return `signed in to ${config.azure.cloud.name} with ${method ?? 'the given credential'}`;
    }
  };
}
