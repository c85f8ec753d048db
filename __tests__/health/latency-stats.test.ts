import { describe, expect, it } from '@jest/globals';
import { latencyStats, percentile } from '../../src/health/latency-stats.js';

describe('latency stats', () => {
  it('takes the nearest-rank percentile: a value that was measured, never an interpolation', () => {
    const sorted = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(sorted, 0.5)).toBe(50);
    expect(percentile(sorted, 0.95)).toBe(100);
    expect(percentile(sorted, 0.9)).toBe(90);
    expect(percentile([7], 0.95)).toBe(7);
  });

  it('reports p50, p95 and max of unsorted latencies, rounded up to whole milliseconds', () => {
    expect(latencyStats([12.2, 230.5, 11.9, 15, 14])).toEqual({ p50: 14, p95: 231, max: 231 });
  });

  it('has no figures without latencies', () => {
    expect(latencyStats([])).toBeUndefined();
    expect(() => percentile([], 0.5)).toThrow(RangeError);
  });

  it('with twenty answers, p95 is the 19th slowest, not the slowest', () => {
    const latencies = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(latencyStats(latencies)).toEqual({ p50: 10, p95: 19, max: 20 });
  });
});
