import type { StageResults } from '../stages/run-context.js';
import type { Redactor } from '../run/redaction.js';
import { RunReport } from '../stages/run-report.js';

/**
 * The run as the report shows it: every text redacted while it is still raw. Rendering escapes (`\|` in a
 * table cell, `&amp;` in HTML, JSON in an output) and cuts (a cell keeps the first sentence), and a cut or
 * escaped secret no longer looks like the secret to a text search, yet shows it to the reader; so the
 * report and the outputs are rendered from this copy, and the finished text is redacted once more for what
 * only rendering put together.
 */
export interface RedactedRun {
  report: RunReport;
  results: StageResults;
}

export function redactedRun(report: RunReport, results: StageResults, redactor: Redactor): RedactedRun {
  const copy = new RunReport(report.correlationId, report.startedAt);
  for (const stage of report.stages) copy.record(redactor.redactDeep({ ...stage }));
  if (report.failure) copy.failure = redactor.redactDeep({ ...report.failure });
  copy.cancelled = report.cancelled === undefined ? undefined : redactor.redact(report.cancelled);
  return { report: copy, results: redactor.redactDeep(results) };
}
