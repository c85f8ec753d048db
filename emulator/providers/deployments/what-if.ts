import { type ArmValue, isUnknown } from '../../../src/arm/index.js';
import { parseResourcePath, resourceGroupId } from '../../arm/resource-id.js';
import type { StoredResource } from '../../arm/resource-store.js';
import { completeModeDeletions } from './complete-mode.js';
import { DeploymentRejected } from './deployment-errors.js';
import type { DeploymentInput, DeploymentPlan } from './deployment-plan.js';
import { DEPLOYMENTS_TYPE } from './deployment-record.js';
import { plan, resourceBody, type RunContext } from './deployment-run.js';
import { nestedDeploymentInput } from './nested-input.js';
import { StoreRuntime } from './store-runtime.js';

/** One entry of a what-if result's `changes`. */
export interface WhatIfChange {
  resourceId: string;
  changeType: 'Create' | 'Delete' | 'Ignore' | 'Deploy' | 'NoChange' | 'Modify';
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  delta?: PropertyChange[];
}

/** One entry of a change's `delta` (or of an Array change's `children`, where `path` is the index). */
export interface PropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array';
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

const IDENTITY_KEYS = ['id', 'name', 'type', 'apiVersion'];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !isUnknown(value);
}

function lookup(object: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(object).find(k => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : object[found];
}

const normalizeLocation = (value: unknown) =>
  typeof value === 'string' ? value.toLowerCase().replace(/\s+/g, '') : value;

/** Longest common subsequence of two arrays by JSON equality: pairs of indices kept unchanged. */
function unchangedPairs(before: unknown[], after: unknown[]): [number, number][] {
  const lengths = before.map(() => new Array<number>(after.length + 1).fill(0));
  lengths.push(new Array<number>(after.length + 1).fill(0));
  for (let i = before.length - 1; i >= 0; i -= 1) {
    for (let j = after.length - 1; j >= 0; j -= 1) {
      lengths[i]![j] = sameJson(before[i], after[j])
        ? lengths[i + 1]![j + 1]! + 1
        : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < before.length && j < after.length;) {
    if (sameJson(before[i], after[j])) pairs.push([i++, j++]);
    else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) i += 1;
    else j += 1;
  }
  return pairs;
}

/**
 * An array that changed, as ARM's what-if shows it: `propertyChangeType: Array` with one child per element
 * that is not kept — `Delete` at its old index with `before`, `Create` at its new index with `after`.
 */
function arrayChange(where: string, before: unknown[], after: unknown[]): PropertyChange {
  const pairs = unchangedPairs(before, after);
  const keptBefore = new Set(pairs.map(([i]) => i));
  const keptAfter = new Set(pairs.map(([, j]) => j));
  const children: PropertyChange[] = [
    ...before.flatMap((value, i) =>
      keptBefore.has(i) ? [] : [{ path: String(i), propertyChangeType: 'Delete' as const, before: value }]
    ),
    ...after.flatMap((value, j) =>
      keptAfter.has(j) ? [] : [{ path: String(j), propertyChangeType: 'Create' as const, after: value }]
    )
  ];
  return { path: where, propertyChangeType: 'Array', children };
}

/**
 * Compares what the template sets with what exists, property by property; properties the template does not
 * set are not compared (ARM shows them as no-effect). A changed array is an `Array` change with a child per
 * element (an `accessPolicies: []` over a vault with policies: one `Delete` per policy). Values unknown
 * before deployment are not compared.
 */
function delta(after: Record<string, unknown>, before: Record<string, unknown>, path = ''): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const [key, value] of Object.entries(after)) {
    const where = path ? `${path}.${key}` : key;
    const old = lookup(before, key);
    if (isUnknown(value) || IDENTITY_KEYS.includes(where)) continue;
    if (old === undefined) changes.push({ path: where, propertyChangeType: 'Create', after: value });
    else if (isPlainObject(value) && isPlainObject(old)) changes.push(...delta(value, old, where));
    else if (Array.isArray(value) && Array.isArray(old)) {
      if (!sameJson(value, old)) changes.push(arrayChange(where, old, value));
    } else if (
      where === 'location' ? normalizeLocation(value) !== normalizeLocation(old) : !sameJson(value, old)
    ) {
      changes.push({ path: where, propertyChangeType: 'Modify', before: old, after: value });
    }
  }
  return changes;
}

function sameJson(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every(k => sameJson(a[k], lookup(b, k)));
  }
  return a === b;
}

/** Unknown values are shown as ARM's what-if shows unevaluated expressions: a bracketed string. */
function shown(value: unknown): unknown {
  if (isUnknown(value)) return `[${value.reason}]`;
  if (Array.isArray(value)) return value.map(shown);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shown(v)]));
  return value;
}

function before(doc: StoredResource, apiVersion: string | undefined): Record<string, unknown> {
  const { id, name, type, location, tags, sku, kind, identity } = doc;
  const properties = { ...doc.properties };
  delete properties.provisioningState;
  const body: Record<string, unknown> = {
    apiVersion,
    id,
    name,
    type,
    location,
    tags,
    sku,
    kind,
    identity,
    properties
  };
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
  return body;
}

function resourceChanges(ctx: RunContext, planned: DeploymentPlan, trackingId: string): WhatIfChange[] {
  const runtime = new StoreRuntime(
    ctx.store,
    planned.input.subscriptionId,
    planned.input.resourceGroup,
    true
  );
  runtime.plan = planned;
  const changes: WhatIfChange[] = [];
  for (const resource of planned.resources.filter(r => r.deploy)) {
    const body = resourceBody(resource, runtime);
    if (resource.type.toLowerCase() === DEPLOYMENTS_TYPE.toLowerCase()) {
      changes.push(...nestedChanges(ctx, planned, resource, body, trackingId));
      continue;
    }
    const { apiVersion } = resource.walked;
    const after = {
      apiVersion,
      id: resource.id,
      name: resource.name.split('/').at(-1),
      type: resource.type,
      ...body
    };
    const existing = ctx.store.get(resource.id);
    if (!existing) {
      changes.push({
        resourceId: resource.id,
        changeType: 'Create',
        after: shown(after) as Record<string, unknown>
      });
      continue;
    }
    const previous = before(existing, apiVersion);
    // ARM lists property changes by path.
    const propertyChanges = delta(after, previous).sort((a, b) => a.path.localeCompare(b.path));
    changes.push({
      resourceId: resource.id,
      changeType: propertyChanges.length > 0 ? 'Modify' : 'NoChange',
      before: previous,
      after: shown(after) as Record<string, unknown>,
      ...(propertyChanges.length > 0 ? { delta: shown(propertyChanges) as PropertyChange[] } : {})
    });
  }
  return changes;
}

function nestedChanges(
  ctx: RunContext,
  parent: DeploymentPlan,
  resource: DeploymentPlan['resources'][number],
  body: Record<string, unknown>,
  trackingId: string
): WhatIfChange[] {
  try {
    return resourceChanges(
      ctx,
      plan(ctx, nestedDeploymentInput(parent, resource, body), trackingId, true),
      trackingId
    );
  } catch (error) {
    // A nested deployment whose inputs are only known at deployment time cannot be expanded.
    if (error instanceof DeploymentRejected) return [{ resourceId: resource.id, changeType: 'Deploy' }];
    throw error;
  }
}

/** Resources of the group the template does not mention: deleted in Complete mode, ignored otherwise. */
function untouched(ctx: RunContext, planned: DeploymentPlan, mentioned: Set<string>): WhatIfChange[] {
  if (planned.input.mode === 'Complete') {
    return completeModeDeletions(ctx, planned)
      .filter(id => !mentioned.has(id.toLowerCase()))
      .map(id => ({
        resourceId: id,
        changeType: 'Delete' as const,
        before: before(ctx.store.get(id)!, undefined)
      }));
  }
  const group = resourceGroupId(planned.input.subscriptionId, planned.input.resourceGroup);
  return ctx.store
    .list({ under: group })
    .filter(doc => parseResourcePath(doc.id)?.types.length === 1)
    .filter(
      doc => doc.type.toLowerCase() !== DEPLOYMENTS_TYPE.toLowerCase() && !mentioned.has(doc.id.toLowerCase())
    )
    .map(doc => ({ resourceId: doc.id, changeType: 'Ignore' as const }));
}

/**
 * ARM's what-if for a resource-group deployment: the template is validated and evaluated against the store
 * (nothing is written) and each resource is Create, Modify (with `delta`), NoChange, or for resources the
 * template does not mention, Delete (Complete mode) or Ignore. Throws DeploymentRejected when invalid.
 */
export function whatIf(ctx: RunContext, input: DeploymentInput, trackingId: string): Record<string, unknown> {
  const planned = plan(ctx, input, trackingId, true);
  const changes = resourceChanges(ctx, planned, trackingId);
  const mentioned = new Set(changes.map(c => c.resourceId.toLowerCase()));
  changes.push(...untouched(ctx, planned, mentioned));
  return { status: 'Succeeded', properties: { changes: changes as unknown as ArmValue } };
}
