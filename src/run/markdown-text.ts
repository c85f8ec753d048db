/**
 * Small pieces of GitHub-flavoured markdown that user text (Azure messages, log lines, file names) is put
 * into safely: a `|` must not end a table cell, a log line with backticks must not end its code block, and
 * text inside `<summary>` is HTML, not markdown.
 */

/** Text for one table cell: pipes escaped, line breaks folded. */
export function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Text inside an HTML element such as `<summary>`, where markdown is not rendered. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A fenced code block that the text cannot close early: the fence is one backtick longer than the longest
 * run of backticks in the text (a Python f-string or a markdown log line may contain ```).
 */
export function codeBlock(text: string, language = 'text'): string[] {
  const longestRun = Math.max(2, ...[...text.matchAll(/`+/g)].map(match => match[0].length));
  const fence = '`'.repeat(longestRun + 1);
  return [`${fence}${language}`, text.replace(/\s+$/, ''), fence];
}

/** Inline code that survives backticks in the text. */
export function inlineCode(text: string): string {
  const longestRun = Math.max(0, ...[...text.matchAll(/`+/g)].map(match => match[0].length));
  const ticks = '`'.repeat(longestRun + 1);
  const pad = longestRun > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** `file:line` as inline code, linked to the file at the run's commit when a link is known. */
export function fileReference(file: string, line: number | undefined, url: string | undefined): string {
  const label = inlineCode(line ? `${file}:${line}` : file);
  return url ? `[${label}](${url})` : label;
}

/** The first sentence (or line) of a message, at most `max` characters: for table cells and titles. */
export function firstSentence(text: string, max = 160): string {
  const line = text.split('\n', 1)[0] ?? '';
  const sentence = /^(.+?[.!?])(\s|$)/.exec(line)?.[1] ?? line;
  if (sentence.length <= max) return sentence;
  // Cut at a word, not inside one ("cras…").
  const cut = sentence.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}
