import type { ActionAdapter } from '../action/core-adapter.js';
import type { Findings } from '../diagnose/finding.js';
import type { StageResults } from '../stages/stage.js';
import type { Redactor } from './redaction.js';
import type { RunReport } from './run-report.js';
import { renderSummary } from './summary-markdown.js';

/** Everything the report layer shows, gathered once the stages are done (or failed). */
export interface RunOutcome {
  report: RunReport;
  results: StageResults;
  findings: Findings;
  redactor: Redactor;
}

/**
 * Shows the run where the user looks: ranked annotations on the PR's files, the job summary. Reporting never
 * fails the deployment: a reporting error becomes a warning.
 */
export async function publishReport(adapter: ActionAdapter, outcome: RunOutcome): Promise<void> {
  const { report, results, findings, redactor } = outcome;
  findings.annotate(adapter.log, text => redactor.redact(text));
  try {
    await adapter.writeSummary(redactor.redact(renderSummary(report, results, findings)));
  } catch (error) {
    adapter.log.warning(`The job summary could not be written: ${(error as Error).message}`);
  }
}
