import { createHash, randomBytes } from 'node:crypto';
import type { ArmValue } from '../../../src/arm/index.js';
import type { ArmErrorDetail } from '../../http-result.js';
import { resourceGroupId } from '../../arm/resource-id.js';
import type { ResourceStore, StoredResource } from '../../arm/resource-store.js';
import type { DeploymentPlan } from './deployment-plan.js';

export const DEPLOYMENTS_TYPE = 'Microsoft.Resources/deployments';

/** One entry of `GET …/deployments/{name}/operations`. */
export interface DeploymentOperation {
  id: string;
  operationId: string;
  properties: {
    provisioningOperation: 'Create' | 'Delete';
    provisioningState: 'Running' | 'Succeeded' | 'Failed';
    timestamp: string;
    duration: string;
    trackingId: string;
    serviceRequestId: string;
    statusCode: string;
    statusMessage?: { status: string; error?: ArmErrorDetail };
    targetResource: { id: string; resourceType: string; resourceName: string; apiVersion?: string };
  };
}

/** What the stand-in keeps beside the deployment document and never shows. */
export interface DeploymentBookkeeping {
  runId: string;
  startedAtMs: number;
  operations: DeploymentOperation[];
  /** The template as sent, for exportTemplate. */
  template: unknown;
}

const BOOKKEEPING = 'emulatorDeployment';

/** The id ARM gives a resource-group deployment. */
export function deploymentId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${DEPLOYMENTS_TYPE}/${name}`;
}

/** ISO 8601 duration as ARM writes it, e.g. `PT1.2345S`. */
export function isoDuration(ms: number): string {
  return `PT${(Math.max(0, ms) / 1000).toFixed(7).replace(/\.?0+$/, '')}S`;
}

/** ARM's templateHash: a 64-bit number as a decimal string, stable for the same template. */
function templateHash(template: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(template)).digest();
  return digest.readBigUInt64BE(0).toString();
}

const ARM_TYPES: Record<string, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  bool: 'Bool',
  object: 'Object',
  secureobject: 'SecureObject',
  array: 'Array'
};

/** `{ name: { type, value } }` as ARM echoes parameters and outputs; secure values are never shown. */
export function typedValues(
  declared: Record<string, { type?: unknown }>,
  values: Record<string, ArmValue>
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(declared)) {
    if (!(name in values)) continue;
    const type = ARM_TYPES[String(definition.type ?? '').toLowerCase()] ?? String(definition.type);
    out[name] = type.startsWith('Secure') ? { type } : { type, value: values[name] };
  }
  return out;
}

function providersOf(plan: DeploymentPlan): unknown[] {
  const byNamespace = new Map<string, Map<string, Set<string>>>();
  for (const resource of plan.resources.filter(r => r.deploy)) {
    const [namespace, ...types] = resource.type.split('/');
    const location = resource.walked.location;
    const types_ = byNamespace.get(namespace!) ?? new Map<string, Set<string>>();
    const locations = types_.get(types.join('/')) ?? new Set<string>();
    if (typeof location === 'string') locations.add(location.toLowerCase().replace(/\s+/g, ''));
    types_.set(types.join('/'), locations);
    byNamespace.set(namespace!, types_);
  }
  return [...byNamespace].map(([namespace, types]) => ({
    namespace,
    resourceTypes: [...types].map(([resourceType, locations]) => ({
      resourceType,
      locations: [...locations]
    }))
  }));
}

function dependenciesOf(plan: DeploymentPlan): unknown[] {
  const byId = new Map(plan.resources.map(r => [r.id.toLowerCase(), r]));
  const describe = (id: string) => {
    const resource = byId.get(id)!;
    return { id: resource.id, resourceType: resource.type, resourceName: resource.name };
  };
  return plan.resources
    .filter(r => r.deploy && r.dependsOn.length > 0)
    .map(r => ({ dependsOn: r.dependsOn.map(describe), ...describe(r.id.toLowerCase()) }));
}

/** The deployment document in `Accepted`, with the same properties validate answers. */
export function acceptedDeployment(plan: DeploymentPlan, correlationId: string): Partial<StoredResource> {
  return {
    ...(plan.input.tags ? { tags: plan.input.tags } : {}),
    properties: {
      templateHash: templateHash(plan.input.template),
      parameters: typedValues(plan.template.json.parameters ?? {}, plan.parameters),
      mode: plan.input.mode,
      provisioningState: 'Accepted',
      timestamp: new Date().toISOString(),
      duration: 'PT0S',
      correlationId,
      providers: providersOf(plan),
      dependencies: dependenciesOf(plan)
    }
  };
}

/** Stores a new run of a deployment, replacing the previous one (ARM keeps one record per name). */
export function storeDeployment(
  store: ResourceStore,
  id: string,
  document: Partial<StoredResource>,
  template: unknown
): string {
  const runId = randomBytes(8).toString('hex').toUpperCase();
  const bookkeeping: DeploymentBookkeeping = { runId, startedAtMs: Date.now(), operations: [], template };
  store.put(id, { ...document, [BOOKKEEPING]: bookkeeping });
  return runId;
}

/** The bookkeeping of a stored deployment. */
export function bookkeeping(document: StoredResource): DeploymentBookkeeping {
  return document[BOOKKEEPING] as DeploymentBookkeeping;
}

/** Changes a stored deployment; the run's bookkeeping is passed along. */
export function updateDeployment(
  store: ResourceStore,
  id: string,
  change: (properties: Record<string, unknown>, kept: DeploymentBookkeeping) => void
): void {
  store.update(id, doc => {
    const properties = { ...doc.properties };
    change(properties, doc[BOOKKEEPING] as DeploymentBookkeeping);
    doc.properties = properties;
  });
}

/** A deployment as GET answers it. */
export function presentDeployment(document: StoredResource): Record<string, unknown> {
  const { id, name, type, tags, properties } = document;
  return { id, name, type, ...(tags ? { tags } : {}), properties };
}

/** A new operation id: ARM's are 16 upper-case hex digits. */
export function newOperationId(): string {
  return randomBytes(8).toString('hex').toUpperCase();
}
