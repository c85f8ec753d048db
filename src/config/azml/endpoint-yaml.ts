import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { EndpointKind, EndpointSpec, IdentitySpec } from '../ml-specs.js';
import { checkOnlineName } from './online-names.js';
import { describeNode, type MappingReader } from './yaml-fields.js';

const ENDPOINT_FIELDS = [
  '$schema',
  'name',
  'description',
  'tags',
  'auth_mode',
  'compute',
  'identity',
  'traffic',
  'public_network_access'
] as const;

const IDENTITY_TYPES = ['system_assigned', 'user_assigned', 'system_assigned,user_assigned', 'none'] as const;

/** Reads the fields of an online endpoint file. */
export function readEndpointFields(reader: MappingReader, kind: EndpointKind): EndpointSpec {
  reader.allowOnly(ENDPOINT_FIELDS);
  const name = reader.string('name');
  if (name !== undefined) {
    const problem = checkOnlineName('endpoint', name);
    if (problem) reader.source.report(reader.node('name'), problem);
  }
  const compute = readCompute(reader, kind);
  const description = reader.string('description');
  const identity = readIdentity(reader);
  const traffic = readTraffic(reader);
  const publicNetworkAccess = reader.choice('public_network_access', ['enabled', 'disabled'] as const);
  return {
    kind,
    authMode: reader.choice('auth_mode', ['key', 'aml_token'] as const) ?? 'key',
    tags: reader.stringMap('tags') ?? {},
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(compute !== undefined ? { compute } : {}),
    ...(identity ? { identity } : {}),
    ...(traffic ? { traffic } : {}),
    ...(publicNetworkAccess ? { publicNetworkAccess } : {})
  };
}

/** `compute: azureml:k8s-compute` (or the bare name): the attached Kubernetes compute. */
function readCompute(reader: MappingReader, kind: EndpointKind): string | undefined {
  const compute = reader.string('compute');
  if (compute === undefined) return undefined;
  if (kind === 'managed') {
    reader.source.report(
      reader.keyNode('compute'),
      "'compute' applies only to Kubernetes online endpoints, but this is a managed online endpoint.",
      'Remove it, or use the kubernetesOnlineEndpoint schema.'
    );
    return undefined;
  }
  return compute.replace(/^azureml:/i, '');
}

function readIdentity(reader: MappingReader): IdentitySpec | undefined {
  const identity = reader.mapping('identity');
  if (!identity) return undefined;
  identity.allowOnly(['type', 'user_assigned_identities']);
  const type = identity.choice('type', IDENTITY_TYPES);
  const list = identity.node('user_assigned_identities');
  const ids: string[] = [];
  if (list !== undefined) {
    if (!isSeq(list)) {
      identity.source.report(
        list,
        `'identity.user_assigned_identities' must be a list, not ${describeNode(list)}.`
      );
    } else {
      for (const item of list.items as Node[]) {
        const id = isMap(item) ? item.get('resource_id') : isScalar(item) ? item.value : undefined;
        if (typeof id === 'string' && id.startsWith('/')) ids.push(id);
        else
          identity.source.report(item, "each user-assigned identity needs 'resource_id: /subscriptions/…'.");
      }
    }
  }
  if (type === undefined) {
    if (!identity.has('type'))
      identity.source.report(reader.keyNode('identity'), "'identity.type' is missing.");
    return undefined;
  }
  return { type, ...(ids.length > 0 ? { userAssignedIdentities: ids } : {}) };
}

function readTraffic(reader: MappingReader): Record<string, number> | undefined {
  const traffic = reader.mapping('traffic');
  if (!traffic) return undefined;
  const result: Record<string, number> = {};
  for (const pair of traffic.map.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '?';
    const percent = traffic.integer(name, 0, 100);
    if (percent !== undefined) result[name] = percent;
  }
  const total = Object.values(result).reduce((sum, n) => sum + n, 0);
  if (Object.keys(result).length > 0 && total !== 100 && total !== 0) {
    reader.source.report(
      reader.keyNode('traffic'),
      `'traffic' adds up to ${total}%; it must total 100 (or 0).`
    );
  }
  return result;
}
