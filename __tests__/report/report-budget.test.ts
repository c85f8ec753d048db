import { describe, expect, it } from '@jest/globals';
import {
  ALWAYS_KEPT,
  characters,
  fitReport,
  tailWithin,
  utf8Bytes,
  type Budget,
  type ReportBlock
} from '../../src/report/report-budget.js';
import { timelineBar } from '../../src/report/stage-timeline.js';

const budget = (limit: number): Budget => ({
  limit,
  measure: characters,
  description: 'the test limit',
  wholeTextIn: 'the log'
});

const block = (name: string, priority: number, text: string): ReportBlock => ({
  name,
  priority,
  render: () => [text]
});

describe('report budget', () => {
  it('keeps the last lines of a text that is too long, and says how many were cut', () => {
    const text = ['one', 'two', 'three', 'four'].join('\n');
    expect(tailWithin(text, 11, characters)).toEqual({ text: 'three\nfour', cutLines: 2 });
    expect(tailWithin(text, 100, characters)).toEqual({ text, cutLines: 0 });
  });

  it('keeps the end of a single line longer than the cap, counted in bytes', () => {
    const line = `${'é'.repeat(50)}END`;
    const { text, cutLines } = tailWithin(line, 20, utf8Bytes);
    expect(cutLines).toBe(0);
    expect(text.endsWith('END')).toBe(true);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(20);
  });

  it('returns a report within its limit unchanged', () => {
    const blocks = [block('verdict', ALWAYS_KEPT, 'ok'), block('table', 10, 'rows')];
    expect(fitReport(blocks, budget(100))).toBe('ok\nrows');
  });

  it('leaves out the lowest priority first and names it in a note after the first block', () => {
    const blocks = [
      block('the verdict', ALWAYS_KEPT, 'VERDICT'),
      block('the findings', 60, 'F'.repeat(300)),
      block('the what-if table', 20, 'W'.repeat(300)),
      block('the timeline', 10, 'T'.repeat(300))
    ];
    const text = fitReport(blocks, budget(700));
    expect(text.length).toBeLessThanOrEqual(700);
    expect(text.split('\n')[0]).toBe('VERDICT');
    expect(text).toContain('left out: the timeline, the what-if table.');
    expect(text).toContain('F'.repeat(300));
  });

  it('draws a bar from the column its stage started in, at least an eighth of a column long', () => {
    expect(timelineBar(0, 1000, 1000)).toBe('█'.repeat(40));
    expect(timelineBar(500, 500, 1000)).toBe(' '.repeat(20) + '█'.repeat(20));
    expect(timelineBar(0, 1, 10_000)).toBe('▏');
    expect(timelineBar(0, 1000 / 16, 1000)).toBe('██▌');
  });
});
