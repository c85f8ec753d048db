import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../http-result.js';
import type { TimingKnobs } from '../knobs.js';
import { aadError } from './aad-error.js';
import { GITHUB_ISSUER } from './github-oidc.js';
import { publicJwk, signJwt, verifyJwt, type SigningKey } from './jwt.js';

/** An app registration the token endpoint knows. */
export interface AppRegistration {
  clientId: string;
  /** Object id of its service principal: the `oid` of its tokens. */
  objectId: string;
  /** A client secret, for secret apps. */
  secret?: string;
  /** A federated credential, for apps that sign in with a GitHub OIDC ID token. */
  federated?: { issuer: string; audience: string; subject?: string };
}

/** Settings of the Entra-style authority. */
export interface EntraSettings {
  tenantId: string;
  /** Key that signs access tokens (ARM verifies with it). */
  tokenKey: SigningKey;
  /** Key that signed the GitHub-style ID tokens accepted as client assertions. */
  githubKey: SigningKey;
  knobs: TimingKnobs;
  apps: AppRegistration[];
  /** Base URL of this server, e.g. `https://127.0.0.1:1234`. */
  origin: () => string;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const AUTHORITY_PATH =
  /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|\.well-known\/openid-configuration|oauth2\/v2\.0\/token|discovery\/v2\.0\/keys)$/i;

/** Whether a path belongs to the authority (so the server routes it here and logs it as `identity`). */
export function isIdentityPath(path: string): boolean {
  return AUTHORITY_PATH.test(path) || /^\/common\/discovery\/instance$/i.test(path);
}

/**
 * The Entra ID v2 endpoints MSAL uses for the client-credentials grant: OpenID metadata, keys, instance
 * discovery, and the token endpoint accepting a client secret or a federated client assertion.
 */
export class EntraAuthority {
  constructor(private readonly settings: EntraSettings) {}

  /** Answers an identity request; `body` is the form body of a token request. */
  handle(method: string, url: URL, body: string, correlationId: string | undefined): HttpResult | undefined {
    if (/^\/common\/discovery\/instance$/i.test(url.pathname)) return this.#instanceDiscovery(url);
    const match = AUTHORITY_PATH.exec(url.pathname);
    if (!match) return undefined;
    const [, tenant, endpoint] = match;
    if (tenant.toLowerCase() !== this.settings.tenantId.toLowerCase()) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`, correlationId);
    }
    const kind = endpoint.toLowerCase();
    if (kind.endsWith('openid-configuration') && method === 'GET')
      return { status: 200, body: this.#metadata() };
    if (kind === 'discovery/v2.0/keys' && method === 'GET') {
      return { status: 200, body: { keys: [publicJwk(this.settings.tokenKey)] } };
    }
    if (kind === 'oauth2/v2.0/token' && method === 'POST') {
      return this.#token(new URLSearchParams(body), correlationId ?? randomUUID());
    }
    return undefined;
  }

  #base(): string {
    return `${this.settings.origin()}/${this.settings.tenantId}`;
  }

  #metadata(): Record<string, unknown> {
    const base = this.#base();
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${this.settings.origin()}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'tid', 'oid'],
      kerberos_endpoint: `${base}/kerberos`,
      tenant_region_scope: 'WW',
      cloud_instance_name: new URL(this.settings.origin()).host,
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net'
    };
  }

  #instanceDiscovery(url: URL): HttpResult {
    const host = new URL(this.settings.origin()).host;
    return {
      status: 200,
      body: {
        tenant_discovery_endpoint: `${this.#base()}/v2.0/.well-known/openid-configuration`,
        'api-version': url.searchParams.get('api-version') ?? '1.1',
        metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }]
      }
    };
  }

  #token(form: URLSearchParams, correlationId: string): HttpResult {
    const grant = form.get('grant_type');
    if (grant !== 'client_credentials') {
      return aadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grant}'.`,
        correlationId
      );
    }
    const clientId = form.get('client_id') ?? '';
    const app = this.settings.apps.find(
      candidate => candidate.clientId.toLowerCase() === clientId.toLowerCase()
    );
    if (!app) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${this.settings.tenantId}'. ` +
          'This can happen if the application has not been installed by the administrator of the tenant or ' +
          'consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.',
        correlationId
      );
    }
    const scope = (form.get('scope') ?? '').split(' ').find(item => item.endsWith('/.default'));
    if (!scope) {
      return aadError(
        400,
        'invalid_scope',
        1002012,
        `The provided value for scope ${form.get('scope') ?? ''} is not valid. Client credential flows must have ` +
          'a scope value with /.default suffixed to the resource identifier (application ID URI).',
        correlationId
      );
    }
    const refusal = this.#checkClientCredential(app, form, correlationId);
    if (refusal) return refusal;
    return { status: 200, body: this.#issue(app, scope.slice(0, -'/.default'.length)) };
  }

  #checkClientCredential(
    app: AppRegistration,
    form: URLSearchParams,
    correlationId: string
  ): HttpResult | undefined {
    const secret = form.get('client_secret');
    const assertion = form.get('client_assertion');
    if (secret !== null) {
      if (app.secret !== undefined && secret === app.secret) return undefined;
      return aadError(
        401,
        'invalid_client',
        7000215,
        'Invalid client secret provided. Ensure the secret being sent in the request is the client secret ' +
          `value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
        correlationId
      );
    }
    if (assertion === null) {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        correlationId
      );
    }
    if (form.get('client_assertion_type') !== ASSERTION_TYPE) {
      return aadError(
        400,
        'invalid_request',
        700024,
        `client_assertion_type must be '${ASSERTION_TYPE}'.`,
        correlationId
      );
    }
    return this.#checkAssertion(app, assertion, correlationId);
  }

  #checkAssertion(app: AppRegistration, assertion: string, correlationId: string): HttpResult | undefined {
    const refuse = (code: number, message: string) =>
      aadError(400, 'invalid_client', code, message, correlationId);
    const verified = verifyJwt(this.settings.githubKey, assertion);
    if (!verified.ok) {
      if (verified.problem === 'malformed') return refuse(50027, 'JWT token is invalid or malformed.');
      if (verified.problem === 'signature')
        return refuse(700027, 'Client assertion failed signature validation.');
      const exp =
        typeof verified.claims?.exp === 'number' ? new Date(verified.claims.exp * 1000).toISOString() : '?';
      return refuse(
        700024,
        `Client assertion is not within its valid time range. Current time: ${new Date().toISOString()}, ` +
          `expiry time of assertion ${exp}.`
      );
    }
    const federated = app.federated;
    const { iss, sub, aud } = verified.claims;
    if (!federated || iss !== federated.issuer) {
      return refuse(
        700211,
        `No matching federated identity record found for presented assertion issuer '${String(iss)}'.`
      );
    }
    const audiences = ([] as unknown[]).concat(aud);
    if (!audiences.includes(federated.audience)) {
      return refuse(
        700212,
        `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'.`
      );
    }
    if (federated.subject !== undefined && sub !== federated.subject) {
      return refuse(
        700213,
        `No matching federated identity record found for presented assertion subject '${String(sub)}'. Please ` +
          'check your federated identity credential Subject, Audience and Issuer against the presented assertion.'
      );
    }
    return undefined;
  }

  #issue(app: AppRegistration, audience: string): Record<string, unknown> {
    const lifetime = Math.max(1, Math.round(this.settings.knobs.tokenLifetimeSeconds));
    const now = Math.floor(Date.now() / 1000);
    const accessToken = signJwt(this.settings.tokenKey, {
      aud: audience,
      iss: `https://sts.windows.net/${this.settings.tenantId}/`,
      iat: now,
      nbf: now - 5,
      exp: now + lifetime,
      appid: app.clientId,
      appidacr: app.secret !== undefined ? '1' : '2',
      idtyp: 'app',
      oid: app.objectId,
      sub: app.objectId,
      tid: this.settings.tenantId,
      uti: randomUUID(),
      ver: '1.0'
    });
    return {
      token_type: 'Bearer',
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: accessToken
    };
  }
}

/** The federated credential of the default OIDC app: GitHub's issuer and Entra's exchange audience. */
export function githubFederation(audience: string, subject?: string): AppRegistration['federated'] {
  return { issuer: GITHUB_ISSUER, audience, subject };
}
