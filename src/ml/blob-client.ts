import type { TokenCredential } from '@azure/core-auth';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import type { BlobServiceClient, StoragePipelineOptions } from '@azure/storage-blob';

/**
 * How requests to the account are authorised: the run's Entra identity, a SAS (its query string, without
 * `?`), or an account key — the three kinds of credentials an Azure ML blob datastore has.
 */
export type BlobAccess =
  | { kind: 'identity'; credential: TokenCredential }
  | { kind: 'sas'; sas: string }
  | { kind: 'key'; account: string; key: string };

/** How to reach a storage account's blob service. */
export interface BlobClientOptions {
  /** PEM of CAs to trust instead of the system's (tests against the local stand-in). */
  trustedCaPem?: string;
  /** Storage's own retry policy: attempts per request, including the first (default 4). */
  maxTries?: number;
  userAgentPrefix?: string;
}

/**
 * Builds a BlobServiceClient for an account URL (`https://<account>.blob.core.windows.net`, or the
 * stand-in's `https://127.0.0.1:<port>/devstoreaccount1`).
 *
 * Custom trust: `StoragePipelineOptions` (storage-blob 12.29) does not declare `tlsOptions`, but it passes
 * every option it does not use itself on to core-rest-pipeline's `createClientPipeline`, which adds its
 * `tlsPolicy` for `tlsOptions` — the same setting the ARM clients take in src/azure/client-factory.ts.
 * The default HTTP client then keeps one keep-alive https.Agent with that CA for all requests.
 */
export async function createBlobServiceClient(
  accountUrl: string,
  access: BlobAccess,
  options: BlobClientOptions = {}
): Promise<BlobServiceClient> {
  // Loaded when a run first reaches blob storage: the storage SDK is a large part of the bundle, and runs
  // that deploy only a template never need it, so it must not delay every run's start.
  const storage = await import('@azure/storage-blob');
  const pipelineOptions: StoragePipelineOptions & { tlsOptions?: TlsSettings } = {
    retryOptions: { maxTries: options.maxTries ?? 4 },
    ...(options.userAgentPrefix ? { userAgentOptions: { userAgentPrefix: options.userAgentPrefix } } : {}),
    ...(options.trustedCaPem ? { tlsOptions: { ca: options.trustedCaPem } } : {})
  };
  if (access.kind === 'identity')
    return new storage.BlobServiceClient(accountUrl, access.credential, pipelineOptions);
  if (access.kind === 'sas')
    return new storage.BlobServiceClient(
      `${accountUrl}?${access.sas}`,
      new storage.AnonymousCredential(),
      pipelineOptions
    );
  const key = new storage.StorageSharedKeyCredential(access.account, access.key);
  return new storage.BlobServiceClient(accountUrl, key, pipelineOptions);
}
