import { ClientSecretCredential } from '@azure/identity';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import type { Emulator } from '../emulator/index.js';
import { AzureClientFactory } from '../src/azure/client-factory.js';
import { cloudFor } from '../src/config/clouds.js';
import { Deadline } from '../src/run/deadline.js';

const OUT_OF_BAND_LIFETIME_MS = 60 * 60_000;

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
  // The clients live as long as a test file (a fault matrix runs for minutes on a slow runner): jest's own
  // per-test timeout bounds each call, so the deadline only has to outlast the whole file.
  const deadline = new Deadline(OUT_OF_BAND_LIFETIME_MS);
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

/** A scoring response as a client of the endpoint sees it. */
export interface ScoringReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * POSTs JSON to an online endpoint's scoring URI with its key, as a client application would. The stand-in
 * serves scoring URIs with a CA of its own, appended to its CA file (`caCertPath`), which is trusted here.
 */
export function postScoring(
  emulator: Emulator,
  scoringUri: string,
  key: string,
  body: unknown
): Promise<ScoringReply> {
  const payload = JSON.stringify(body);
  const ca = readFileSync(emulator.facts.caCertPath, 'utf8');
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      scoringUri,
      {
        method: 'POST',
        ca,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload))
        }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk as Buffer));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8')
          })
        );
      }
    );
    req.on('error', reject);
    req.end(payload);
  });
}
