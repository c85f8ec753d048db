import type { ResponseExpectation } from '../config/health-config.js';
import type { ScoringAnswer } from './scoring-client.js';
import { findMismatch, preview } from './subset-match.js';

/**
 * What an answer means for the gate. `script-error`: run() raised (the front end's 424 on managed endpoints,
 * 502 on Kubernetes, the inference server's own 500 locally); `throttled`: 429/503 still after the retries;
 * `timeout`: 408/504 (request_timeout_ms); `rejected`: another 4xx (key, route, body); `no-answer`: no HTTP
 * answer at all.
 */
export type AnswerKind =
  | 'correct'
  | 'wrong-answer'
  | 'script-error'
  | 'throttled'
  | 'timeout'
  | 'rejected'
  | 'server-error'
  | 'no-answer';

export interface AnswerVerdict {
  kind: AnswerKind;
  /** Empty for a correct answer; otherwise one line saying what was wrong. */
  message: string;
}

/** Judges one final answer against what the sample expects (without expectation: any 2xx is correct). */
export function judgeAnswer(answer: ScoringAnswer, expected: ResponseExpectation | undefined): AnswerVerdict {
  if (answer.status === 0) return { kind: 'no-answer', message: `no answer: ${answer.error ?? 'unknown'}` };
  if (expected?.kind === 'status') {
    if (answer.status === expected.status) return { kind: 'correct', message: '' };
    if (isSuccess(answer.status))
      return {
        kind: 'wrong-answer',
        message: `expected status ${expected.status} (${expected.source}), got ${answer.status}`
      };
  }
  if (isSuccess(answer.status)) return judgeBody(answer, expected);
  return explainStatus(answer);
}

function judgeBody(answer: ScoringAnswer, expected: ResponseExpectation | undefined): AnswerVerdict {
  if (expected?.kind !== 'subset') return { kind: 'correct', message: '' };
  let body: unknown;
  try {
    body = JSON.parse(answer.body) as unknown;
  } catch {
    return { kind: 'wrong-answer', message: `the answer is not JSON: ${preview(answer.body)}` };
  }
  const mismatch = findMismatch(expected.value, body);
  return mismatch
    ? { kind: 'wrong-answer', message: `the answer differs from ${expected.source} ${mismatch}` }
    : { kind: 'correct', message: '' };
}

/**
 * The meaning of a non-2xx status on Azure ML online endpoints (managed and Kubernetes front ends and the
 * inference server), in the user's terms.
 */
export function explainStatus(answer: ScoringAnswer): AnswerVerdict {
  const { status } = answer;
  const message = serverMessage(answer);
  if (isScriptError(answer)) {
    const modelStatus = answer.headers['ms-azureml-model-error-statuscode'];
    if (modelStatus && Number(modelStatus) < 500)
      return { kind: 'wrong-answer', message: `run() answered ${modelStatus}: ${message}` };
    return { kind: 'script-error', message: `run() failed (HTTP ${status}): ${message}` };
  }
  if (status === 429 || status === 503)
    return {
      kind: 'throttled',
      message: `HTTP ${status}: the deployment refused the request for capacity, also after retries: ${message}`
    };
  if (status === 408 || status === 504)
    return {
      kind: 'timeout',
      message: `HTTP ${status}: run() took longer than request_settings.request_timeout_ms: ${message}`
    };
  if (status >= 400 && status < 500) return { kind: 'rejected', message: rejectedMessage(status, message) };
  return { kind: 'server-error', message: `HTTP ${status}: ${message}` };
}

/** 424 (managed: the model's own non-2xx), 502 (Kubernetes), or the inference server saying run() failed. */
function isScriptError(answer: ScoringAnswer): boolean {
  return (
    answer.status === 424 ||
    answer.status === 502 ||
    answer.headers['x-ms-run-function-failed']?.toLowerCase() === 'true'
  );
}

function rejectedMessage(status: number, message: string): string {
  const meaning: Record<number, string> = {
    400: 'the server could not read the sample request',
    401: 'the endpoint key or token was refused',
    403: 'the caller may not score this endpoint',
    404: 'no such endpoint or deployment at the scoring URI',
    413: 'the sample request is larger than the endpoint accepts'
  };
  return `HTTP ${status}${meaning[status] ? `: ${meaning[status]}` : ''}${message ? ` (${message})` : ''}`;
}

/** `{"message": "…"}` as the front end and the inference server send it, else the body's start. */
function serverMessage(answer: ScoringAnswer): string {
  try {
    const parsed = JSON.parse(answer.body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: show the text
  }
  return answer.body.trim().slice(0, 200);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
