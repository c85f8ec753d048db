import { splitResourceId } from '../azure/resource-id.js';
import type { WhatIfChange } from '@azure/arm-resourcesdeployments';

/** One what-if row, as the summary shows it. */
export interface ChangeRow {
  changeType: string;
  resourceType: string;
  name: string;
  /** Top-level property paths that change (Modify), e.g. `properties.accessPolicies`. */
  changedPaths: string[];
}

export interface ChangeOverview {
  counts: Record<string, number>;
  rows: ChangeRow[];
}

const ORDER = ['Delete', 'Modify', 'Create', 'Deploy', 'Unsupported', 'NoChange', 'Ignore'];

/**
 * Summarises what-if: counts per change type, and rows with Key Vaults first (the resources this action
 * exists to protect), then the most consequential changes.
 */
export function summariseChanges(changes: readonly WhatIfChange[]): ChangeOverview {
  const counts: Record<string, number> = {};
  const rows = changes.map(change => {
    counts[change.changeType] = (counts[change.changeType] ?? 0) + 1;
    const { resourceType, name } = splitResourceId(change.resourceId ?? '');
    return {
      changeType: change.changeType,
      resourceType,
      name,
      changedPaths: (change.delta ?? []).map(d => d.path)
    };
  });
  rows.sort(
    (a, b) =>
      rank(a) - rank(b) || a.resourceType.localeCompare(b.resourceType) || a.name.localeCompare(b.name)
  );
  return { counts, rows };
}

function rank(row: ChangeRow): number {
  const vault = row.resourceType.toLowerCase().startsWith('microsoft.keyvault/vaults') ? 0 : 100;
  const order = ORDER.indexOf(row.changeType);
  return vault + (order < 0 ? ORDER.length : order);
}
