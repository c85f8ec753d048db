/**
 * Whether a scoring answer contains what `expected-response` says: every property of an expected object must
 * be present with a matching value (other properties may be there too), arrays match element by element and
 * must have the same length, numbers are equal within a relative 1e-6 (a model's floats are printed by Python's
 * json module, not by the author of the expected file), everything else is equal.
 *
 * Returns undefined when `actual` matches, otherwise where and how it differs, e.g.
 * `at $.predictions[0]: expected 2.5, got 3.5`.
 */
export function findMismatch(expected: unknown, actual: unknown, path = '$'): string | undefined {
  if (Array.isArray(expected)) return arrayMismatch(expected, actual, path);
  if (isObject(expected)) return objectMismatch(expected, actual, path);
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = 1e-6 * Math.max(1, Math.abs(expected));
    return Math.abs(expected - actual) <= tolerance ? undefined : differs(path, expected, actual);
  }
  return expected === actual ? undefined : differs(path, expected, actual);
}

function arrayMismatch(expected: unknown[], actual: unknown, path: string): string | undefined {
  if (!Array.isArray(actual)) return differs(path, expected, actual, 'an array');
  if (actual.length !== expected.length)
    return `at ${path}: expected ${expected.length} item(s), got ${actual.length}`;
  for (const [index, item] of expected.entries()) {
    const mismatch = findMismatch(item, actual[index], `${path}[${index}]`);
    if (mismatch) return mismatch;
  }
  return undefined;
}

function objectMismatch(
  expected: Record<string, unknown>,
  actual: unknown,
  path: string
): string | undefined {
  if (!isObject(actual)) return differs(path, expected, actual, 'an object');
  for (const [key, value] of Object.entries(expected)) {
    const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    if (!Object.hasOwn(actual, key)) return `at ${childPath}: expected ${preview(value)}, but it is missing`;
    const mismatch = findMismatch(value, actual[key], childPath);
    if (mismatch) return mismatch;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function differs(path: string, expected: unknown, actual: unknown, shape?: string): string {
  return `at ${path}: expected ${shape ?? preview(expected)}, got ${preview(actual)}`;
}

/** A value as JSON, cut to keep messages one line. */
export function preview(value: unknown, limit = 80): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
