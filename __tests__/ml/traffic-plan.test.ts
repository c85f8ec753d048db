import { describe, expect, it } from '@jest/globals';
import { planTraffic, sameTraffic } from '../../src/ml/traffic-plan.js';

describe('planTraffic', () => {
  it('blue-green: the new deployment takes everything, the others stay listed at 0%', () => {
    expect(planTraffic({ blue: 100 }, 'green', { kind: 'blue-green' })).toEqual({ blue: 0, green: 100 });
    expect(planTraffic({ blue: 60, old: 40 }, 'green', { kind: 'all' })).toEqual({
      blue: 0,
      old: 0,
      green: 100
    });
  });

  it('a canary takes its share; the serving deployments keep the rest in proportion, adding up to 100', () => {
    expect(planTraffic({ blue: 100 }, 'green', { kind: 'canary', percent: 10 })).toEqual({
      blue: 90,
      green: 10
    });
    const split = planTraffic({ a: 50, b: 25, c: 25, idle: 0 }, 'new', { kind: 'canary', percent: 33 });
    expect(split).toEqual({ a: 33, b: 17, c: 17, idle: 0, new: 33 });
    expect(Object.values(split).reduce((sum, n) => sum + n, 0)).toBe(100);
  });

  it('with nothing serving, a canary takes everything: there is no one to share with', () => {
    expect(planTraffic({}, 'green', { kind: 'canary', percent: 10 })).toEqual({ green: 100 });
    expect(planTraffic({ blue: 0 }, 'green', { kind: 'canary', percent: 10 })).toEqual({
      blue: 0,
      green: 100
    });
  });

  it('is stable: planning again from its own result changes nothing (a re-run writes nothing)', () => {
    for (const policy of [{ kind: 'blue-green' } as const, { kind: 'canary', percent: 30 } as const]) {
      const once = planTraffic({ blue: 100 }, 'green', policy);
      expect(sameTraffic(planTraffic(once, 'green', policy), once)).toBe(true);
    }
  });

  it('treats an absent deployment and 0% as the same', () => {
    expect(sameTraffic({ a: 100, b: 0 }, { a: 100 })).toBe(true);
    expect(sameTraffic({ a: 100 }, { b: 100 })).toBe(false);
  });
});
