import { formatDuration } from '../run/deadline.js';
import { firstSentence, tableCell } from '../run/markdown-text.js';
import type { FailureRecord, StageRecord, StageStatus } from '../stages/run-report.js';

export const STATUS_ICON: Record<StageStatus, string> = { succeeded: '✅', failed: '❌', 'not run': '⏭️' };

/**
 * Stage, status, duration and what was done or reused, one row per stage in run order. A failed stage's row
 * shows the error code and the sentence after it: the whole message is under "What went wrong", and a long
 * cell would squeeze the other columns until "✅ succeeded" wraps.
 */
export function renderStageTable(stages: readonly StageRecord[], failure?: FailureRecord): string[] {
  if (stages.length === 0) return [];
  const widest = (texts: string[]) => Math.max(...texts.map(text => [...text].length));
  const stageHeader = paddedHeader('Stage', widest(stages.map(stage => stage.title)));
  const statusHeader = paddedHeader('Status', widest(stages.map(stage => `${stage.status}xxx`)));
  const lines = [`| ${stageHeader} | ${statusHeader} | Duration | Outcome |`, '| --- | --- | --- | --- |'];
  for (const stage of stages) {
    const duration = stage.status === 'not run' ? '' : formatDuration(stage.durationMs);
    const outcome = stage.status === 'failed' ? failedOutcome(stage.outcome, failure?.code) : stage.outcome;
    lines.push(
      `| ${stage.title} | ${STATUS_ICON[stage.status]} ${stage.status} | ${duration} | ${tableCell(outcome)} |`
    );
  }
  lines.push('');
  return lines;
}

/** `**Code** · what the message says after the code`, or the message's first sentence. */
function failedOutcome(outcome: string, code: string | undefined): string {
  const at = code ? outcome.indexOf(`${code}: `) : -1;
  if (!code || at < 0) return firstSentence(outcome, 90);
  return `**${code}** · ${firstSentence(outcome.slice(at + code.length + 2), 80)}`;
}

/**
 * A header as wide as the column's widest cell, padded with figure spaces (U+2007: non-breaking, about a
 * letter wide). A browser narrows a table's columns down to their longest unbreakable word when the table is
 * wider than the page — a long outcome makes it so — and "✅ succeeded" or "Resource group" then wrap; the
 * header is the one cell that can keep the column wide, since markdown cannot mark a cell as non-wrapping.
 * (The status column is padded for the icon, which is about two letters wide.)
 */
function paddedHeader(label: string, width: number): string {
  const padding = width - label.length;
  // A word joiner ends the padding: markdown renderers trim Unicode spaces at the end of a cell.
  return padding > 0 ? `${label}${'\u2007'.repeat(padding)}\u2060` : label;
}
