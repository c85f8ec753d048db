/** p50, p95 and max of a set of latencies, in whole milliseconds (rounded up, so a budget is never flattered). */
export interface LatencyStats {
  p50: number;
  p95: number;
  max: number;
}

/**
 * The nearest-rank percentile: the smallest value with at least `fraction` of the values at or below it. With
 * few samples (the gate sends a handful) interpolation would invent values nobody measured.
 */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of no values');
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** Stats of `latencies` (ms), or undefined when there are none. */
export function latencyStats(latencies: readonly number[]): LatencyStats | undefined {
  if (latencies.length === 0) return undefined;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: Math.ceil(percentile(sorted, 0.5)),
    p95: Math.ceil(percentile(sorted, 0.95)),
    max: Math.ceil(sorted[sorted.length - 1]!)
  };
}
