import type { ArmRequest, ProviderContext } from '../../arm/provider.js';
import { resourceGroupId, type ResourcePath } from '../../arm/resource-id.js';
import type { HttpResult } from '../../http-result.js';
import type { StoredResource } from '../../arm/resource-store.js';
import type { WorkspaceStorage } from './blob-storage.js';
import type { DeploymentRuntime } from './deployment-runtime.js';
import type { MlOperations } from './ml-operations.js';
import type { ScoringServer } from './scoring-server.js';

export const ML_NAMESPACE = 'Microsoft.MachineLearningServices';

/** Numeric knobs of the ML provider (set on `emu.knobs`); the defaults are in {@link ML_KNOBS}. */
export const ML_KNOBS = {
  /** How long an image build takes (only environments with a conda file are built). */
  mlImageBuildMs: 300,
  /** How long a crashing container is restarted before the deployment fails. */
  mlCrashLoopWindowMs: 10_000,
  /** The first restart back-off; it doubles after each crash, as Kubernetes' does. */
  mlCrashLoopBackoffMs: 250,
  /** How long import + init() may take in one container start. */
  mlContainerStartTimeoutMs: 60_000
};

/** Reads one ML knob, falling back to its default. */
export function mlKnob(ctx: ProviderContext, name: keyof typeof ML_KNOBS): number {
  const value = ctx.knobs[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : ML_KNOBS[name];
}

/** What the provider's handlers share. */
export interface MlState {
  operations: MlOperations;
  storage(ctx: ProviderContext): WorkspaceStorage;
  runtime: DeploymentRuntime;
  scoring: ScoringServer;
  /** Conda/pip package names the emulated image build cannot find. */
  unavailablePackages: Set<string>;
}

/** One request, as the ML handlers see it. */
export interface MlRequest {
  req: ArmRequest;
  ctx: ProviderContext;
  state: MlState;
  resource: ResourcePath;
  /** The workspace's resource id. */
  workspaceId: string;
}

/** The resource id of a workspace-child path: workspace id + `/type/name…`. */
export function childId(workspaceId: string, ...segments: string[]): string {
  return [workspaceId, ...segments].join('/');
}

export function workspaceIdOf(resource: ResourcePath): string {
  const group = resourceGroupId(resource.subscriptionId, resource.resourceGroup);
  return `${group}/providers/${ML_NAMESPACE}/workspaces/${resource.names[0] ?? ''}`;
}

/** systemData as the service reports it: created by the caller of the first PUT. */
export function systemData(req: ArmRequest, previous?: StoredResource): Record<string, unknown> {
  const now = new Date().toISOString();
  const by = String(req.claims.appid ?? req.claims.oid ?? 'unknown');
  const created = (previous?.systemData as Record<string, unknown> | undefined) ?? {
    createdAt: now,
    createdBy: by,
    createdByType: 'Application'
  };
  return { ...created, lastModifiedAt: now, lastModifiedBy: by, lastModifiedByType: 'Application' };
}

/** The request body as an object, or undefined when it is not one. */
export function bodyObject(req: ArmRequest): Record<string, unknown> | undefined {
  const body = req.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

export function propertiesOf(body: Record<string, unknown> | undefined): Record<string, unknown> {
  const properties = body?.properties;
  return properties !== null && typeof properties === 'object' && !Array.isArray(properties)
    ? { ...(properties as Record<string, unknown>) }
    : {};
}

/** A 200 list answer in the ARM shape. */
export function listResult(value: unknown[]): HttpResult {
  return { status: 200, body: { value } };
}
