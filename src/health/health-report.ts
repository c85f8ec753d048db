import type { CapacityAdvice } from './capacity.js';
import type { LatencyStats } from './latency-stats.js';
import type { AnswerKind } from './scoring-response.js';

/** One request that did not count as a correct answer, for the report and the findings. */
export interface HealthFailure {
  /** The sample file sent. */
  sample: string;
  /** The final status, or 0 when no answer came (connection refused, timeout on our side). */
  status: number;
  kind: AnswerKind;
  /** One line: what was wrong (the mismatch, the status's meaning, the connection error). */
  message: string;
}

/**
 * The health gate's verdict and figures: the `health-report` output (as JSON), the summary's health section,
 * and what the stage decides on.
 */
export interface HealthReport {
  healthy: boolean;
  /** Why the gate failed, one line each; empty when healthy. */
  reasons: string[];
  /** What was probed: "deployment 'x' of endpoint 'y'". */
  target: string;
  requests: number;
  concurrency: number;
  /** Final status of each request → how many (`"200": 4, "503": 1`); `"0"` for no answer. */
  statuses: Record<string, number>;
  /** Requests answered correctly. */
  correct: number;
  /** Retries after 429/503, over all requests. */
  retries: number;
  /** Statuses seen on attempts that were retried (`"503": 3`): capacity pushing back under the burst. */
  throttled: Record<string, number>;
  /** Latency of the 2xx answers (their answered attempt), in milliseconds; absent when none came. */
  latencyMs?: LatencyStats;
  /** `latency-budget-ms` and whether p95 stayed within it. */
  budgetMs?: number;
  withinBudget?: boolean;
  capacity?: CapacityAdvice;
  /** At most {@link FAILURE_LIMIT} failures, first first. */
  failures: HealthFailure[];
}

/** The report keeps this many failures; the count of each status is in `statuses`. */
export const FAILURE_LIMIT = 10;

/** The `health-report` output: the report as compact JSON. */
export function healthReportJson(report: HealthReport): string {
  return JSON.stringify(report);
}

/** One line for the stage outcome and the log: "healthy: 5/5 correct, p50 12 ms, p95 20 ms, max 25 ms". */
export function describeHealth(report: HealthReport): string {
  const verdict = report.healthy ? 'healthy' : 'unhealthy';
  const latency = report.latencyMs
    ? `, p50 ${report.latencyMs.p50} ms, p95 ${report.latencyMs.p95} ms, max ${report.latencyMs.max} ms`
    : '';
  const budget = report.budgetMs !== undefined ? ` (budget p95 ${report.budgetMs} ms)` : '';
  const retries = report.retries > 0 ? `; ${report.retries} retries after 429/503` : '';
  return `${verdict}: ${report.correct}/${report.requests} correct${latency}${budget}${retries}`;
}
