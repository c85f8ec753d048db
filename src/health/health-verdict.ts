import type { HealthConfig, HealthSample } from '../config/health-config.js';
import { adviseCapacity } from './capacity.js';
import { FAILURE_LIMIT, type HealthReport } from './health-report.js';
import { latencyStats } from './latency-stats.js';
import type { Attempts } from './retry.js';
import type { AnswerVerdict } from './scoring-response.js';
import type { CapacitySettings } from './scoring-target.js';

/** One request of the gate: what was sent, every attempt, and the judgement of the final answer. */
export interface ProbedRequest {
  sample: HealthSample;
  attempts: Attempts;
  verdict: AnswerVerdict;
}

/**
 * The verdict: healthy when every request was answered correctly (429/503 that outlasted the retries are
 * capacity, reported as advice, unless nothing was answered at all) and p95 stays within the budget.
 * Latency figures are of the 2xx answers (run() answered, rightly or not): a fast 424 or 503 says nothing about
 * the model's speed.
 */
export function buildHealthReport(
  probed: readonly ProbedRequest[],
  settings: HealthConfig,
  target: string,
  capacity?: CapacitySettings
): HealthReport {
  const correct = probed.filter(request => request.verdict.kind === 'correct');
  const failed = probed.filter(
    request => request.verdict.kind !== 'correct' && request.verdict.kind !== 'throttled'
  );
  const answered = probed.filter(request => isSuccess(request.attempts.answer.status));
  const latencyMs = latencyStats(answered.map(request => request.attempts.answer.latencyMs));
  const reasons = failureReasons(probed, failed.length, correct.length);
  const budgetMs = settings.latencyBudgetMs;
  const withinBudget = budgetMs !== undefined && latencyMs ? latencyMs.p95 <= budgetMs : undefined;
  if (withinBudget === false)
    reasons.push(
      `p95 latency ${latencyMs!.p95} ms is over the budget of ${budgetMs} ms (latency-budget-ms).`
    );
  return {
    healthy: reasons.length === 0,
    reasons,
    target,
    requests: probed.length,
    concurrency: Math.min(settings.concurrency, probed.length),
    statuses: countBy(probed.map(request => String(request.attempts.answer.status))),
    correct: correct.length,
    retries: probed.reduce((sum, request) => sum + request.attempts.retried.length, 0),
    throttled: countBy(probed.flatMap(request => request.attempts.retried.map(a => String(a.status)))),
    ...(latencyMs ? { latencyMs } : {}),
    ...(budgetMs !== undefined ? { budgetMs } : {}),
    ...(withinBudget !== undefined ? { withinBudget } : {}),
    ...(settings.targetRps !== undefined && capacity && latencyMs
      ? { capacity: adviseCapacity(settings.targetRps, latencyMs.p50, capacity) }
      : {}),
    failures: probed
      .filter(request => request.verdict.kind !== 'correct')
      .slice(0, FAILURE_LIMIT)
      .map(request => ({
        sample: request.sample.file,
        status: request.attempts.answer.status,
        kind: request.verdict.kind,
        message: request.verdict.message
      }))
  };
}

function failureReasons(probed: readonly ProbedRequest[], failed: number, correct: number): string[] {
  const reasons: string[] = [];
  if (failed > 0) {
    const kinds = countBy(
      probed.filter(r => !['correct', 'throttled'].includes(r.verdict.kind)).map(r => r.verdict.kind)
    );
    const described = Object.entries(kinds).map(([kind, count]) => `${count} ${kind}`);
    reasons.push(`${failed} of ${probed.length} requests failed (${described.join(', ')}).`);
  }
  if (correct === 0 && failed === 0)
    reasons.push(
      `None of ${probed.length} requests was answered: every one was refused for capacity (429/503).`
    );
  return reasons;
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
