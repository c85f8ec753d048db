import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../http-result.js';

/**
 * An error from the Entra-style token endpoint in AAD's shape: `error`, an `error_description` that starts
 * with the AADSTS code, `error_codes`, `timestamp`, `trace_id` and `correlation_id`.
 */
export function aadError(
  status: 400 | 401,
  error: string,
  aadsts: number,
  message: string,
  correlationId: string = randomUUID()
): HttpResult {
  const traceId = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${aadsts}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`
    }
  };
}
