/**
 * Keeps a report within the size GitHub accepts, shortening instead of failing. GitHub rejects a step summary
 * over 1 MiB (the whole summary is lost, with an error annotation) and a comment or check-run text over 65,536
 * characters (the API answers 422). A report is built from blocks; when it is too large, evidence (log tails,
 * tracebacks) is cut first, longest first, then whole blocks in order of priority, and a visible note says what
 * was left out.
 */

/** How a report's size is counted: bytes for the summary file, characters for API bodies. */
export type Measure = (text: string) => number;

export const utf8Bytes: Measure = text => Buffer.byteLength(text, 'utf8');
export const characters: Measure = text => text.length;

/** The limit a report must stay within. */
export interface Budget {
  limit: number;
  measure: Measure;
  /** The limit as people say it, for the truncation note: "GitHub's 1 MiB limit for a step summary". */
  description: string;
  /** Where the whole evidence can still be read: "the step log". */
  wholeTextIn: string;
}

/** How much of each piece of evidence a block may show. */
export interface EvidenceLimit {
  /** Each evidence text at most this long (by `measure`); 0: leave evidence out; Infinity: whole. */
  cap: number;
  measure: Measure;
  budget: Budget;
}

/** A part of a report that can be rendered with less evidence, or left out. */
export interface ReportBlock {
  /** Named in the truncation note when left out, e.g. "the what-if table". */
  name: string;
  /** When the report is too large, blocks of lower priority are left out first; {@link ALWAYS_KEPT} never. */
  priority: number;
  render(limit: EvidenceLimit): string[];
}

export const ALWAYS_KEPT = Number.POSITIVE_INFINITY;

/** Evidence shorter than this is left out instead of being cut to a few unreadable characters. */
const MIN_EVIDENCE = 240;
/** Room kept for the truncation note itself (it names at most {@link NAMED_IN_NOTE} parts left out). */
const NOTE_ROOM = 1200;
const NAMED_IN_NOTE = 6;

function noteRoom(limit: number): number {
  return Math.min(NOTE_ROOM, Math.floor(limit / 5));
}

/**
 * Renders the blocks as one markdown text within the budget. The truncation note, when needed, goes right
 * after the first block (the verdict), where it is seen.
 */
export function fitReport(blocks: readonly ReportBlock[], budget: Budget): string {
  const whole = renderBlocks(blocks, Number.POSITIVE_INFINITY, budget);
  if (budget.measure(whole) <= budget.limit) return whole;
  const room = Math.max(0, budget.limit - noteRoom(budget.limit));
  const kept = [...blocks];
  const dropped: string[] = [];
  // Leave out whole blocks, lowest priority first, only while even no evidence at all does not fit.
  while (budget.measure(renderBlocks(kept, 0, budget)) > room) {
    const victim = lowestPriority(kept);
    if (victim === undefined) break;
    dropped.push(kept[victim]!.name);
    kept.splice(victim, 1);
  }
  const cap = largestCap(kept, room, budget);
  const note = truncationNote(budget, cap, dropped);
  const text = renderBlocks(kept, cap, budget, note);
  return budget.measure(text) <= budget.limit ? text : hardCut(text, budget, note);
}

function renderBlocks(blocks: readonly ReportBlock[], cap: number, budget: Budget, note?: string): string {
  const limit: EvidenceLimit = { cap, measure: budget.measure, budget };
  const parts = blocks.map(block => block.render(limit).join('\n'));
  if (note !== undefined) parts.splice(Math.min(1, parts.length), 0, note);
  return parts.filter(part => part !== '').join('\n');
}

function lowestPriority(blocks: readonly ReportBlock[]): number | undefined {
  let found: number | undefined;
  blocks.forEach((block, index) => {
    if (block.priority === ALWAYS_KEPT) return;
    // Among equals the later one goes first: blocks are in reading order, the first ones matter most.
    if (found === undefined || block.priority <= blocks[found]!.priority) found = index;
  });
  return found;
}

/**
 * The largest evidence cap that fits: every evidence longer than it is cut to it, so the longest evidence is
 * shortened first and short evidence stays whole as long as possible.
 */
function largestCap(blocks: readonly ReportBlock[], room: number, budget: Budget): number {
  const size = (cap: number) => budget.measure(renderBlocks(blocks, cap, budget));
  if (size(Number.POSITIVE_INFINITY) <= room) return Number.POSITIVE_INFINITY;
  let low = 0;
  let high = size(Number.POSITIVE_INFINITY);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (size(middle) <= room) low = middle;
    else high = middle - 1;
  }
  return low < MIN_EVIDENCE ? 0 : low;
}

function truncationNote(budget: Budget, cap: number, dropped: readonly string[]): string {
  const cuts: string[] = [];
  if (cap === 0) cuts.push('the evidence (logs, tracebacks) was left out');
  else if (cap !== Number.POSITIVE_INFINITY) cuts.push('the longest evidence was cut to its last lines');
  if (dropped.length > 0) {
    const named = dropped.slice(0, NAMED_IN_NOTE).join(', ');
    const more = dropped.length - NAMED_IN_NOTE;
    cuts.push(`left out: ${named}${more > 0 ? ` and ${more} more` : ''}`);
  }
  const what = cuts.length > 0 ? cuts.join('; ') : 'the text was cut at the end';
  return `> ⚠️ **Shortened** to stay within ${budget.description}: ${what}. The whole text is in ${budget.wholeTextIn}.\n`;
}

/**
 * The last resort, when even the blocks that are always kept are too large (a failure message of megabytes):
 * cut at a line, close an open code block and `<details>`, and say so.
 */
function hardCut(text: string, budget: Budget, note: string): string {
  const room = Math.max(0, budget.limit - noteRoom(budget.limit));
  let end = Math.min(text.length, room);
  while (end > 0 && budget.measure(text.slice(0, end)) > room) end = Math.floor(end * 0.9);
  let kept = text.slice(0, end);
  const lastLine = kept.lastIndexOf('\n');
  if (lastLine > 0) kept = kept.slice(0, lastLine);
  const closing: string[] = [];
  const fences = kept.match(/^(`{3,})/gm) ?? [];
  if (fences.length % 2 === 1) closing.push(fences[fences.length - 1]!);
  const openDetails = (kept.match(/<details>/g) ?? []).length - (kept.match(/<\/details>/g) ?? []).length;
  for (let i = 0; i < openDetails; i++) closing.push('', '</details>');
  const cutNote = note.includes('cut at the end')
    ? note
    : `${note.trimEnd()} The text was also cut at the end.`;
  return [kept, ...closing, '', cutNote].join('\n');
}

/**
 * The end of `text` within `cap` (by `measure`): whole lines from the end, since the last lines of a log
 * are the ones that say what failed. Returns how many lines were cut.
 */
export function tailWithin(text: string, cap: number, measure: Measure): { text: string; cutLines: number } {
  if (measure(text) <= cap) return { text, cutLines: 0 };
  const lines = text.replace(/\s+$/, '').split('\n');
  const kept: string[] = [];
  let used = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const size = measure(lines[i]!) + 1;
    if (used + size > cap) {
      // Not even the last line fits whole: keep its end.
      if (kept.length === 0) return { text: endOfLine(lines[i]!, cap, measure), cutLines: i };
      return { text: kept.join('\n'), cutLines: i + 1 };
    }
    kept.unshift(lines[i]!);
    used += size;
  }
  return { text: kept.join('\n'), cutLines: 0 };
}

function endOfLine(line: string, cap: number, measure: Measure): string {
  let keep = Math.min(line.length, cap);
  while (keep > 0 && measure(`…${line.slice(line.length - keep)}`) > cap) keep = Math.floor(keep * 0.9);
  return `…${line.slice(line.length - keep)}`;
}
