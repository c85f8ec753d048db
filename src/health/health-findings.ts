import { RANK, type Evidence, type Finding } from '../run/finding.js';
import { diagnoseScoringResponse, type ScoringSituation } from './scoring-diagnosis.js';
import { describeScriptFailure, type ScriptFailure } from '../scoring-script/init-traceback.js';
import type { StageName } from '../run/stage.js';
import type { HealthReport } from './health-report.js';
import type { ProbedRequest } from './health-verdict.js';
import type { AnswerKind } from './scoring-response.js';
import { preview } from './subset-match.js';

/** What the findings need besides the report: the requests, and the traceback found in the server log. */
export interface FindingContext {
  stage: StageName;
  probed: readonly ProbedRequest[];
  report: HealthReport;
  /** Where run() raised, mapped to the repository, when the server log had the traceback. */
  scriptFailure?: ScriptFailure;
  /** The traceback lines of the server log, for evidence. */
  traceback?: string;
  /** What the failure catalogue needs to know about the deployment (request timeout, its name). */
  situation?: ScoringSituation;
}

/**
 * The gate's explained problems: one finding per kind of failure (with the first example and the count), the
 * latency budget, throttling under the burst, and the capacity advice.
 */
export function healthFindings(context: FindingContext): Finding[] {
  const findings: Finding[] = [];
  const byKind = new Map<AnswerKind, ProbedRequest[]>();
  for (const request of context.probed) {
    if (request.verdict.kind === 'correct') continue;
    byKind.set(request.verdict.kind, [...(byKind.get(request.verdict.kind) ?? []), request]);
  }
  for (const [kind, requests] of byKind) findings.push(failureFinding(context, kind, requests));
  const budget = budgetFinding(context);
  if (budget) findings.push(budget);
  const capacity = capacityFinding(context);
  if (capacity) findings.push(capacity);
  return findings;
}

function failureFinding(context: FindingContext, kind: AnswerKind, requests: ProbedRequest[]): Finding {
  const { report, stage } = context;
  const first = requests[0]!;
  const count = `${requests.length} of ${report.requests} request(s)`;
  const evidence: Evidence[] = [
    { title: `Sample request ${first.sample.file}`, text: preview(safeJson(first.sample.body), 2000) },
    {
      title: `Answer (HTTP ${first.attempts.answer.status})`,
      text: first.attempts.answer.body.slice(0, 4000)
    }
  ];
  if (kind === 'script-error') return scriptFinding(context, count, first, evidence);
  if (kind === 'throttled') {
    return {
      id: 'health-throttled',
      stage,
      severity: 'warning',
      title: 'Requests refused for capacity',
      cause: `${count} to ${report.target} ended in HTTP ${first.attempts.answer.status} after ${first.attempts.retried.length} retries, with ${report.concurrency} request(s) sent at once (health-concurrency).`,
      fix: 'Raise the instance count or request_settings.max_concurrent_requests_per_instance; set target-rps for the instance count your load needs.',
      evidence,
      rank: RANK.advice
    };
  }
  const catalogued = cataloguedFinding(context, kind, count, first);
  if (catalogued) return catalogued;
  const wrong = kind === 'wrong-answer';
  return {
    id: wrong ? 'health-wrong-answer' : `health-${kind}`,
    stage,
    severity: 'error',
    title: wrong ? 'Wrong answer from the new deployment' : `Health check failed: ${kind}`,
    cause: `${count} to ${report.target} failed: ${first.verdict.message}. It gets no traffic.`,
    fix: wrong
      ? 'Fix run() in the scoring script, or the expected answer (expected-response or <sample>.expected.json) if it is the one that is wrong.'
      : fixFor(kind),
    evidence,
    rank: RANK.rootCause
  };
}

/**
 * Timeouts and refused requests as the failure catalogue explains scoring answers (src/diagnose/scoring.ts),
 * with how many requests it concerned. run() failures are not taken from there: the gate maps the user's own
 * exception, the first block of the chained traceback the inference server logs, to its line.
 */
function cataloguedFinding(
  context: FindingContext,
  kind: AnswerKind,
  count: string,
  first: ProbedRequest
): Finding | undefined {
  if (kind !== 'timeout' && kind !== 'rejected' && kind !== 'server-error') return undefined;
  const { answer } = first.attempts;
  const finding = diagnoseScoringResponse(
    { status: answer.status, body: answer.body, headers: answer.headers },
    { stage: context.stage, ...(context.situation ?? {}) }
  );
  if (!finding) return undefined;
  return { ...finding, cause: `${count} to ${context.report.target}: ${finding.cause} It gets no traffic.` };
}

function scriptFinding(
  context: FindingContext,
  count: string,
  first: ProbedRequest,
  evidence: Evidence[]
): Finding {
  const failure = context.scriptFailure;
  const where = failure?.file
    ? { location: { file: failure.file, ...(failure.line ? { line: failure.line } : {}) } }
    : {};
  return {
    id: 'health-run-failed',
    stage: context.stage,
    severity: 'error',
    title: 'Scoring script failed on a sample request',
    cause: `run() raised for ${count} to ${context.report.target}${failure ? `: ${describeScriptFailure(failure)}` : ` (${first.verdict.message})`}. The deployment gets no traffic.`,
    fix: failure?.file
      ? `Fix ${failure.file} line ${failure.line}; run the scoring script locally with the sample to check.`
      : 'Read the traceback in the inference server log (step log) and fix run().',
    evidence: context.traceback
      ? [{ title: 'run() traceback (inference server log)', text: context.traceback }, ...evidence]
      : evidence,
    ...where,
    rank: failure?.file ? RANK.rootCauseAtLine : RANK.rootCause
  };
}

function fixFor(kind: AnswerKind): string {
  const fixes: Partial<Record<AnswerKind, string>> = {
    timeout: 'Make run() faster, or raise request_settings.request_timeout_ms.',
    rejected: 'Check the sample request, the endpoint’s auth mode and that the deployment exists.',
    'server-error': 'Read the inference server log in the step log; re-run if the service was restarting.',
    'no-answer': 'Check that the scoring URI is reachable from the runner (network access, TLS trust).'
  };
  return fixes[kind] ?? 'Read the inference server log in the step log.';
}

function budgetFinding(context: FindingContext): Finding | undefined {
  const { report } = context;
  if (report.withinBudget !== false || !report.latencyMs) return undefined;
  const { p50, p95, max } = report.latencyMs;
  return {
    id: 'health-latency-budget',
    stage: context.stage,
    severity: 'error',
    title: 'Latency over budget',
    cause: `p95 latency of ${report.target} is ${p95} ms, over the budget of ${report.budgetMs} ms (latency-budget-ms).`,
    fix: 'Make run() faster, use a larger instance type, or raise latency-budget-ms if the budget was too tight.',
    evidence: [
      {
        title: 'Latency of the correct answers',
        text: `p50 ${p50} ms, p95 ${p95} ms, max ${max} ms over ${report.correct} answer(s)`
      }
    ],
    rank: RANK.rootCause
  };
}

function capacityFinding(context: FindingContext): Finding | undefined {
  const advice = context.report.capacity;
  if (!advice || advice.sufficient) return undefined;
  const throttled = Object.entries(context.report.throttled).map(([status, n]) => `HTTP ${status} × ${n}`);
  return {
    id: 'capacity-advice',
    stage: context.stage,
    severity: 'warning',
    title: `Too few instances for ${advice.targetRps} requests/s`,
    cause: `At ${advice.targetRps} requests/s (target-rps) with ${advice.requestTimeMs} ms per request, the deployment needs ${advice.required} instance(s); it has ${advice.instances}. Users would meet 429/503 under that load${throttled.length ? ` (the burst probe already met ${throttled.join(', ')})` : ''}.`,
    fix: `Set the instance count (or scale_settings.min_instances) to at least ${advice.required}, or raise max_concurrent_requests_per_instance if run() can serve requests in parallel.`,
    evidence: [{ title: 'Instance count formula', text: [advice.formula, ...advice.inputs].join('\n') }],
    rank: RANK.advice
  };
}

function safeJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
