import { formatDuration } from '../azure/deadline.js';
import type { Findings } from '../diagnose/finding.js';
import { describeProblem } from '../errors.js';
import type { StageName, StageResults } from '../stages/stage.js';
import { renderInfraSummary } from './infra-summary.js';
import { renderMlSummary } from './ml-summary.js';
import type { RunReport, StageStatus } from './run-report.js';

const STATUS_ICON: Record<StageStatus, string> = { succeeded: '✅', failed: '❌', 'not run': '⏭️' };

/** The job summary as markdown: verdict first, then the stages, then what went wrong and what to do. */
export function renderSummary(
  report: RunReport,
  results: StageResults = {},
  findings?: Findings,
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
  if (findings && findings.all.length > 0) lines.push(...renderFindings(findings));
  if (report.cancelled && failure) lines.push(...stillRunningInAzure(failure.stage, results));
  if (results.infra) lines.push(...renderInfraSummary(results.infra));
  if (results.ml) lines.push(...renderMlSummary(results.ml));
  lines.push(
    `<sub>Correlation id \`${report.correlationId}\` is sent with every Azure request of this run.</sub>`,
    ''
  );
  return lines.join('\n');
}

/** Each finding with its cause, fix and evidence; evidence is collapsed so the verdict stays on screen. */
function renderFindings(findings: Findings): string[] {
  const lines = ['### Findings', ''];
  for (const finding of findings.ranked()) {
    const icon = finding.severity === 'error' ? '❌' : '⚠️';
    const where = finding.location
      ? ` — \`${finding.location.file}${finding.location.line ? `:${finding.location.line}` : ''}\``
      : '';
    lines.push(`#### ${icon} ${finding.title}${where}`, '', finding.cause, '', `**Fix:** ${finding.fix}`, '');
    for (const evidence of finding.evidence) {
      lines.push(
        '<details>',
        `<summary>${evidence.title}</summary>`,
        '',
        '```text',
        evidence.text,
        '```',
        '',
        '</details>',
        ''
      );
    }
  }
  return lines;
}

function whatWentWrong(failure: NonNullable<RunReport['failure']>): string[] {
  if (failure.problems) return failure.problems.map(problem => `- ${describeProblem(problem)}`);
  return ['```text', failure.message, '```'];
}

/**
 * Cancelling the step stops the action's waiting, not Azure's work: a template deployment or an online
 * deployment already sent keeps running there. Say what that may be and how to pick it up again.
 */
function stillRunningInAzure(stage: StageName, results: StageResults): string[] {
  const lines = [
    '### Still running in Azure',
    '',
    'Cancelling the step does not cancel what was already sent to Azure:'
  ];
  const group = results.resourceGroup?.name ?? '';
  if (stage === 'infra' && results.infra && !results.infra.dryRun) {
    const name = results.infra.deploymentName;
    lines.push(
      `- Template deployment '${name}' in resource group '${group}' is still running in Azure if the run got as far as deploying it (\`az deployment group show -g ${group} -n ${name}\`).`,
      `- To resume, re-run with the same inputs (same \`template-deployment-name\`): the action waits for '${name}' to finish instead of starting a conflicting deployment, then converges.`
    );
  } else if (results.ml && ML_STAGES.has(stage)) {
    lines.push(
      `- The ${stage} stage's operation on endpoint '${results.ml.endpointName}' (workspace '${results.ml.workspace}') may still be running in Azure.`,
      `- To resume, re-run with the same inputs: versions and deployments that already exist are reused.`
    );
  } else {
    lines.push('- Nothing long-running was in flight; re-run with the same inputs to finish.');
  }
  lines.push('');
  return lines;
}

const ML_STAGES = new Set<StageName>(['model', 'environment', 'code', 'endpoint', 'deployment', 'traffic']);

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
