import { formatDuration } from '../azure/deadline.js';
import { describeProblem } from '../errors.js';
import type { StageResults } from '../stages/stage.js';
import { renderInfraSummary } from './infra-summary.js';
import { renderMlSummary } from './ml-summary.js';
import type { RunReport, StageStatus } from './run-report.js';

const STATUS_ICON: Record<StageStatus, string> = { succeeded: '✅', failed: '❌', 'not run': '⏭️' };

/** The job summary as markdown: verdict first, then the stages, then what went wrong and what to do. */
export function renderSummary(
  report: RunReport,
  results: StageResults = {},
  title = 'azureml-staged-deploy'
): string {
  const lines: string[] = [];
  const failure = report.failure;
  lines.push(`## ${report.status === 'succeeded' ? '✅' : '❌'} ${title}: ${report.status}`, '');
  if (failure) lines.push(`**Failed stage:** \`${failure.stage}\``, '');
  if (report.stages.length > 0) {
    lines.push('| Stage | Status | Duration | Outcome |', '| --- | --- | --- | --- |');
    for (const stage of report.stages) {
      const duration = stage.status === 'not run' ? '' : formatDuration(stage.durationMs);
      lines.push(
        `| ${stage.title} | ${STATUS_ICON[stage.status]} ${stage.status} | ${duration} | ${escapeCell(stage.outcome)} |`
      );
    }
    lines.push('');
  }
  if (failure) {
    lines.push('### What went wrong', '');
    lines.push(...whatWentWrong(failure));
    lines.push('');
  }
  if (results.infra) lines.push(...renderInfraSummary(results.infra));
  if (results.ml) lines.push(...renderMlSummary(results.ml));
  lines.push(
    `<sub>Correlation id \`${report.correlationId}\` is sent with every Azure request of this run.</sub>`,
    ''
  );
  return lines.join('\n');
}

function whatWentWrong(failure: NonNullable<RunReport['failure']>): string[] {
  if (failure.problems) return failure.problems.map(problem => `- ${describeProblem(problem)}`);
  return ['```text', failure.message, '```'];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
