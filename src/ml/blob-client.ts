import type { TokenCredential } from '@azure/core-auth';
import type { TlsSettings } from '@azure/core-rest-pipeline';
import {
  BlobServiceClient,
  type AnonymousCredential,
  type StoragePipelineOptions,
  type StorageSharedKeyCredential
} from '@azure/storage-blob';

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
export function createBlobServiceClient(
  accountUrl: string,
  credential: StorageSharedKeyCredential | AnonymousCredential | TokenCredential,
  options: BlobClientOptions = {}
): BlobServiceClient {
  const pipelineOptions: StoragePipelineOptions & { tlsOptions?: TlsSettings } = {
    retryOptions: { maxTries: options.maxTries ?? 4 },
    ...(options.userAgentPrefix ? { userAgentOptions: { userAgentPrefix: options.userAgentPrefix } } : {}),
    ...(options.trustedCaPem ? { tlsOptions: { ca: options.trustedCaPem } } : {})
  };
  return new BlobServiceClient(accountUrl, credential, pipelineOptions);
}
