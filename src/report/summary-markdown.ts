import type { Findings } from '../run/finding.js';
import { describeProblem } from '../run/errors.js';
import type { StageName } from '../run/stage.js';
import type { StageResults } from '../stages/run-context.js';
import { findingBlocks, type ReportLinks } from './findings-markdown.js';
import { renderHealthSummary } from './health-summary.js';
import { renderInfraSummary } from './infra-summary.js';
import { renderLocalSummary } from './local-summary.js';
import { codeBlock } from '../run/markdown-text.js';
import { renderMlSummary } from './ml-summary.js';
import { ALWAYS_KEPT, fitReport, utf8Bytes, type Budget, type ReportBlock } from './report-budget.js';
import type { RunReport } from '../stages/run-report.js';
import { renderStageTable } from './stage-table.js';
import { renderTimeline } from './stage-timeline.js';
import { renderVerdict } from './verdict.js';

/**
 * GitHub rejects a step summary over 1 MiB (and shows none of it). The margin leaves room for the line end
 * `core.summary` appends and for redaction, which runs on the finished text.
 */
export const SUMMARY_BUDGET: Budget = {
  limit: 1024 * 1024 - 4096,
  measure: utf8Bytes,
  description: "GitHub's 1 MiB limit for a job summary",
  wholeTextIn: 'the step log'
};

export interface SummaryOptions {
  title?: string;
  links?: ReportLinks;
  budget?: Budget;
}

/**
 * The job summary as markdown: verdict first, then the stages and their timeline, what went wrong, the
 * findings with their evidence, then what each part of the deployment did. Kept within the budget (1 MiB):
 * evidence is cut first, then the least important parts, with a note saying so.
 */
export function renderSummary(
  report: RunReport,
  results: StageResults = {},
  findings?: Findings,
  options: SummaryOptions = {}
): string {
  return fitReport(summaryBlocks(report, results, findings, options), options.budget ?? SUMMARY_BUDGET);
}

/** The parts of the job summary in reading order, each with how long it is kept when space runs out. */
export function summaryBlocks(
  report: RunReport,
  results: StageResults,
  findings: Findings | undefined,
  options: SummaryOptions = {}
): ReportBlock[] {
  const failure = report.failure;
  const always = (name: string, lines: string[]): ReportBlock => ({
    name,
    priority: ALWAYS_KEPT,
    render: () => lines
  });
  const optional = (name: string, priority: number, lines: string[]): ReportBlock => ({
    name,
    priority,
    render: () => lines
  });
  const blocks: ReportBlock[] = [
    always('the verdict', renderVerdict(report, results, options.title ?? 'azureml-staged-deploy')),
    always('the stage table', renderStageTable(report.stages, report.failure)),
    optional('the timeline', 10, renderTimeline(report.stages))
  ];
  if (failure)
    blocks.push(always('what went wrong', ['### What went wrong', '', ...whatWentWrong(failure), '']));
  if (findings) blocks.push(...findingBlocks(findings, { openFirstEvidence: true, ...options }));
  // A run stopped by the runner (SIGINT) or by its own deadline (`timeout-minutes`) leaves the same work
  // behind in Azure.
  if (failure && (report.cancelled || failure.kind === 'deadline')) {
    const stop = report.cancelled ? 'Cancelling the step' : "Running out of 'timeout-minutes'";
    blocks.push(always('what still runs in Azure', stillRunningInAzure(stop, failure.stage, results)));
  }
  if (results.health) blocks.push(always('the health check', renderHealthSummary(results.health)));
  if (results.preflight || results.local)
    blocks.push(
      optional('the run on the runner (preflight, target: local)', 25, renderLocalSummary(results))
    );
  if (results.infra)
    blocks.push(
      optional('the infrastructure tables (Key Vaults, what-if)', 30, renderInfraSummary(results.infra))
    );
  if (results.ml) blocks.push(optional('the model deployment tables', 20, renderMlSummary(results.ml)));
  blocks.push(
    always('the correlation id', [
      `<sub>Correlation id \`${report.correlationId}\` is sent with every Azure request of this run.</sub>`,
      ''
    ])
  );
  return blocks;
}

/** The failure message in full, or each configuration problem on a line of its own. */
export function whatWentWrong(failure: NonNullable<RunReport['failure']>): string[] {
  if (failure.problems) return failure.problems.map(problem => `- ${describeProblem(problem)}`);
  return codeBlock(failure.message);
}

/**
 * Cancelling the step or reaching the deadline stops the action's waiting, not Azure's work: a template
 * deployment or an online deployment already sent keeps running there. Say what that may be, how to look at
 * it and how to pick it up again.
 */
function stillRunningInAzure(stop: string, stage: StageName, results: StageResults): string[] {
  const lines = ['### Still running in Azure', '', `${stop} does not cancel what was already sent to Azure:`];
  const group = results.resourceGroup?.name ?? '';
  if (stage === 'infra' && results.infra && !results.infra.dryRun) {
    const name = results.infra.deploymentName;
    lines.push(
      `- Template deployment '${name}' in resource group '${group}' is still running in Azure if the run got as far as deploying it (\`az deployment group show -g ${group} -n ${name}\`).`,
      `- To resume, re-run with the same inputs (same \`template-deployment-name\`): the action waits for '${name}' to finish instead of starting a conflicting deployment, then converges.`
    );
  } else if (results.ml && ML_STAGES.has(stage)) {
    const { workspace, endpointName, deployment } = results.ml;
    const where = `-g ${group} -w ${workspace}`;
    const show = deployment
      ? `az ml online-deployment show ${where} -e ${endpointName} -n ${deployment.name}`
      : `az ml online-endpoint show ${where} -n ${endpointName}`;
    lines.push(
      `- The ${stage} stage's operation on endpoint '${endpointName}' (workspace '${workspace}') may still be running in Azure (\`${show}\`).`,
      `- To resume, re-run with the same inputs: versions and deployments that already exist are reused.`
    );
  } else {
    lines.push('- Nothing long-running was in flight; re-run with the same inputs to finish.');
  }
  lines.push('');
  return lines;
}

const ML_STAGES = new Set<StageName>(['model', 'environment', 'code', 'endpoint', 'deployment', 'traffic']);
