/**
 * A value that cannot be known before deployment (reference(), listKeys(), utcNow(), …).
 * It propagates through every function so callers can tell a resolved value from a guess.
 */
export class Unknown {
  /** Why the value is unknowable, e.g. "utcNow() changes on every deployment". */
  readonly reasons: readonly string[];

  constructor(reasons: readonly string[]) {
    this.reasons = [...new Set(reasons)];
  }

  /** All reasons joined for messages. */
  get reason(): string {
    return this.reasons.join('; ');
  }

  toString(): string {
    return `<unknown: ${this.reason}>`;
  }
}

/** Creates an Unknown carrying one reason. */
export function unknown(reason: string): Unknown {
  return new Unknown([reason]);
}

/** True when `value` is an Unknown (only at the top level; see findUnknowns for nested ones). */
export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** Collects every Unknown in `value`, descending into arrays and objects. */
export function findUnknowns(value: unknown, found: Unknown[] = []): Unknown[] {
  if (value instanceof Unknown) found.push(value);
  else if (Array.isArray(value)) for (const item of value) findUnknowns(item, found);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) findUnknowns(item, found);
  return found;
}

/** Merges several Unknowns into one that keeps all their reasons. */
export function mergeUnknowns(unknowns: readonly Unknown[]): Unknown {
  return new Unknown(unknowns.flatMap(u => u.reasons));
}
