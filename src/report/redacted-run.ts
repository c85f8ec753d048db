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
  // Every field the report has, whatever fields it gains: a copy that names them one by one loses the next.
  const { stages, correlationId, startedAt, ...fields } = report;
  const copy = Object.assign(new RunReport(correlationId, startedAt), redactor.redactDeep({ ...fields }));
  for (const stage of stages) copy.record(redactor.redactDeep({ ...stage }));
  return { report: copy, results: redactor.redactDeep(results) };
}
