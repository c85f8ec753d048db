import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Deadline } from '../run/deadline.js';

/**
 * Sends one correlation id with every request of the run. ARM keeps a client-chosen
 * `x-ms-correlation-request-id` across all the operations a request causes, so the id in the summary
 * finds every log entry of this run in the Activity Log and in support cases.
 */
export function correlationPolicy(correlationId: string): PipelinePolicy {
  return {
    name: 'azuremlStagedDeployCorrelation',
    sendRequest(request, next) {
      if (!request.headers.has('x-ms-correlation-request-id')) {
        request.headers.set('x-ms-correlation-request-id', correlationId);
      }
      return next(request);
    }
  };
}

/** Bounds every request by the run's deadline, whether or not the caller passed an abort signal. */
export function deadlinePolicy(deadline: Deadline): PipelinePolicy {
  return {
    name: 'azuremlStagedDeployDeadline',
    sendRequest(request, next) {
      request.abortSignal = request.abortSignal
        ? AbortSignal.any([request.abortSignal as AbortSignal, deadline.signal])
        : deadline.signal;
      return next(request);
    }
  };
}
