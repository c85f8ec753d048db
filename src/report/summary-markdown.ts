import { formatDuration } from '../azure/deadline.js';
import { describeProblem } from '../errors.js';
import type { RunReport, StageStatus } from './run-report.js';

const STATUS_ICON: Record<StageStatus, string> = { succeeded: '✅', failed: '❌', 'not run': '⏭️' };

/** The job summary as markdown: verdict first, then the stages, then what went wrong and what to do. */
export function renderSummary(report: RunReport, title = 'azureml-staged-deploy'): string {
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
    if (failure.problems) {
      for (const problem of failure.problems) lines.push(`- ${describeProblem(problem)}`);
    } else {
      lines.push('```text', failure.message, '```');
    }
    lines.push('');
  }
  lines.push(
    `<sub>Correlation id \`${report.correlationId}\` is sent with every Azure request of this run.</sub>`,
    ''
  );
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
