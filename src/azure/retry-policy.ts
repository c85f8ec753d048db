import { correlationLine } from './azure-error.js';
import type {
  PipelinePolicy,
  PipelineRequest,
  PipelineResponse,
  SendRequest
} from '@azure/core-rest-pipeline';
import { Deadline, DeadlineExceededError, formatDuration } from '../run/deadline.js';

/** Statuses ARM documents as worth retrying: throttling, timeouts and transient server faults. */
const RETRIABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First back-off when the service gives no Retry-After; doubles each attempt, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

/**
 * The one retry policy of every Azure client (the SDK's own is switched off with `maxRetries: 0`).
 * It exists because the SDK's throttling retry sleeps for whatever Retry-After says, uncapped: a 429 asking
 * for ten minutes would silently eat a run's whole budget. Here every wait is checked against the run's
 * deadline first, and a wait that cannot fit fails at once with a message saying so.
 */
export function deadlineRetryPolicy(
  deadline: Deadline,
  options: RetryOptions = DEFAULT_RETRY_OPTIONS
): PipelinePolicy {
  return {
    name: 'azuremlStagedDeployRetry',
    async sendRequest(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse> {
      for (let attempt = 1; ; attempt++) {
        let outcome: { response?: PipelineResponse; error?: unknown };
        try {
          outcome = { response: await next(request) };
        } catch (error) {
          outcome = { error };
        }
        const reason = retryReason(outcome, request);
        if (!reason || attempt >= options.maxAttempts) return settle(outcome);
        const waitMs = serverDelayMs(responseOf(outcome)) ?? backoffMs(attempt, options);
        if (waitMs > deadline.remainingMs()) {
          throw new DeadlineExceededError(
            `${describeRequest(request)} failed with ${reason}; Azure asked to retry in ${formatDuration(waitMs)}, ` +
              `but only ${formatDuration(deadline.remainingMs())} remain of the run's ${formatDuration(deadline.budgetMs)} ` +
              `budget (input 'timeout-minutes'). Stopped instead of waiting past the deadline; re-run later or raise 'timeout-minutes'.` +
              correlationOf(request)
          );
        }
        await deadline.sleep(waitMs, describeRequest(request));
      }
    }
  };
}

function settle(outcome: { response?: PipelineResponse; error?: unknown }): PipelineResponse {
  if (outcome.response) return outcome.response;
  throw outcome.error;
}

/**
 * The HTTP response of an outcome. Classic SDK clients deserialize inside the pipeline and throw a RestError
 * for error statuses, so the response can arrive as a thrown error's `response`.
 */
function responseOf(outcome: { response?: PipelineResponse; error?: unknown }): PipelineResponse | undefined {
  return outcome.response ?? (outcome.error as { response?: PipelineResponse } | undefined)?.response;
}

/** Why this outcome deserves another attempt, in words for messages; undefined when it does not. */
function retryReason(
  outcome: { response?: PipelineResponse; error?: unknown },
  request: PipelineRequest
): string | undefined {
  if (request.abortSignal?.aborted) return undefined;
  const error = outcome.error as { name?: string; code?: string; statusCode?: number } | undefined;
  if (error?.name === 'AbortError' || error?.name === 'DeadlineExceededError') return undefined;
  // A body cut short parses badly: a transport failure even though a status arrived.
  if (error?.code === 'PARSE_ERROR') return 'a truncated response';
  const status = responseOf(outcome)?.status ?? error?.statusCode;
  if (status !== undefined) return RETRIABLE_STATUSES.has(status) ? `HTTP ${status}` : undefined;
  // No status at all: the connection failed (reset, refused, TLS).
  return error ? `a connection error (${error.code ?? error.name ?? 'unknown'})` : undefined;
}

/** `retry-after-ms`, `x-ms-retry-after-ms` (ARM throttling) or `Retry-After` in seconds or as an HTTP date. */
export function serverDelayMs(response: PipelineResponse | undefined): number | undefined {
  if (!response) return undefined;
  for (const header of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(response.headers.get(header));
    if (response.headers.get(header) && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = response.headers.get('retry-after');
  if (!retryAfter) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function backoffMs(attempt: number, options: RetryOptions): number {
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  // Full jitter spreads the retries of parallel runs so they do not throttle each other again.
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

function correlationOf(request: PipelineRequest): string {
  const id = request.headers.get('x-ms-correlation-request-id') ?? undefined;
  return correlationLine(id)
    .map(line => `\n${line}`)
    .join('');
}

/** `PUT /subscriptions/…/resourcegroups/rg` (query string dropped: it can carry SAS signatures). */
export function describeRequest(request: PipelineRequest): string {
  const url = new URL(request.url);
  return `${request.method} ${url.pathname}`;
}
