import type { RawInputs } from '../contract/inputs.js';
import type { ActionAdapter } from '../action/core-adapter.js';
import { loadReportingConfig } from '../config/reporting-config.js';
import { Findings, redactFinding } from '../run/finding.js';
import type { StageResults } from '../stages/run-context.js';
import type { ReportLinks } from './findings-markdown.js';
import type { GitHubEvent } from '../action/github-port.js';
import { publishToGitHub } from './github-publisher.js';
import { redactedRun } from './redacted-run.js';
import type { Redactor } from '../run/redaction.js';
import { reportSubject } from './report-subject.js';
import type { RunReport } from '../stages/run-report.js';
import { renderSummary } from './summary-markdown.js';

/** Everything the report layer shows, gathered once the stages are done (or failed). */
export interface RunOutcome {
  /** The step's inputs as main() read them once: a configuration error must reach the pull request too. */
  inputs: RawInputs;
  report: RunReport;
  results: StageResults;
  findings: Findings;
  redactor: Redactor;
}

/**
 * Shows the run where the user looks: ranked annotations on the PR's files, the job summary, and with a
 * `github-token` the PR comment, the check run and the GitHub deployment record. Reporting never fails the
 * deployment: a reporting error becomes a warning.
 */
export async function publishReport(adapter: ActionAdapter, outcome: RunOutcome): Promise<void> {
  const { findings, redactor } = outcome;
  const redact = (text: string) => redactor.redact(text);
  findings.annotate(adapter.log, redact);
  const { inputs } = outcome;
  // From the inputs, not the configuration: a configuration error must reach the pull request too.
  const reporting = loadReportingConfig(inputs);
  redactor.add(reporting.githubToken);
  const session = adapter.gitHub?.(reporting.githubToken);
  const links = session ? repositoryLinks(session.event) : {};
  // Everything is redacted raw, before it is escaped, cut or fitted to a budget (redacted-run.ts); the
  // rendered text is redacted again for what only rendering put together.
  const { report, results } = redactedRun(outcome.report, outcome.results, redactor);
  const shown = redactedFindings(findings, redact);
  try {
    await adapter.writeSummary(redact(renderSummary(report, results, shown, { links })));
  } catch (error) {
    adapter.log.warning(`The job summary could not be written: ${(error as Error).message}`);
  }
  if (!session?.api) return;
  try {
    const subject = reportSubject(inputs, results, report.endpointName);
    const published = publishToGitHub(
      session,
      { report, results, findings: shown, subject, links, prComment: reporting.prComment, redact },
      adapter.log
    );
    await withinTime(published, report.cancelled ? AFTER_CANCEL_MS : GITHUB_REPORT_MS);
  } catch (error) {
    adapter.log.warning(
      `The GitHub report (PR comment, check, deployment record) could not be finished: ${(error as Error).message}. The deployment itself is not affected.`,
      { title: 'GitHub report not written' }
    );
  }
}

/**
 * How long the GitHub part of the report may take. A cancelled run has ~7 s before the runner kills it, and
 * the summary is already written by then; GitHub usually answers all calls in a second.
 */
const GITHUB_REPORT_MS = 30_000;
const AFTER_CANCEL_MS = 3_000;

async function withinTime(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`GitHub did not answer within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Links to files at the run's commit and to the run, for finding locations and the comment's footer. */
export function repositoryLinks(event: GitHubEvent): ReportLinks {
  const repository = `${event.serverUrl}/${event.owner}/${event.repo}`;
  return {
    file: (path, line) =>
      `${repository}/blob/${event.sha}/${path.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`,
    ...(event.runUrl ? { run: event.runUrl } : {})
  };
}

/** A copy of the findings with every text redacted (titles, causes, fixes, evidence). */
function redactedFindings(findings: Findings, redact: (text: string) => string): Findings {
  const copy = new Findings();
  for (const finding of findings.all) copy.add(redactFinding(finding, redact));
  return copy;
}
