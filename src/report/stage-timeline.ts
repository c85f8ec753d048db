import { formatDuration } from '../run/deadline.js';
import { codeBlock } from '../run/markdown-text.js';
import type { StageRecord } from '../stages/run-report.js';

/**
 * A picture of where the run's time went, one bar per stage on a shared time axis.
 *
 * Why bars of Unicode block characters in a code block: GitHub sanitises job summaries and comments (no SVG,
 * no `data:` images, no `style` attributes), so the picture must be text. A mermaid `gantt` block does render
 * in summaries, but it needs calendar times, draws a stage of a few milliseconds as nothing beside one of
 * minutes, and shows as raw code wherever mermaid is not run (e-mail notifications, the check-run API, the
 * log, our own rendering check in scripts/render-summaries.sh). Block characters in monospace render the same
 * in all of them; eighth blocks (▏▎▍▌▋▊▉█) give each bar a length to 1/8 of a column.
 */
export function renderTimeline(stages: readonly StageRecord[]): string[] {
  const ran = stages.filter(stage => stage.status !== 'not run');
  if (ran.length < 2) return [];
  const total = ran.reduce((sum, stage) => sum + stage.durationMs, 0);
  if (total <= 0) return [];
  const titleWidth = Math.max(...stages.map(stage => stage.title.length));
  const durations = stages.map(stage =>
    stage.status === 'not run' ? 'not run' : formatDuration(stage.durationMs)
  );
  const durationWidth = Math.max(...durations.map(text => text.length));
  const rows: string[] = [];
  let elapsed = 0;
  stages.forEach((stage, index) => {
    const bar = stage.status === 'not run' ? '' : timelineBar(elapsed, stage.durationMs, total);
    if (stage.status !== 'not run') elapsed += stage.durationMs;
    const mark = stage.status === 'failed' ? '  ✗ failed' : '';
    rows.push(
      `${stage.title.padEnd(titleWidth)}  ${bar.padEnd(WIDTH)}  ${durations[index]!.padStart(durationWidth)}${mark}`
    );
  });
  const end = formatDuration(total);
  rows.push(`${' '.repeat(titleWidth)}  0${end.padStart(WIDTH - 1)}`);
  return [
    `**Timeline** (stages one after another, ${WIDTH} columns = ${end})`,
    '',
    ...codeBlock(rows.join('\n')),
    ''
  ];
}

/** Columns of the time axis. */
const WIDTH = 40;
/** Left-aligned eighth blocks, 1/8 to 8/8 of a column. */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉', '█'];

/**
 * One bar: spaces up to the column the stage started in, then its length in eighths of a column. A stage that
 * took any time at all gets at least one eighth, so that it is visible.
 */
export function timelineBar(startMs: number, durationMs: number, totalMs: number): string {
  const unitsPerMs = (WIDTH * 8) / totalMs;
  const startColumn = Math.min(WIDTH - 1, Math.floor((startMs * unitsPerMs) / 8));
  const endUnits = Math.round((startMs + durationMs) * unitsPerMs);
  const length = Math.min((WIDTH - startColumn) * 8, Math.max(1, endUnits - startColumn * 8));
  return ' '.repeat(startColumn) + '█'.repeat(Math.floor(length / 8)) + EIGHTHS[length % 8];
}
