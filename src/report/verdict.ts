import { formatDuration } from '../run/deadline.js';
import { describeTraffic } from '../ml/traffic-plan.js';
import type { StageResults } from '../stages/run-context.js';
import type { RunReport } from '../stages/run-report.js';

/**
 * The first lines of every report: did it work, and if not, which stage failed — then what was deployed
 * where, so a reader of several summaries (or PR comments) knows which deployment this one is about.
 */
export function renderVerdict(
  report: RunReport,
  results: StageResults,
  title: string,
  withSubject = true
): string[] {
  const failed = report.status === 'failed';
  const lines = [`## ${failed ? '❌' : '✅'} ${title}: ${report.status}`, ''];
  const facts: string[] = [];
  if (report.failure) facts.push(`**Failed stage:** \`${report.failure.stage}\``);
  const ran = report.stages.filter(stage => stage.status !== 'not run');
  if (ran.length > 0) {
    const took = formatDuration(ran.reduce((sum, stage) => sum + stage.durationMs, 0));
    facts.push(failed ? `after ${took}` : `${ran.length} stages in ${took}`);
  }
  const subject = describeSubject(results, withSubject);
  if (subject) facts.push(subject);
  if (facts.length > 0) lines.push(facts.join(' · '), '');
  return lines;
}

/**
 * What the run deployed: the endpoint and where its traffic went, or the template and resource group. Without
 * the name (a heading already has it), only where traffic went.
 */
export function describeSubject(results: StageResults, withName = true): string | undefined {
  const ml = results.ml;
  if (ml) {
    const parts = withName ? [`endpoint \`${ml.endpointName}\``] : [];
    if (ml.traffic) parts.push(`traffic ${describeTraffic(ml.traffic.after)}`);
    return parts.join(', ') || undefined;
  }
  if (!withName) return undefined;
  if (results.infra) {
    const group = results.resourceGroup?.name;
    return `template \`${results.infra.templateFile}\`${group ? ` in resource group \`${group}\`` : ''}`;
  }
  return undefined;
}
