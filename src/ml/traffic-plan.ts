import type { TrafficPolicy } from '../config/ml-config.js';

/** Deployment name → percent of the endpoint's traffic. */
export type TrafficMap = Record<string, number>;

/**
 * The traffic map after `deployment` succeeded. `blue-green` and `all`: it takes everything, the others keep
 * their entries at 0%. A canary takes its percentage; the deployments that served share the rest in
 * proportion to what they had (largest remainders, so the map adds up to 100). With nothing serving before,
 * the new deployment takes everything whatever the policy: there is no one to share with.
 */
export function planTraffic(current: TrafficMap, deployment: string, policy: TrafficPolicy): TrafficMap {
  const others = Object.entries(current).filter(([name]) => name !== deployment);
  const serving = others.filter(([, percent]) => percent > 0);
  const total = serving.reduce((sum, [, percent]) => sum + percent, 0);
  const planned: TrafficMap = Object.fromEntries(others.map(([name]) => [name, 0]));
  if (policy.kind !== 'canary' || total === 0) return { ...planned, [deployment]: 100 };
  const rest = 100 - policy.percent;
  const shares = serving.map(([name, percent]) => {
    const exact = (rest * percent) / total;
    return { name, floor: Math.floor(exact), remainder: exact - Math.floor(exact) };
  });
  let left = rest - shares.reduce((sum, share) => sum + share.floor, 0);
  for (const share of [...shares].sort((a, b) => b.remainder - a.remainder || a.name.localeCompare(b.name))) {
    planned[share.name] = share.floor + (left-- > 0 ? 1 : 0);
  }
  return { ...planned, [deployment]: policy.percent };
}

/** True when two maps send the same share to every deployment (absent and 0% are the same). */
export function sameTraffic(a: TrafficMap, b: TrafficMap): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].every(name => (a[name] ?? 0) === (b[name] ?? 0));
}

/** "blue-1a2b 100%, blue-9f8e 0%". */
export function describeTraffic(map: TrafficMap): string {
  const entries = Object.entries(map).sort(([, a], [, b]) => b - a);
  return entries.length > 0
    ? entries.map(([name, percent]) => `${name} ${percent}%`).join(', ')
    : 'none (no deployment serves)';
}
