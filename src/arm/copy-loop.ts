/** The shapes of ARM's copy loops; evaluator.ts expands them. */
/** ARM caps copy loops at 800 iterations. */
export const MAX_COPY_COUNT = 800;

/** A `copy` element of a variable or property: `{ name, count, input }`. */
export interface CopyArraySpec {
  name: string;
  count: unknown;
  input: unknown;
}

/** True for the array form of `copy` used in variables and properties (not the resource-level object form). */
export function isCopyArray(value: unknown): value is CopyArraySpec[] {
  return (
    Array.isArray(value) &&
    value.every(item => item !== null && typeof item === 'object' && 'name' in item && 'input' in item)
  );
}
