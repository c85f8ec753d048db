import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { rm } from 'node:fs/promises';
import { LroManager } from './arm/lro.js';
import type { ResourceProvider } from './arm/provider.js';
import { ResourceStore } from './arm/resource-store.js';
import { ArmRouter } from './arm/router.js';
import { DEV_ACCOUNT, startAzurite, type AzuriteProcess } from './blob/azurite.js';
import { defaultOptions, type EmulatorFacts, type EmulatorOptions } from './facts.js';
import { FaultScript } from './faults.js';
import { EntraAuthority, githubFederation } from './identity/entra.js';
import { GitHubOidcEndpoint } from './identity/github-oidc.js';
import { signingKeyFromPem } from './identity/jwt.js';
import { defaultKnobs, type TimingKnobs } from './knobs.js';
import { DEFAULT_LATENCY_SCALE, latencySettings } from './latency-profile.js';
import { RequestLog } from './request-log.js';
import { createDispatcher } from './server.js';
import { createTlsMaterial, generateRsaPem } from './tls.js';

export type { EmulatorFacts, EmulatorOptions } from './facts.js';
export type { Fault, FaultKind } from './faults.js';
export { FaultScript } from './faults.js';
export type { TimingKnobs } from './knobs.js';
export {
  AZURE_LATENCY,
  DEFAULT_LATENCY_SCALE,
  latencySettings,
  parseLatencyScale,
  projectedAzureMs,
  type LatencyFigure
} from './latency-profile.js';
export type { RequestLogEntry, ServiceName } from './request-log.js';
export { RequestLog } from './request-log.js';
export type { ArmRequest, ProviderContext, ResourceProvider } from './arm/provider.js';
export type { StoredResource, ProvisioningStep } from './arm/resource-store.js';
export { ResourceStore } from './arm/resource-store.js';
export type { LroOptions, OperationOutcome } from './arm/lro.js';
export { LroManager } from './arm/lro.js';
export { parseResourcePath, resourceGroupId, type ResourcePath } from './arm/resource-id.js';
export { armError, HttpResultError, type ArmErrorDetail, type HttpResult } from './http-result.js';
export { resourceNotFound } from './arm/generic-resources.js';
export { resourceGroupNotFound } from './arm/resource-groups.js';

/** A running local Azure stand-in. */
export interface Emulator {
  facts: EmulatorFacts;
  requestLog: RequestLog;
  faults: FaultScript;
  knobs: TimingKnobs;
  store: ResourceStore;
  /** Plugs in a resource provider, asked before the generic store (see emulator/README.md). */
  registerProvider(provider: ResourceProvider): void;
  /** How many GitHub-style ID tokens were issued. */
  idTokensIssued(): number;
  /** Stops the server and Azurite and removes the temp files. */
  stop(): Promise<void>;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/**
 * Starts the emulator: TLS material, the HTTPS server on 127.0.0.1 (ARM, identity, GitHub OIDC, blob proxy,
 * control API) and Azurite. Resolves once everything listens.
 */
export async function startEmulator(options: Partial<EmulatorOptions> = {}): Promise<Emulator> {
  const settings: EmulatorOptions = { ...defaultOptions(), ...options };
  const latencyScale = settings.latency ? (settings.latency.scale ?? DEFAULT_LATENCY_SCALE) : undefined;
  const latency = latencyScale === undefined ? undefined : latencySettings(latencyScale);
  const knobs: TimingKnobs = { ...defaultKnobs(), ...latency?.knobs, ...settings.knobs } as TimingKnobs;
  const [tls, tokenPem, githubPem, azurite] = await Promise.all([
    createTlsMaterial(),
    generateRsaPem(),
    generateRsaPem(),
    settings.blob ? startAzurite() : Promise.resolve<AzuriteProcess | undefined>(undefined)
  ]);
  const tokenKey = signingKeyFromPem(tokenPem.privateKey);
  const githubKey = signingKeyFromPem(githubPem.privateKey);
  let origin = '';
  const facts = {} as EmulatorFacts;
  const requestLog = new RequestLog();
  const faults = new FaultScript();
  // The profile's response delays are faults added first: `faults.clear()` removes them too.
  for (const delay of latency?.delays ?? []) faults.add(delay);
  const store = new ResourceStore();
  const lro = new LroManager(knobs, () => origin);
  const github = new GitHubOidcEndpoint({
    key: githubKey,
    knobs,
    requestToken: settings.idTokenRequestToken,
    subject: settings.githubSubject
  });
  const entra = new EntraAuthority({
    tenantId: settings.tenantId,
    tokenKey,
    githubKey,
    knobs,
    origin: () => origin,
    apps: [
      {
        clientId: settings.clientId,
        objectId: '3f0a9c1e-7b2d-4e6f-a8c9-0d1e2f3a4b5c',
        federated: githubFederation(settings.federatedAudience, settings.federatedSubject)
      },
      {
        clientId: settings.secretClientId,
        objectId: '4a1b0d2f-8c3e-4f70-b9d0-1e2f3a4b5c6d',
        secret: settings.clientSecret
      }
    ]
  });
  const arm = new ArmRouter({
    facts: () => facts,
    subscriptionDisplayName: settings.subscriptionDisplayName,
    tokenKey,
    store,
    lro,
    knobs
  });
  const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem });
  server.on(
    'request',
    createDispatcher({
      origin: () => origin,
      requestLog,
      faults,
      arm,
      entra,
      github,
      control: () => ({ facts, requestLog, faults, knobs, idTokensIssued: () => github.issued() }),
      storageAccountName: DEV_ACCOUNT.name,
      azuriteUrl: () => azurite?.url
    })
  );
  let port: number;
  try {
    port = await listen(server, settings.port);
  } catch (error) {
    await azurite?.stop();
    await rm(tls.dir, { recursive: true, force: true });
    throw error;
  }
  origin = `https://127.0.0.1:${port}`;
  Object.assign(facts, {
    armEndpoint: origin,
    authorityHost: origin,
    caCertPath: tls.caCertPath,
    blobEndpoint: `${origin}/${DEV_ACCOUNT.name}`,
    storageAccountName: DEV_ACCOUNT.name,
    storageAccountKey: DEV_ACCOUNT.key,
    subscriptionId: settings.subscriptionId,
    tenantId: settings.tenantId,
    clientId: settings.clientId,
    secretClientId: settings.secretClientId,
    clientSecret: settings.clientSecret,
    idTokenRequestUrl: `${origin}/_github/idtoken?api-version=2.0`,
    idTokenRequestToken: settings.idTokenRequestToken,
    controlEndpoint: `${origin}/_emulator`,
    ...(latencyScale === undefined ? {} : { latencyScale })
  } satisfies EmulatorFacts);

  let stopped: Promise<void> | undefined;
  return {
    facts,
    requestLog,
    faults,
    knobs,
    store,
    registerProvider: provider => arm.register(provider),
    idTokensIssued: () => github.issued(),
    stop: () => {
      stopped ??= (async () => {
        // closeAllConnections: keep-alive sockets of SDK clients would otherwise hold close() open.
        const closed = new Promise<void>(resolve => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await azurite?.stop();
        await rm(tls.dir, { recursive: true, force: true });
      })();
      return stopped;
    }
  };
}
