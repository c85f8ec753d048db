import { deploymentErrors } from './deployment-errors.js';
import type { PlannedResource } from './deployment-plan.js';

/**
 * Every way a template's dependsOn may name a resource: its id, its name, `type/name`, its symbolic name
 * (languageVersion 2.0) or the name of its copy loop (all instances).
 */
function referenceIndex(resources: PlannedResource[]): Map<string, PlannedResource[]> {
  const index = new Map<string, PlannedResource[]>();
  const add = (key: string, resource: PlannedResource) => {
    const lower = key.toLowerCase();
    const list = index.get(lower) ?? [];
    if (!list.includes(resource)) list.push(resource);
    index.set(lower, list);
  };
  for (const resource of resources) {
    add(resource.id, resource);
    add(resource.name, resource);
    add(`${resource.type}/${resource.name}`, resource);
    const key = resource.walked.jsonPath.at(-1);
    if (typeof key === 'string') add(key, resource);
    if (resource.walked.copy) add(resource.walked.copy.name, resource);
  }
  return index;
}

function resolveDependencies(
  resource: PlannedResource,
  index: Map<string, PlannedResource[]>
): PlannedResource[] {
  const found: PlannedResource[] = [];
  for (const entry of resource.walked.dependsOn) {
    if (typeof entry !== 'string') {
      throw deploymentErrors.resource(
        resource.name,
        resource.walked.source,
        'a dependsOn entry is not a string'
      );
    }
    const matches = index.get(entry.toLowerCase());
    if (!matches) throw deploymentErrors.notDefined(entry);
    found.push(...matches.filter(m => m !== resource));
  }
  return found;
}

/**
 * Orders resources so each comes after what it depends on (template order otherwise), and fills in
 * `dependsOn` with the ids of deployed dependencies only: ARM drops edges to resources whose condition is
 * false. A cycle is ARM's `InvalidTemplate` "Circular dependency".
 */
export function orderResources(resources: PlannedResource[]): PlannedResource[] {
  const index = referenceIndex(resources);
  const edges = new Map(resources.map(r => [r, resolveDependencies(r, index)] as const));
  const ordered: PlannedResource[] = [];
  const state = new Map<PlannedResource, 'visiting' | 'done'>();
  const visit = (resource: PlannedResource, path: PlannedResource[]) => {
    if (state.get(resource) === 'done') return;
    if (state.get(resource) === 'visiting') {
      const cycle = path.slice(path.indexOf(resource));
      throw deploymentErrors.circular(cycle.map(r => r.id));
    }
    state.set(resource, 'visiting');
    for (const dependency of edges.get(resource)!) visit(dependency, [...path, resource]);
    state.set(resource, 'done');
    ordered.push(resource);
  };
  for (const resource of resources) visit(resource, []);
  for (const resource of ordered) {
    const ids = edges
      .get(resource)!
      .filter(d => d.deploy)
      .map(d => d.id.toLowerCase());
    resource.dependsOn = [...new Set(ids)];
  }
  return ordered;
}
