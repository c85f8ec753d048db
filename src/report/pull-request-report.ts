import type { Findings } from '../run/finding.js';
import type { StageResults } from '../stages/run-context.js';
import { findingBlocks, type ReportLinks } from './findings-markdown.js';
import { renderHealthSummary } from './health-summary.js';
import { firstSentence } from '../run/markdown-text.js';
import { ALWAYS_KEPT, characters, fitReport, type Budget, type ReportBlock } from './report-budget.js';
import type { ReportSubject } from './report-subject.js';
import type { RunReport } from '../stages/run-report.js';
import { renderStageTable } from './stage-table.js';
import { whatWentWrong } from './summary-markdown.js';
import { renderVerdict } from './verdict.js';

/**
 * GitHub refuses a comment body or check-run summary over 65,536 characters (422). The margin leaves room for
 * the marker and for redaction, which runs on the finished text.
 */
export const COMMENT_BUDGET: Budget = {
  limit: 65_536 - 2048,
  measure: characters,
  description: "GitHub's 65,536-character limit for a comment",
  wholeTextIn: 'the job summary of the run'
};

/** A comment is read between code reviews: each piece of evidence shows at most its last ~60 lines. */
const COMMENT_EVIDENCE_CHARACTERS = 4000;

export const ACTION_NAME = 'azureml-staged-deploy';

/** What the PR comment and check run are built from. */
export interface PullRequestReportInput {
  report: RunReport;
  results: StageResults;
  findings: Findings;
  subject: ReportSubject;
  links: ReportLinks;
  /** The commit the run deployed, shown shortened. */
  sha: string;
}

/** The hidden line that finds this subject's comment again on the next run. */
export function commentMarker(subject: ReportSubject): string {
  // `--` would end the HTML comment early.
  return `<!-- ${ACTION_NAME}:report ${subject.key.replace(/--+/g, '-')} -->`;
}

/** The check run's name: stable per endpoint, so branch protection can require it. */
export function checkName(subject: ReportSubject): string {
  return `${ACTION_NAME} / ${subject.label}`;
}

/**
 * The sticky comment: the verdict, the stage table, what went wrong and the findings with short evidence, and
 * a link to the run for the rest. Shorter than the job summary, and within GitHub's comment limit.
 */
export function renderPullRequestComment(input: PullRequestReportInput): string {
  return `${commentMarker(input.subject)}\n${renderReportBody(input, 'comment')}`;
}

/** The comment's text without its marker, or the check run's summary (the same but for the last line). */
export function renderReportBody(input: PullRequestReportInput, kind: 'comment' | 'check'): string {
  const { report, results, findings, subject, links } = input;
  const fixed = (name: string, lines: string[]): ReportBlock => ({
    name,
    priority: ALWAYS_KEPT,
    render: () => lines
  });
  const blocks: ReportBlock[] = [
    // The heading names the endpoint already.
    fixed('the verdict', renderVerdict(report, results, `${ACTION_NAME} · ${subject.label}`, false)),
    fixed('the stage table', renderStageTable(report.stages, report.failure))
  ];
  if (report.failure)
    blocks.push(fixed('what went wrong', ['### What went wrong', '', ...whatWentWrong(report.failure), '']));
  blocks.push(
    ...findingBlocks(findings, { links, evidenceCap: COMMENT_EVIDENCE_CHARACTERS, openFirstEvidence: true })
  );
  // The health gate's verdict is what a reviewer merges on (issue: the check and comment carry it).
  if (results.health) blocks.push(fixed('the health check', renderHealthSummary(results.health)));
  blocks.push(fixed('the footer', [footer(input, kind)]));
  return fitReport(blocks, COMMENT_BUDGET);
}

function footer({ sha, links }: PullRequestReportInput, kind: 'comment' | 'check'): string {
  const run = links.run ? `[the job summary and log of the run](${links.run})` : 'the job summary of the run';
  const updated = kind === 'comment' ? ' Updated in place on every run;' : '';
  return `<sub>Commit ${sha.slice(0, 7)}.${updated} The whole report is in ${run}.</sub>`;
}

/** The check run's one-line title: the verdict and, on failure, the first sentence of the error. */
export function checkTitle(report: RunReport, subject: ReportSubject): string {
  if (!report.failure) return `${subject.label}: deployed`;
  const title = `${subject.label}: failed at stage ${report.failure.stage} — ${firstSentence(report.failure.message, 120)}`;
  return title.length <= 250 ? title : `${title.slice(0, 249)}…`;
}

/** A commit status allows 140 characters of description. */
export function statusDescription(report: RunReport): string {
  const text = report.failure
    ? `Failed at stage ${report.failure.stage}: ${firstSentence(report.failure.message, 200)}`
    : 'Deployed.';
  return text.length <= 140 ? text : `${text.slice(0, 139)}…`;
}
