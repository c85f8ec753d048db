import type { TimingKnobs } from './knobs.js';

/** What a client needs to reach the emulator: endpoints, trust, and the identities it accepts. */
export interface EmulatorFacts {
  /** ARM endpoint, `https://127.0.0.1:<port>`. */
  armEndpoint: string;
  /** Entra-style authority host (the same server). */
  authorityHost: string;
  /** PEM of the emulator's CA; point NODE_EXTRA_CA_CERTS at it. */
  caCertPath: string;
  /** Blob service through the emulator's HTTPS proxy, `https://127.0.0.1:<port>/devstoreaccount1`. */
  blobEndpoint: string;
  storageAccountName: string;
  storageAccountKey: string;
  subscriptionId: string;
  tenantId: string;
  /** App registration with a federated credential for the GitHub-style OIDC issuer. */
  clientId: string;
  /** App registration that authenticates with `clientSecret`. */
  secretClientId: string;
  clientSecret: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL: already has a query, as `@actions/core` appends `&audience=`. */
  idTokenRequestUrl: string;
  /** ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  idTokenRequestToken: string;
  /** Base URL of the test-control API (`/_emulator`). */
  controlEndpoint: string;
  /** Scale of the realistic latency profile when it is on (emulator/latency-profile.ts), to project Azure times. */
  latencyScale?: number;
}

/** How to start the emulator; every field has a default. */
export interface EmulatorOptions {
  /** Listening port; 0 picks a free one. */
  port: number;
  subscriptionId: string;
  subscriptionDisplayName: string;
  tenantId: string;
  clientId: string;
  secretClientId: string;
  clientSecret: string;
  /** Audience the federated credential expects in the GitHub ID token. */
  federatedAudience: string;
  /** Subject the federated credential expects; undefined accepts any subject. */
  federatedSubject: string | undefined;
  /** Subject the GitHub-style endpoint puts into ID tokens. */
  githubSubject: string;
  idTokenRequestToken: string;
  /** Start Azurite for blob storage; tests that need only ARM can skip it to start faster. */
  blob: boolean;
  /** Initial timing knobs; they win over the latency profile's. */
  knobs: Partial<TimingKnobs>;
  /** The realistic latency profile (`azure`), scaled (default 1/60); off when undefined. */
  latency: { profile: 'azure'; scale?: number } | undefined;
}

/** Defaults: fixed GUIDs so recordings and logs are comparable between runs. */
export function defaultOptions(): EmulatorOptions {
  return {
    port: 0,
    subscriptionId: '5d3e2b8a-6f4c-4d2e-9a71-3c0b8e5f1a24',
    subscriptionDisplayName: 'Local Azure stand-in',
    tenantId: '72f988bf-0000-4c1d-8e7a-2b9f6c3d4e51',
    clientId: 'a1b2c3d4-1111-4e5f-8a9b-0c1d2e3f4a5b',
    secretClientId: 'b2c3d4e5-2222-4f6a-9b0c-1d2e3f4a5b6c',
    clientSecret: 'emulator-client-secret~value',
    federatedAudience: 'api://AzureADTokenExchange',
    federatedSubject: undefined,
    githubSubject: 'repo:octo-org/octo-repo:ref:refs/heads/main',
    idTokenRequestToken: 'emulator-actions-id-token-request-token',
    blob: true,
    knobs: {},
    latency: undefined
  };
}
