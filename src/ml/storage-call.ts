import { AzureOperationError, unwrapAzureError } from '../azure/azure-error.js';

/**
 * A failed Azure Storage request. Storage does not echo ARM's `x-ms-correlation-request-id`; what its support
 * traces a request by is the `x-ms-request-id` it answered with, so the message names that id too.
 */
export class StorageOperationError extends AzureOperationError {
  constructor(cause: AzureOperationError) {
    super(...AzureOperationError.factsOf(cause));
    this.name = 'StorageOperationError';
    if (cause.requestId)
      this.message += `\nStorage request id: ${cause.requestId} (quote it, with the time, to Azure support).`;
  }
}

/**
 * Runs one blob storage call, naming it: a failure (after the storage client's own retries) says which
 * upload step failed, with the status, the storage error code and the request id.
 */
export async function storageCall<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const unwrapped = unwrapAzureError(error, operation);
    throw unwrapped instanceof AzureOperationError && !(unwrapped instanceof StorageOperationError)
      ? new StorageOperationError(unwrapped)
      : unwrapped;
  }
}
