import type { EndpointKind } from '../ml-specs.js';

/** What an `az ml` YAML file describes, according to its `$schema`. */
export interface SchemaKind {
  resource: 'endpoint' | 'deployment';
  kind: EndpointKind;
}

const SCHEMA_NAMES: Record<string, SchemaKind> = {
  managedonlineendpoint: { resource: 'endpoint', kind: 'managed' },
  kubernetesonlineendpoint: { resource: 'endpoint', kind: 'kubernetes' },
  managedonlinedeployment: { resource: 'deployment', kind: 'managed' },
  kubernetesonlinedeployment: { resource: 'deployment', kind: 'kubernetes' }
};

/** The schema names this action reads, for messages. */
export const KNOWN_SCHEMA_NAMES = [
  'managedOnlineEndpoint',
  'kubernetesOnlineEndpoint',
  'managedOnlineDeployment',
  'kubernetesOnlineDeployment'
] as const;

/**
 * Recognises the schema URLs `az ml` files carry, e.g.
 * `https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json` (also a dated folder
 * instead of `latest`, http, or a bare `managedOnlineDeployment.schema.json`). Undefined when the schema is
 * not an online endpoint or deployment schema.
 */
export function recogniseSchema(url: string): SchemaKind | undefined {
  const last = url.trim().split(/[/\\]/).pop() ?? '';
  const match = /^([A-Za-z]+)\.schema\.json$/.exec(last);
  if (!match) return undefined;
  return SCHEMA_NAMES[match[1]!.toLowerCase()];
}
