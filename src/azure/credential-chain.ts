import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { AzureCliCredential, ClientAssertionCredential, EnvironmentCredential } from '@azure/identity';
import type { AuthConfig } from '../config/config.js';
import type { CloudEndpoints } from '../config/clouds.js';
import { describeEntraFailure, EntraFailureRecorder } from './entra-failures.js';

/** Asks GitHub for a fresh OIDC ID token with the given audience (in the action: `core.getIDToken`). */
export type IdTokenSource = (audience: string) => Promise<string>;

/** One way of signing in, and what to tell the user when it does not work. */
interface CredentialCandidate {
  name: string;
  credential: TokenCredential;
  /** Turns the sign-in failure into the most likely fix. */
  adviseOn(error: unknown): string;
}

/** A token is renewed this long before it expires (the SDK's own bearer policy refreshes 2 minutes before). */
const REFRESH_MARGIN_MS = 3 * 60_000;

/** No way of signing in worked; lists each attempt with its failure and fix. */
export class CredentialChainError extends Error {
  constructor(
    readonly attempts: { name: string; failure: string; advice: string }[],
    heading = 'Could not sign in to Azure. Tried:'
  ) {
    super(`${heading}\n` + attempts.map(a => `  - ${a.name}: ${a.failure}\n    Fix: ${a.advice}`).join('\n'));
    this.name = 'CredentialChainError';
  }
}

/**
 * The credentials the action signs in with, in order. With `client-id` and `tenant-id` the user asked for
 * GitHub OIDC federation, and only that is tried: falling back to another identity would deploy as someone
 * the user did not choose. Otherwise a service principal from AZURE_* variables, then the Azure CLI session
 * that azure/login leaves behind.
 */
export function buildCredentialChain(
  auth: AuthConfig,
  cloud: CloudEndpoints,
  idTokens: IdTokenSource
): CredentialChain {
  // MSAL validates unknown authority hosts against login.microsoftonline.com unless told not to; a custom
  // host (Azure Stack, the local stand-in) has no entry there.
  // Entra's own answer (status, AADSTS code, description) is read off the wire: see EntraFailureRecorder.
  const entra = new EntraFailureRecorder();
  const msalOptions = {
    authorityHost: cloud.authorityHost,
    disableInstanceDiscovery: !cloud.wellKnown,
    additionalPolicies: [{ policy: entra.policy, position: 'perRetry' as const }]
  };
  if (auth.clientId && auth.tenantId) {
    // The callback runs whenever MSAL needs a new Entra token, so a GitHub token (valid 5–10 minutes) is
    // never reused after it expires during a long deployment.
    const oidc = new ClientAssertionCredential(
      auth.tenantId,
      auth.clientId,
      () => idTokens(auth.audience),
      msalOptions
    );
    return new CredentialChain(
      [{ name: 'GitHub OIDC federation', credential: oidc, adviseOn: error => adviseOidc(error, auth) }],
      entra
    );
  }
  return new CredentialChain(
    [
      {
        name: 'service principal with a client secret (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)',
        credential: new EnvironmentCredential(msalOptions),
        adviseOn: () =>
          "Set the inputs 'client-id' and 'tenant-id' for OIDC sign-in (recommended), or the AZURE_* variables of a service principal."
      },
      {
        name: 'Azure CLI session',
        credential: new AzureCliCredential(auth.tenantId ? { tenantId: auth.tenantId } : {}),
        adviseOn: () =>
          'Run azure/login before this step, or give this action client-id and tenant-id for OIDC.'
      }
    ],
    entra
  );
}

/** Tries each candidate until one returns a token, then sticks with it for the rest of the run. */
export class CredentialChain implements TokenCredential {
  private chosen: CredentialCandidate | undefined;
  private readonly tokens = new Map<string, AccessToken>();

  constructor(
    private readonly candidates: CredentialCandidate[],
    private readonly entra?: EntraFailureRecorder
  ) {}

  /** The sign-in method in use, once a token was obtained. */
  get method(): string | undefined {
    return this.chosen?.name;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    // Every SDK client asks for its own token, and @azure/identity's assertion credential fetches a new GitHub
    // ID token on every call, cache or not: keep tokens here until close to expiry, so the run asks GitHub (and
    // Entra) once per token lifetime instead of once per client.
    const key = [scopes].flat().join(' ');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresOnTimestamp - Date.now() > REFRESH_MARGIN_MS) return cached;
    const token = await this.acquire(scopes, options);
    if (token) this.tokens.set(key, token);
    return token;
  }

  private async acquire(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (this.chosen) return this.renew(this.chosen, scopes, options);
    const attempts: { name: string; failure: string; advice: string }[] = [];
    for (const candidate of this.candidates) {
      this.entra?.take();
      try {
        const token = await candidate.credential.getToken(scopes, options);
        if (token) {
          this.chosen = candidate;
          return token;
        }
        attempts.push({
          name: candidate.name,
          failure: 'returned no token',
          advice: candidate.adviseOn(undefined)
        });
      } catch (error) {
        attempts.push({
          name: candidate.name,
          failure: this.describe(error),
          advice: candidate.adviseOn(error)
        });
      }
    }
    throw new CredentialChainError(attempts);
  }

  /** A token for another scope, or a fresh one, from the credential that signed in. */
  private async renew(
    chosen: CredentialCandidate,
    scopes: string | string[],
    options?: GetTokenOptions
  ): Promise<AccessToken | null> {
    this.entra?.take();
    try {
      return await chosen.credential.getToken(scopes, options);
    } catch (error) {
      if (options?.abortSignal?.aborted) throw error;
      throw new CredentialChainError(
        [{ name: chosen.name, failure: this.describe(error), advice: chosen.adviseOn(error) }],
        `Signed in, but Entra refused a token for ${[scopes].flat().join(' ')}:`
      );
    }
  }

  /** Entra's answer when the token endpoint gave one, else the credential's own message (the Azure CLI's). */
  private describe(error: unknown): string {
    const refusal = this.entra?.take();
    return refusal ? describeEntraFailure(refusal) : firstLine(error);
  }
}

function adviseOidc(error: unknown, auth: AuthConfig): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/ACTIONS_ID_TOKEN_REQUEST_(URL|TOKEN)/.test(text)) {
    return 'The job may not request an OIDC token: add `permissions: id-token: write` to the workflow or job (pull requests from forks never get one).';
  }
  if (/AADSTS70021|AADSTS700213|AADSTS700211|AADSTS700212/.test(text)) {
    return `Entra has no federated credential on app ${auth.clientId} matching this workflow's subject and audience '${auth.audience}': add one for this repository/branch/environment, or set 'audience' to the one it names.`;
  }
  if (/AADSTS700016|AADSTS90002/.test(text)) {
    return `Check 'client-id' (${auth.clientId}) and 'tenant-id' (${auth.tenantId}): the app or tenant was not found.`;
  }
  return "Check 'client-id', 'tenant-id' and the app's federated credential; the message above comes from Entra.";
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .find(line => line.trim() !== '')
      ?.trim() ?? 'failed without a message'
  );
}
