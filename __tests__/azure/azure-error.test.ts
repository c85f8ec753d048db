import { describe, expect, it } from '@jest/globals';
import { createHttpHeaders, createPipelineRequest, RestError } from '@azure/core-rest-pipeline';
import { AzureOperationError, unwrapAzureError } from '../../src/azure/azure-error.js';

function restError(status: number, body: unknown, headers: Record<string, string> = {}): RestError {
  const request = createPipelineRequest({ url: 'https://127.0.0.1/x' });
  return new RestError('raw message', {
    statusCode: status,
    request,
    response: { request, status, headers: createHttpHeaders(headers), bodyAsText: JSON.stringify(body) }
  });
}

describe('unwrapAzureError', () => {
  it('reads the ARM envelope, nested details and the correlation id', () => {
    const error = unwrapAzureError(
      restError(
        400,
        {
          error: {
            code: 'DeploymentFailed',
            message: 'At least one resource deployment operation failed.',
            details: [
              {
                code: 'Conflict',
                message: 'outer',
                details: [{ code: 'VaultAlreadyExists', message: 'inner' }]
              }
            ]
          }
        },
        { 'x-ms-correlation-request-id': 'corr-1', 'x-ms-request-id': 'req-1' }
      ),
      "deploy template 'main'"
    );
    expect(error).toBeInstanceOf(AzureOperationError);
    const azure = error as AzureOperationError;
    expect([azure.status, azure.code, azure.correlationId, azure.requestId]).toEqual([
      400,
      'DeploymentFailed',
      'corr-1',
      'req-1'
    ]);
    expect(azure.message).toContain("Azure refused to deploy template 'main' (HTTP 400): DeploymentFailed");
    expect(azure.message).toContain('  - VaultAlreadyExists: inner');
    expect(azure.message).toContain('Correlation id: corr-1');
  });

  it('keeps the run correlation id when the response has none', () => {
    const azure = unwrapAzureError(restError(500, 'not json'), 'read x', 'run-corr') as AzureOperationError;
    expect([azure.code, azure.correlationId]).toEqual(['HTTP500', 'run-corr']);
  });

  it('reads details parsed by the SDK', () => {
    const error = new RestError('m', { statusCode: 404, code: 'ResourceGroupNotFound' });
    (error as RestError & { details: unknown }).details = {
      error: { code: 'ResourceGroupNotFound', message: 'gone' }
    };
    const azure = unwrapAzureError(error, 'read group') as AzureOperationError;
    expect([azure.code, azure.azureMessage]).toEqual(['ResourceGroupNotFound', 'gone']);
  });
});

describe('azureLroCall', () => {
  it('recovers ARM error, status and correlation id from the last response when the SDK throws a bare error', async () => {
    const { azureLroCall } = await import('../../src/azure/azure-error.js');
    const failedDeployment = {
      properties: {
        provisioningState: 'Failed',
        error: { code: 'DeploymentFailed', message: 'At least one resource deployment operation failed.' }
      }
    };
    const error = await azureLroCall('deploy template', async onResponse => {
      onResponse({
        status: 200,
        headers: createHttpHeaders({ 'x-ms-correlation-request-id': 'corr-9' }),
        bodyAsText: JSON.stringify(failedDeployment)
      });
      throw new Error('The long-running operation has failed');
    }).catch(e => e as AzureOperationError);
    expect(error).toBeInstanceOf(AzureOperationError);
    expect([error.code, error.azureMessage, error.correlationId]).toEqual([
      'DeploymentFailed',
      'At least one resource deployment operation failed.',
      'corr-9'
    ]);
  });
});
