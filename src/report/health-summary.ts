import type { HealthReport } from '../health/health-report.js';

/**
 * The health part of the job summary: the verdict, the latency figures against the budget, what the burst
 * probe met, the capacity advice with its formula and inputs, and the failed requests.
 */
export function renderHealthSummary(report: HealthReport): string[] {
  const lines = [
    `### Health check: ${report.healthy ? '✅ healthy' : '❌ unhealthy'}`,
    '',
    `${capitalise(report.target)}: ${report.requests} request(s), ${report.concurrency} at once; ${report.correct} answered correctly.`,
    '',
    '| Requests | At once | Correct | Statuses | p50 | p95 | max | p95 budget |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${report.requests} | ${report.concurrency} | ${report.correct} | ${describeCounts(report.statuses)} | ${ms(report.latencyMs?.p50)} | ${ms(report.latencyMs?.p95)} | ${ms(report.latencyMs?.max)} | ${budget(report)} |`,
    ''
  ];
  if (report.retries > 0)
    lines.push(
      `Refused for capacity under the burst and retried: ${describeCounts(report.throttled)} (${report.retries} retries).`,
      ''
    );
  if (report.capacity) lines.push(...capacityLines(report.capacity), '');
  if (report.failures.length > 0) {
    lines.push('Failed requests:', '');
    for (const [line, count] of repeated(report.failures.map(describeFailure)))
      lines.push(count > 1 ? `${line} (× ${count})` : line);
    lines.push('');
  }
  if (!report.healthy)
    lines.push('The new deployment got no traffic: the deployments that served before keep serving.', '');
  return lines;
}

function describeFailure(failure: HealthReport['failures'][number]): string {
  return `- \`${failure.sample}\`: HTTP ${failure.status || 'none'} (${failure.kind}) — ${oneLine(failure.message)}`;
}

/** Identical lines once, with how often they came, in first-seen order. */
function repeated(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

function capacityLines(advice: NonNullable<HealthReport['capacity']>): string[] {
  const verdict = advice.sufficient
    ? `**Capacity:** ${advice.required} instance(s) carry ${advice.targetRps} requests/s; the deployment has ${advice.instances}. ✅`
    : `**Capacity:** ⚠️ ${advice.targetRps} requests/s need **${advice.required} instance(s)**; the deployment has ${advice.instances}.`;
  return [verdict, '', `\`${advice.formula}\``, '', ...advice.inputs.map(input => `- ${input}`)];
}

function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort(([a], [b]) => Number(a) - Number(b));
  return (
    entries.map(([status, count]) => `${status === '0' ? 'no answer' : status} × ${count}`).join(', ') || '—'
  );
}

function budget(report: HealthReport): string {
  if (report.budgetMs === undefined) return 'none';
  if (report.withinBudget === undefined) return `${report.budgetMs} ms`;
  return `${report.budgetMs} ms ${report.withinBudget ? '✅' : '❌'}`;
}

function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${value} ms`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 300);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
