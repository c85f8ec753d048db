import { describe, expect, it } from '@jest/globals';
import type { ScoringAnswer } from '../../src/health/scoring-client.js';
import { judgeAnswer } from '../../src/health/scoring-response.js';

function answer(status: number, body = '', headers: Record<string, string> = {}): ScoringAnswer {
  return { status, headers, body, latencyMs: 5 };
}

const RUN_FAILED =
  '{"message": "An unexpected error occurred in scoring script. Check the logs for more info."}';

describe('what a scoring answer means', () => {
  it('takes any 2xx as correct without an expectation', () => {
    expect(judgeAnswer(answer(200, 'not even json'), undefined)).toEqual({ kind: 'correct', message: '' });
  });

  it('reads run() failures on managed (424), Kubernetes (502) and local (500 with the run-failed header)', () => {
    const failed = (a: ScoringAnswer) => judgeAnswer(a, undefined).kind;
    expect(failed(answer(424, RUN_FAILED, { 'ms-azureml-model-error-statuscode': '500' }))).toBe(
      'script-error'
    );
    expect(failed(answer(502, RUN_FAILED, { 'x-ms-run-function-failed': 'True' }))).toBe('script-error');
    expect(failed(answer(500, RUN_FAILED, { 'x-ms-run-function-failed': 'True' }))).toBe('script-error');
    expect(judgeAnswer(answer(502, RUN_FAILED), undefined).message).toBe(
      'run() failed (HTTP 502): An unexpected error occurred in scoring script. Check the logs for more info.'
    );
  });

  it('reads a 424 for a 4xx that run() chose to answer as a wrong answer, not a crash', () => {
    const verdict = judgeAnswer(
      answer(424, '{"message": "bad input"}', { 'ms-azureml-model-error-statuscode': '400' }),
      undefined
    );
    expect(verdict).toEqual({ kind: 'wrong-answer', message: 'run() answered 400: bad input' });
  });

  it('tells timeouts, refusals and unreadable answers apart', () => {
    expect(judgeAnswer(answer(408), undefined).kind).toBe('timeout');
    expect(judgeAnswer(answer(504), undefined).kind).toBe('timeout');
    expect(judgeAnswer(answer(503), undefined).kind).toBe('throttled');
    expect(judgeAnswer(answer(404, '{"message": "No valid deployments to route to."}'), undefined)).toEqual({
      kind: 'rejected',
      message:
        'HTTP 404: no such endpoint or deployment at the scoring URI (No valid deployments to route to.)'
    });
    expect(
      judgeAnswer(answer(200, '<html>'), { kind: 'subset', value: { a: 1 }, source: 'expected.json' })
    ).toEqual({ kind: 'wrong-answer', message: 'the answer is not JSON: "<html>"' });
  });
});
