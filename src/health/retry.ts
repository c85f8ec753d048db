import type { ScoringAnswer } from './scoring-client.js';

/** How the gate retries a request the service pushed back on. */
export interface RetryPolicy {
  maxRetries: number;
  /** First back-off when the answer names no wait; doubled each retry, with jitter. */
  baseDelayMs: number;
  /** A longer wait asked for (Retry-After) ends the retries instead: the gate is a smoke test, not a queue. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 250, maxDelayMs: 10_000 };

/**
 * 429 (managed endpoints: more requests than 2 × capacity) and 503 (Kubernetes: above capacity; a deployment
 * still starting) say "not now"; everything else is an answer, and a 4xx will not change by asking again.
 */
export function isRetryable(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * How long to wait before retry number `retry` (0-based): `retry-after-ms`, else `Retry-After` (seconds or an
 * HTTP date), else exponential back-off with jitter, so a burst's rejected requests do not collide again.
 * Undefined when the service asks for longer than the policy allows.
 */
export function retryDelayMs(
  answer: ScoringAnswer,
  retry: number,
  policy: RetryPolicy = DEFAULT_RETRY,
  now: number = Date.now(),
  random: () => number = Math.random
): number | undefined {
  const asked = askedDelayMs(answer.headers, now);
  const delay = asked ?? policy.baseDelayMs * 2 ** retry * (0.5 + random() / 2);
  return delay > policy.maxDelayMs ? undefined : Math.round(delay);
}

function askedDelayMs(headers: Record<string, string>, now: number): number | undefined {
  const ms = headers['retry-after-ms'];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Number(ms);
  const after = headers['retry-after']?.trim();
  if (after === undefined || after === '') return undefined;
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Every attempt of one request; the last is the answer that counts. */
export interface Attempts {
  answer: ScoringAnswer;
  /** Answers that were retried (429/503), in order. */
  retried: ScoringAnswer[];
}

/**
 * Sends until the answer is not a 429/503, the retries are used up, or the service asks for too long a wait.
 * `sleep` is the run deadline's (it refuses a wait that would cross the deadline).
 */
export async function sendWithRetries(
  send: () => Promise<ScoringAnswer>,
  sleep: (ms: number) => Promise<void>,
  policy: RetryPolicy = DEFAULT_RETRY
): Promise<Attempts> {
  const retried: ScoringAnswer[] = [];
  for (let retry = 0; ; retry++) {
    const answer = await send();
    if (!isRetryable(answer.status) || retry >= policy.maxRetries) return { answer, retried };
    const delay = retryDelayMs(answer, retry, policy);
    if (delay === undefined) return { answer, retried };
    retried.push(answer);
    await sleep(delay);
  }
}
