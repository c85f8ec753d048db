import { isScalar } from 'yaml';
import type {
  EndpointKind,
  ProbeSettings,
  RequestSettings,
  ResourceQuantities,
  ScaleSettings
} from '../ml-specs.js';
import type { MappingReader } from './yaml-fields.js';

/** `request_settings`; managed endpoints cap the request timeout at 180 s. */
export function readRequestSettings(reader: MappingReader): RequestSettings | undefined {
  const settings = reader.mapping('request_settings');
  if (!settings) return undefined;
  settings.allowOnly(['request_timeout_ms', 'max_concurrent_requests_per_instance', 'max_queue_wait_ms']);
  return compact({
    requestTimeoutMs: settings.integer('request_timeout_ms', 1, 180_000),
    maxConcurrentRequestsPerInstance: settings.integer('max_concurrent_requests_per_instance', 1),
    maxQueueWaitMs: settings.integer('max_queue_wait_ms', 0)
  });
}

/** `liveness_probe` / `readiness_probe`, in seconds. */
export function readProbe(
  reader: MappingReader,
  key: 'liveness_probe' | 'readiness_probe'
): ProbeSettings | undefined {
  const probe = reader.mapping(key);
  if (!probe) return undefined;
  probe.allowOnly(['initial_delay', 'period', 'timeout', 'success_threshold', 'failure_threshold']);
  return compact({
    initialDelay: probe.integer('initial_delay', 0),
    period: probe.integer('period', 1),
    timeout: probe.integer('timeout', 1),
    successThreshold: probe.integer('success_threshold', 1),
    failureThreshold: probe.integer('failure_threshold', 1)
  });
}

const TARGET_FIELDS = ['min_instances', 'max_instances', 'target_utilization_percentage', 'polling_interval'];

/**
 * `scale_settings`: `default` everywhere; `target_utilization` (autoscale by the cluster) only on
 * Kubernetes — managed endpoints autoscale through Azure Monitor instead, and their schema refuses it.
 */
export function readScaleSettings(reader: MappingReader, kind: EndpointKind): ScaleSettings | undefined {
  const scale = reader.mapping('scale_settings');
  if (!scale) return undefined;
  scale.allowOnly(['type', ...TARGET_FIELDS]);
  const type = scale.choice('type', ['default', 'target_utilization'] as const) ?? 'default';
  if (type === 'default') {
    for (const field of TARGET_FIELDS.filter(f => scale.has(f))) {
      scale.source.report(
        scale.keyNode(field),
        `'scale_settings.${field}' applies only with 'type: target_utilization'.`
      );
    }
    return { type };
  }
  if (kind === 'managed') {
    scale.source.report(
      scale.node('type'),
      "'scale_settings.type: target_utilization' is only for Kubernetes deployments.",
      'Managed online deployments autoscale through Azure Monitor autoscale rules; use type: default.'
    );
  }
  const minInstances = scale.integer('min_instances', 0);
  const maxInstances = scale.integer('max_instances', 1);
  if (minInstances !== undefined && maxInstances !== undefined && minInstances > maxInstances) {
    scale.source.report(
      scale.node('min_instances'),
      `'scale_settings.min_instances' exceeds 'max_instances'.`
    );
  }
  return {
    type,
    ...compact({
      minInstances,
      maxInstances,
      targetUtilizationPercentage: scale.integer('target_utilization_percentage', 1, 100),
      pollingInterval: scale.integer('polling_interval', 1)
    })
  };
}

/** Kubernetes `resources: {requests, limits}` with `cpu`, `memory`, `nvidia.com/gpu`. */
export function readResources(
  reader: MappingReader,
  kind: EndpointKind
): { requests?: ResourceQuantities; limits?: ResourceQuantities } | undefined {
  const resources = reader.mapping('resources');
  if (!resources) return undefined;
  if (kind === 'managed') {
    reader.source.report(
      reader.keyNode('resources'),
      "'resources' applies only to Kubernetes deployments; managed deployments size by 'instance_type'."
    );
    return undefined;
  }
  resources.allowOnly(['requests', 'limits']);
  const read = (key: 'requests' | 'limits'): ResourceQuantities | undefined => {
    const section = resources.mapping(key);
    if (!section) return undefined;
    section.allowOnly(['cpu', 'memory', 'nvidia.com/gpu']);
    return compact({
      cpu: quantity(section, 'cpu'),
      memory: quantity(section, 'memory'),
      gpu: quantity(section, 'nvidia.com/gpu')
    });
  };
  return compact({ requests: read('requests'), limits: read('limits') });
}

/** A Kubernetes quantity: `"500m"`, `"1Gi"` or a bare number. */
function quantity(reader: MappingReader, key: string): string | undefined {
  const node = reader.node(key);
  if (isScalar(node) && typeof node.value === 'number' && node.value > 0) return String(node.value);
  const text = reader.string(key);
  if (text === undefined) return undefined;
  if (/^\d+(\.\d+)?([mkMGTP]i?|[EP]|m)?$/.test(text)) return text;
  reader.source.report(
    reader.node(key),
    `'${reader.path}${key}' is '${text}', which is not a Kubernetes quantity such as 500m or 2Gi.`
  );
  return undefined;
}

/** Drops undefined members, so specs compare and print cleanly. */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
