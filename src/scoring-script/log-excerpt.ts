/** How many lines of a log a finding shows: enough for a traceback or a failing build step. */
export const EXCERPT_LINES = 40;

/** Lines of a log, without the trailing empty line a final newline leaves. */
export function logLines(text: string): string[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The last `count` lines of `text`, with a note of how many were left out. */
export function tail(text: string, count = EXCERPT_LINES): string {
  const lines = logLines(text);
  if (lines.length <= count) return safeForFence(lines.join('\n'));
  const omitted = lines.length - count;
  return safeForFence([`… ${omitted} earlier line(s) left out …`, ...lines.slice(-count)].join('\n'));
}

/**
 * The last `count` lines, with the lines matching `pattern` marked `>>` so the failing step stands out
 * in a long build log; the window is moved back to include the first marked line when it would miss it.
 */
export function highlightedTail(text: string, pattern: RegExp, count = EXCERPT_LINES): string {
  const lines = logLines(text);
  const firstHit = lines.findIndex(line => pattern.test(line));
  let start = Math.max(0, lines.length - count);
  if (firstHit >= 0 && firstHit < start) start = Math.max(0, firstHit - 3);
  // Moving back may show more than `count` lines; a bounded overshoot keeps the failing step and its end.
  const shown = lines
    .slice(start, start + count + 20)
    .map(line => (pattern.test(line) ? `>> ${line}` : `   ${line}`));
  const prefix = start > 0 ? [`… ${start} earlier line(s) left out …`] : [];
  return safeForFence([...prefix, ...shown].join('\n'));
}

/** Evidence is shown inside a ``` fence in the summary: a fence in the text itself would end it early. */
export function safeForFence(text: string): string {
  return text.replace(/```/g, "'''");
}
