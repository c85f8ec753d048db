import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../http-result.js';
import type { TimingKnobs } from '../knobs.js';
import { publicJwk, signJwt, type SigningKey } from './jwt.js';

/** The issuer GitHub Actions puts into its OIDC ID tokens. */
export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** Settings of the GitHub-style ID-token endpoint. */
export interface GitHubOidcSettings {
  key: SigningKey;
  knobs: TimingKnobs;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN: the runtime bearer the runner hands to the job. */
  requestToken: string;
  subject: string;
}

/**
 * The runner's ID-token service: `GET /_github/idtoken?api-version=2.0&audience=…` with
 * `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` answers `{"value": "<jwt>"}`, as
 * `@actions/core`'s `getIDToken()` expects. Counts the tokens it issues.
 */
export class GitHubOidcEndpoint {
  #issued = 0;

  constructor(private readonly settings: GitHubOidcSettings) {}

  /** How many ID tokens were issued so far. */
  issued(): number {
    return this.#issued;
  }

  /** Answers a request under `/_github`; undefined for unknown paths. */
  handle(method: string, url: URL, authorization: string | undefined): HttpResult | undefined {
    const path = url.pathname.toLowerCase();
    if (method === 'GET' && path === '/_github/.well-known/jwks') {
      return { status: 200, body: { keys: [publicJwk(this.settings.key)] } };
    }
    if (method !== 'GET' || path !== '/_github/idtoken') return undefined;
    if (authorization !== `Bearer ${this.settings.requestToken}`) {
      return {
        status: 401,
        body: { message: 'Bad credentials: the ID token request token is missing or wrong.' }
      };
    }
    const now = Math.floor(Date.now() / 1000);
    const [owner, repository] = /^repo:([^:]+)/.exec(this.settings.subject)?.[1].split('/') ?? [
      'octo-org',
      'repo'
    ];
    const audience = url.searchParams.get('audience') ?? `https://github.com/${owner}`;
    const value = signJwt(this.settings.key, {
      jti: randomUUID(),
      sub: this.settings.subject,
      aud: audience,
      ref: 'refs/heads/main',
      repository: `${owner}/${repository}`,
      repository_owner: owner,
      run_id: '1',
      event_name: 'push',
      iss: GITHUB_ISSUER,
      nbf: now - 5,
      iat: now,
      exp: now + Math.max(1, Math.round(this.settings.knobs.idTokenLifetimeSeconds))
    });
    this.#issued += 1;
    return { status: 200, body: { count: 2100, value } };
  }
}
