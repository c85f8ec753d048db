/**
 * The shape of a JSON value as a set of property paths: `properties.accessPolicies[].tenantId`. Array indices
 * collapse to `[]` so a list of one and a list of three have the same shape; values are ignored, which puts
 * the placeholders of Microsoft's examples (`"string"`, zero GUIDs) aside.
 */
export function propertyPaths(value: unknown, prefix = ''): Set<string> {
  const paths = new Set<string>();
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, `${path}[]`);
      return;
    }
    if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const childPath = path ? `${path}.${key}` : key;
        paths.add(childPath);
        visit(child, childPath);
      }
    }
  };
  visit(value, prefix);
  return paths;
}

/** Paths of `expected` that `actual` lacks, leaving out those under a map whose keys are names (`tags`). */
export function missingPaths(expected: unknown, actual: unknown, freeFormMaps: string[] = []): string[] {
  const have = propertyPaths(actual);
  const isFreeForm = (path: string): boolean =>
    freeFormMaps.some(map => path.startsWith(`${map}.`) && path !== map);
  return [...propertyPaths(expected)].filter(path => !have.has(path) && !isFreeForm(path)).sort();
}
