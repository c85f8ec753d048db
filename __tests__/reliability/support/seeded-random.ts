/**
 * A small seeded PRNG (mulberry32), so a failing property round can be replayed exactly: the seed is printed,
 * and `RELIABILITY_SEED=<seed>` runs the same rounds again.
 */
export interface SeededRandom {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A random subset (each item kept with probability `p`). */
  subset<T>(items: readonly T[], p?: number): T[];
}

export function seededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  return {
    seed,
    next,
    int,
    chance: p => next() < p,
    pick: items => items[int(0, items.length - 1)]!,
    subset: (items, p = 0.5) => items.filter(() => next() < p)
  };
}

/** `RELIABILITY_SEED` when set (for replay), otherwise a fresh seed from the clock. */
export function suiteSeed(): number {
  const fromEnv = process.env.RELIABILITY_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const seed = Number(fromEnv);
    if (!Number.isInteger(seed) || seed < 0)
      throw new Error(`RELIABILITY_SEED '${fromEnv}' is not a non-negative integer.`);
    return seed;
  }
  return Date.now() % 2 ** 31;
}
