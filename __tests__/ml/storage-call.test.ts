import { describe, expect, it } from '@jest/globals';
import { RestError, createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { storageCall, StorageOperationError } from '../../src/ml/storage-call.js';

/** What @azure/storage-blob throws once its retries are spent: a RestError with Storage's response. */
function storageFailure(status: number, code: string, requestId: string): RestError {
  const request = createPipelineRequest({ url: 'https://account.blob.core.windows.net/c/b' });
  return new RestError(`${code}: Server failed to authenticate the request.`, {
    code,
    statusCode: status,
    request,
    response: {
      status,
      request,
      headers: createHttpHeaders({ 'x-ms-request-id': requestId, 'x-ms-error-code': code })
    }
  });
}

describe('storageCall', () => {
  it('names the upload step, the status, the storage error code and the request id to quote', async () => {
    const failure = storageCall("upload blob 'LocalUpload/abc/model/m.bin'", () =>
      Promise.reject(storageFailure(403, 'AuthenticationFailed', '5f51ede4-3040-4f95-9a59-89029c9077fc'))
    );
    await expect(failure).rejects.toBeInstanceOf(StorageOperationError);
    await expect(failure).rejects.toThrow(
      /upload blob 'LocalUpload\/abc\/model\/m\.bin' \(HTTP 403\): AuthenticationFailed: [^]*Storage request id: 5f51ede4-3040-4f95-9a59-89029c9077fc/
    );
  });

  it('passes the result through when the call succeeds', async () => {
    expect(await storageCall('list the blobs', () => Promise.resolve(3))).toBe(3);
  });
});
