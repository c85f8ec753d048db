/**
 * Timing knobs: how long emulated work takes. Tests shrink them to make long-running operations finish at
 * once, or stretch them to prove the action's deadlines. Providers may add their own numeric knobs.
 */
export interface TimingKnobs {
  /** How long a long-running operation stays in progress before it completes. */
  lroDurationMs: number;
  /** Upper bound of the `Retry-After` (seconds) sent while an operation runs; ARM usually says 10-60. */
  retryAfterSeconds: number;
  /** Lifetime of access tokens issued by the Entra-style token endpoint. */
  tokenLifetimeSeconds: number;
  /** Lifetime of GitHub-style OIDC ID tokens; short, so a long job must ask for a fresh one. */
  idTokenLifetimeSeconds: number;
  [knob: string]: number;
}

/** The defaults: an LRO takes about 1.5 s and is polled about once a second. */
export function defaultKnobs(): TimingKnobs {
  return {
    lroDurationMs: 1500,
    retryAfterSeconds: 1,
    tokenLifetimeSeconds: 3600,
    idTokenLifetimeSeconds: 300
  };
}

/**
 * Copies the numeric entries of `update` into `knobs`, refusing anything that is not a finite, non-negative
 * number (knobs arrive as JSON over the control endpoint).
 */
export function applyKnobs(knobs: TimingKnobs, update: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(update)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`Knob '${name}' must be a non-negative number, got ${JSON.stringify(value)}.`);
    }
    knobs[name] = value;
  }
}
