import { ClientSecretCredential } from '@azure/identity';
import { readFileSync } from 'node:fs';
import type { Emulator } from '../emulator/index.js';
import { AzureClientFactory } from '../src/azure/client-factory.js';
import { cloudFor } from '../src/azure/clouds.js';
import { Deadline } from '../src/azure/deadline.js';

/**
 * Real Azure SDK clients in the test process, signed in as a second identity (a service principal with a
 * secret), for what happens "out of band" while the action runs: someone adding an access policy.
 */
export function outOfBandClients(emulator: Emulator): { factory: AzureClientFactory; dispose(): void } {
  const ca = readFileSync(emulator.facts.caCertPath, 'utf8');
  const cloud = cloudFor(new URL(emulator.facts.armEndpoint), new URL(emulator.facts.authorityHost));
  const credential = new ClientSecretCredential(
    emulator.facts.tenantId,
    emulator.facts.secretClientId,
    emulator.facts.clientSecret,
    { authorityHost: cloud.authorityHost, disableInstanceDiscovery: true, tlsOptions: { ca } }
  );
  const deadline = new Deadline(300_000);
  const factory = new AzureClientFactory({
    credential,
    cloud,
    subscriptionId: emulator.facts.subscriptionId,
    deadline,
    correlationId: 'out-of-band',
    trustedCaPem: ca
  });
  return { factory, dispose: () => deadline.dispose() };
}
