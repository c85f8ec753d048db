import http from 'node:http';
import https from 'node:https';
import type { ScoringTarget } from './scoring-target.js';

/** One attempt's answer. `status` 0: no answer (connection refused or reset, or our timeout). */
export interface ScoringAnswer {
  status: number;
  /** Response headers, lower-case names, first value of each. */
  headers: Record<string, string>;
  /** The body as text, cut at {@link BODY_LIMIT} characters. */
  body: string;
  /** From sending the request to the last byte of the answer. */
  latencyMs: number;
  /** Why there was no answer, when `status` is 0. */
  error?: string;
}

/** Scoring answers are kept for matching and evidence; a model returning megabytes is cut here. */
export const BODY_LIMIT = 256 * 1024;

const DEFAULT_REQUEST_TIMEOUT_MS = 90_000;

/**
 * POSTs one JSON body to the target with Node's own http/https (trusting NODE_EXTRA_CA_CERTS, or the target's
 * CA). A connection failure or a request over its time is an answer with status 0; `stop` (the run's
 * deadline or cancellation) aborts the request and rejects with its reason.
 */
export function postScoring(target: ScoringTarget, body: string, stop: AbortSignal): Promise<ScoringAnswer> {
  const url = new URL(target.uri);
  const timeoutMs = target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const payload = Buffer.from(body, 'utf8');
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  return new Promise<ScoringAnswer>((resolve, reject) => {
    if (stop.aborted) return reject(stop.reason as Error);
    const send = url.protocol === 'https:' ? https.request : http.request;
    const request = send(
      url,
      {
        method: 'POST',
        headers: {
          ...target.headers,
          'content-type': 'application/json',
          'content-length': String(payload.length)
        },
        // A fresh connection per request: a burst must reach the server as parallel requests.
        agent: false,
        timeout: timeoutMs,
        ...(target.trustedCaPem ? { ca: target.trustedCaPem } : {})
      },
      response => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < BODY_LIMIT) text += chunk.slice(0, BODY_LIMIT - text.length);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: firstValues(response.headers),
            body: text,
            latencyMs: elapsed()
          })
        );
        response.on('error', error => noAnswer(error.message));
      }
    );
    const noAnswer = (reason: string): void =>
      resolve({ status: 0, headers: {}, body: '', latencyMs: elapsed(), error: reason });
    const onStop = (): void => {
      request.destroy();
      reject(stop.reason as Error);
    };
    stop.addEventListener('abort', onStop, { once: true });
    request.on('close', () => stop.removeEventListener('abort', onStop));
    request.on('timeout', () => {
      request.destroy();
      noAnswer(`no answer within ${timeoutMs} ms`);
    });
    request.on('error', error => noAnswer(describeConnectionError(error)));
    request.end(payload);
  });
}

function firstValues(headers: http.IncomingHttpHeaders): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) values[name.toLowerCase()] = first;
  }
  return values;
}

function describeConnectionError(error: Error & { code?: string }): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ECONNRESET') return 'connection reset';
  if (error.code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(error.code))
    return `TLS: the scoring certificate is not trusted (${error.code})`;
  return error.code ? `${error.code}: ${error.message}` : error.message;
}
