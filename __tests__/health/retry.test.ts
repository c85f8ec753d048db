import { describe, expect, it } from '@jest/globals';
import { isRetryable, retryDelayMs, sendWithRetries, type RetryPolicy } from '../../src/health/retry.js';
import type { ScoringAnswer } from '../../src/health/scoring-client.js';

function answer(status: number, headers: Record<string, string> = {}): ScoringAnswer {
  return { status, headers, body: '', latencyMs: 1 };
}

const POLICY: RetryPolicy = { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 5000 };

describe('retries of the health gate', () => {
  it('retries only 429 and 503', () => {
    expect([429, 503].every(isRetryable)).toBe(true);
    expect([200, 400, 401, 404, 408, 424, 500, 502, 504].some(isRetryable)).toBe(false);
  });

  it('waits as retry-after-ms says, else Retry-After in seconds or as a date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryDelayMs(answer(429, { 'retry-after-ms': '750' }), 0, POLICY, now)).toBe(750);
    expect(retryDelayMs(answer(503, { 'retry-after': '2' }), 0, POLICY, now)).toBe(2000);
    expect(
      retryDelayMs(answer(503, { 'retry-after': 'Thu, 01 Jan 2026 00:00:03 GMT' }), 0, POLICY, now)
    ).toBe(3000);
  });

  it('backs off exponentially with jitter when the answer names no wait', () => {
    const low = () => 0;
    const high = () => 1;
    expect(retryDelayMs(answer(503), 0, POLICY, 0, low)).toBe(50);
    expect(retryDelayMs(answer(503), 0, POLICY, 0, high)).toBe(100);
    expect(retryDelayMs(answer(503), 2, POLICY, 0, high)).toBe(400);
  });

  it('gives up rather than wait longer than the policy allows', () => {
    expect(retryDelayMs(answer(429, { 'retry-after': '60' }), 0, POLICY)).toBeUndefined();
  });

  it('sends again after each 503 until an answer comes, sleeping as asked', async () => {
    const answers = [
      answer(503, { 'retry-after': '1' }),
      answer(429, { 'retry-after-ms': '20' }),
      answer(200)
    ];
    const sleeps: number[] = [];
    const result = await sendWithRetries(
      async () => answers.shift()!,
      async ms => void sleeps.push(ms),
      POLICY
    );
    expect(result.answer.status).toBe(200);
    expect(result.retried.map(a => a.status)).toEqual([503, 429]);
    expect(sleeps).toEqual([1000, 20]);
  });

  it('does not retry a 4xx', async () => {
    let sent = 0;
    const result = await sendWithRetries(
      async () => (sent++, answer(401)),
      async () => {},
      POLICY
    );
    expect([sent, result.answer.status, result.retried]).toEqual([1, 401, []]);
  });

  it('stops after the retries are used up and returns the last refusal', async () => {
    let sent = 0;
    const result = await sendWithRetries(
      async () => (sent++, answer(503, { 'retry-after-ms': '0' })),
      async () => {},
      POLICY
    );
    expect([sent, result.answer.status, result.retried.length]).toEqual([4, 503, 3]);
  });
});
