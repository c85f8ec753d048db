import type { Evidence, Finding, Findings } from '../run/finding.js';
import { codeBlock, escapeHtml, fileReference } from '../run/markdown-text.js';
import { tailWithin, type EvidenceLimit, type ReportBlock } from './report-budget.js';

/** Links into the repository and the run, when the report knows them (on a GitHub runner). */
export interface ReportLinks {
  /** The file at the run's commit, e.g. `https://github.com/o/r/blob/<sha>/src/score.py#L5`. */
  file?(path: string, line?: number): string;
  /** The workflow run, where the whole job summary and log are. */
  run?: string;
}

/** Options of the findings part: the PR comment shows less evidence than the summary. */
export interface FindingsOptions {
  links?: ReportLinks;
  /** Each evidence at most this long before any budget applies (the comment keeps evidence short). */
  evidenceCap?: number;
  /** Open the root cause's first evidence, so the summary shows it without a click. */
  openFirstEvidence?: boolean;
}

/**
 * The findings as report blocks: a heading, then one block per finding (most important first) with what
 * happened, what to do, where, and the evidence collapsed. A finding's block priority follows its rank, so when
 * the report is over its budget, advice goes before consequences and those before the root cause.
 */
export function findingBlocks(findings: Findings, options: FindingsOptions = {}): ReportBlock[] {
  const ranked = findings.ranked();
  if (ranked.length === 0) return [];
  const errors = ranked.filter(finding => finding.severity === 'error').length;
  const warnings = ranked.length - errors;
  const counts = [plural(errors, 'error'), plural(warnings, 'warning')].filter(Boolean).join(', ');
  const heading = [`### Findings (${counts})`, ''];
  // The heading goes with the most important finding, which is left out last: never a heading without findings.
  return ranked.map((finding, index) => ({
    name: `finding “${finding.title}”`,
    priority: findingPriority(finding),
    render: (limit: EvidenceLimit) => [
      ...(index === 0 ? heading : []),
      ...renderFinding(finding, limit, options, options.openFirstEvidence === true && index === 0)
    ]
  }));
}

/** Above every other optional part of a report; among findings, by rank. */
function findingPriority(finding: Finding): number {
  return 50 + finding.rank / 10;
}

function renderFinding(
  finding: Finding,
  limit: EvidenceLimit,
  options: FindingsOptions,
  openEvidence: boolean
): string[] {
  const icon = finding.severity === 'error' ? '❌' : '⚠️';
  // The file and line go into the heading: they are what a reader clicks first.
  const where = finding.location
    ? ` — ${fileReference(finding.location.file, finding.location.line, options.links?.file?.(finding.location.file, finding.location.line))}`
    : '';
  const lines = [`#### ${icon} ${finding.title}${where}`, ''];
  lines.push(listItem('Cause', finding.cause));
  lines.push(listItem('Fix', finding.fix));
  lines.push(`- **Stage:** \`${finding.stage}\``, '');
  const cap = Math.min(limit.cap, options.evidenceCap ?? Number.POSITIVE_INFINITY);
  finding.evidence.forEach((evidence, index) => {
    lines.push(...renderEvidence(evidence, { ...limit, cap }, openEvidence && index === 0));
  });
  return lines;
}

/** `- **Label:** text`, with later lines of the text indented so they stay in the list item. */
function listItem(label: string, text: string): string {
  const [first, ...rest] = text.trim().split(/\r?\n/);
  return [`- **${label}:** ${first ?? ''}`, ...rest.map(line => `  ${line}`)].join('\n');
}

/**
 * One piece of evidence in a collapsed `<details>`, or a line saying it was left out. When it is cut, its last
 * lines are kept — the end of a log or a traceback says what failed — and a note says how much is missing.
 */
export function renderEvidence(evidence: Evidence, limit: EvidenceLimit, open = false): string[] {
  const totalLines = evidence.text.replace(/\s+$/, '').split('\n').length;
  if (limit.cap <= 0) {
    return [
      `_${escapeHtml(evidence.title)}: left out (${plural(totalLines, 'line')}) to stay within ${limit.budget.description}; it is in ${limit.budget.wholeTextIn}._`,
      ''
    ];
  }
  const { text, cutLines } = tailWithin(evidence.text, limit.cap, limit.measure);
  const title =
    cutLines > 0 ? `${evidence.title} — last ${plural(totalLines - cutLines, 'line')}` : evidence.title;
  const lines = [`<details${open ? ' open' : ''}><summary>${escapeHtml(title)}</summary>`, ''];
  if (cutLines > 0) {
    lines.push(
      `_${plural(cutLines, 'earlier line')} cut to stay within ${limit.budget.description}; the whole text is in ${limit.budget.wholeTextIn}._`,
      ''
    );
  }
  lines.push(...codeBlock(text), '', '</details>', '');
  return lines;
}

function plural(count: number, noun: string): string {
  if (count === 0) return '';
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
