import { describe, expect, it } from '@jest/globals';
import {
  createHttpHeaders,
  createPipelineRequest,
  RestError,
  type PipelineRequest,
  type PipelineResponse
} from '@azure/core-rest-pipeline';
import { Deadline, DeadlineExceededError } from '../../src/run/deadline.js';
import { deadlineRetryPolicy, serverDelayMs } from '../../src/azure/retry-policy.js';

function response(
  request: PipelineRequest,
  status: number,
  headers: Record<string, string> = {}
): PipelineResponse {
  return { request, status, headers: createHttpHeaders(headers) };
}

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };
const request = () =>
  createPipelineRequest({
    url: 'https://127.0.0.1/subscriptions/s/resourcegroups/rg?api-version=1',
    method: 'PUT'
  });

describe('deadlineRetryPolicy', () => {
  it('retries throttling and server errors, honouring retry-after-ms', async () => {
    const deadline = new Deadline(10_000);
    const statuses = [429, 500, 500, 201];
    const sent: number[] = [];
    const policy = deadlineRetryPolicy(deadline, fast);
    const result = await policy.sendRequest(request(), async req => {
      sent.push(Date.now());
      const status = statuses.shift()!;
      return response(req, status, status === 429 ? { 'retry-after-ms': '50' } : {});
    });
    expect(result.status).toBe(201);
    expect(sent).toHaveLength(4);
    expect(sent[1]! - sent[0]!).toBeGreaterThanOrEqual(45);
    deadline.dispose();
  });

  it('fails at once, saying why, when Retry-After is beyond the deadline', async () => {
    const deadline = new Deadline(2_000);
    const policy = deadlineRetryPolicy(deadline, fast);
    const started = Date.now();
    const attempt = policy.sendRequest(request(), async req => response(req, 429, { 'retry-after': '600' }));
    await expect(attempt).rejects.toThrow(DeadlineExceededError);
    await expect(
      policy.sendRequest(request(), async req => response(req, 429, { 'retry-after': '600' }))
    ).rejects.toThrow(
      /PUT \/subscriptions\/s\/resourcegroups\/rg failed with HTTP 429; Azure asked to retry in 10 min, but only .* remain .*timeout-minutes/
    );
    // Not a timing target: far below the 10 minutes asked for proves the policy did not wait.
    expect(Date.now() - started).toBeLessThan(30_000);
    deadline.dispose();
  });

  it('does not retry client errors', async () => {
    const deadline = new Deadline(10_000);
    let calls = 0;
    const result = await deadlineRetryPolicy(deadline, fast).sendRequest(request(), async req => {
      calls++;
      return response(req, 409);
    });
    expect([result.status, calls]).toEqual([409, 1]);
    deadline.dispose();
  });

  it('retries a connection reset, and gives up after maxAttempts returning the last outcome', async () => {
    const deadline = new Deadline(10_000);
    let calls = 0;
    const attempt = deadlineRetryPolicy(deadline, fast).sendRequest(request(), async () => {
      calls++;
      throw new RestError('socket hang up', { code: 'ECONNRESET' });
    });
    await expect(attempt).rejects.toThrow('socket hang up');
    expect(calls).toBe(4);
    deadline.dispose();
  });

  it('reads the three throttling headers ARM uses', () => {
    const req = request();
    expect(serverDelayMs(response(req, 429, { 'x-ms-retry-after-ms': '1500' }))).toBe(1500);
    expect(serverDelayMs(response(req, 429, { 'retry-after': '3' }))).toBe(3000);
    expect(serverDelayMs(response(req, 429, {}))).toBeUndefined();
  });
});

describe('deadlineRetryPolicy with clients that throw on error statuses', () => {
  it('retries a RestError carrying a 429 response, reading its Retry-After', async () => {
    const deadline = new Deadline(10_000);
    let calls = 0;
    const result = await deadlineRetryPolicy(deadline, fast).sendRequest(request(), async req => {
      calls++;
      if (calls === 1) {
        throw new RestError('throttled', {
          statusCode: 429,
          response: response(req, 429, { 'retry-after-ms': '20' })
        });
      }
      return response(req, 200);
    });
    expect([result.status, calls]).toEqual([200, 2]);
    deadline.dispose();
  });

  it('does not retry a RestError carrying a 404', async () => {
    const deadline = new Deadline(10_000);
    let calls = 0;
    const attempt = deadlineRetryPolicy(deadline, fast).sendRequest(request(), async req => {
      calls++;
      throw new RestError('not found', { statusCode: 404, response: response(req, 404) });
    });
    await expect(attempt).rejects.toThrow('not found');
    expect(calls).toBe(1);
    deadline.dispose();
  });
});
