import type { OnlineDeployment } from '@azure/arm-machinelearning';
import { createHash } from 'node:crypto';
import type { DeploymentSpec, ProbeSettings } from '../config/ml-specs.js';

/** The versions a deployment runs, registered by the asset stages. */
export interface DeployedAssets {
  modelId: string;
  environmentId: string;
  codeId: string;
}

/**
 * The online deployment as ARM takes it (2022-10-01), from the deployment spec and the asset versions.
 * Durations the YAML gives in seconds or milliseconds become ISO 8601 (`PT5S`), as `az ml` sends them.
 */
export function deploymentBody(
  spec: DeploymentSpec,
  assets: DeployedAssets,
  location: string
): OnlineDeployment {
  const code = spec.codeConfiguration!;
  const request = spec.requestSettings;
  const properties: Record<string, unknown> = {
    endpointComputeType: spec.kind === 'kubernetes' ? 'Kubernetes' : 'Managed',
    model: assets.modelId,
    environmentId: assets.environmentId,
    codeConfiguration: { codeId: assets.codeId, scoringScript: code.scoringScript },
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.instanceType ? { instanceType: spec.instanceType } : {}),
    ...(Object.keys(spec.environmentVariables).length > 0
      ? { environmentVariables: spec.environmentVariables }
      : {}),
    ...(spec.appInsightsEnabled !== undefined ? { appInsightsEnabled: spec.appInsightsEnabled } : {}),
    ...(spec.egressPublicNetworkAccess
      ? { egressPublicNetworkAccess: spec.egressPublicNetworkAccess === 'enabled' ? 'Enabled' : 'Disabled' }
      : {}),
    ...(request
      ? {
          requestSettings: compact({
            requestTimeout:
              request.requestTimeoutMs !== undefined ? duration(request.requestTimeoutMs / 1000) : undefined,
            maxConcurrentRequestsPerInstance: request.maxConcurrentRequestsPerInstance,
            maxQueueWait:
              request.maxQueueWaitMs !== undefined ? duration(request.maxQueueWaitMs / 1000) : undefined
          })
        }
      : {}),
    ...(spec.livenessProbe ? { livenessProbe: probe(spec.livenessProbe) } : {}),
    ...(spec.readinessProbe ? { readinessProbe: probe(spec.readinessProbe) } : {}),
    ...(spec.scaleSettings ? { scaleSettings: scale(spec.scaleSettings) } : {}),
    ...(spec.resources
      ? {
          containerResourceRequirements: compact({
            containerResourceRequests: spec.resources.requests,
            containerResourceLimits: spec.resources.limits
          })
        }
      : {})
  };
  return {
    location,
    tags: spec.tags,
    sku: { name: 'Default', capacity: spec.instanceCount ?? 1 },
    properties: properties as unknown as OnlineDeployment['properties']
  };
}

/**
 * The deployment's name: the file's `name` (or `deploy`) and the first 8 hex digits of a hash of everything
 * deployed (asset versions and settings). Another model, score.py or setting gives another name, so the new
 * deployment runs beside the serving one (blue/green); a re-run with nothing changed finds its deployment.
 * Names stay within Azure's 32 characters.
 */
export function onlineDeploymentName(prefix: string | undefined, body: OnlineDeployment): string {
  const digest = createHash('sha256').update(canonical(body)).digest('hex').slice(0, 8);
  const start = (prefix ?? 'deploy').slice(0, 23).replace(/-+$/, '');
  return `${start}-${digest}`;
}

function probe(settings: ProbeSettings): Record<string, unknown> {
  return compact({
    initialDelay: settings.initialDelay !== undefined ? duration(settings.initialDelay) : undefined,
    period: settings.period !== undefined ? duration(settings.period) : undefined,
    timeout: settings.timeout !== undefined ? duration(settings.timeout) : undefined,
    successThreshold: settings.successThreshold,
    failureThreshold: settings.failureThreshold
  });
}

function scale(settings: NonNullable<DeploymentSpec['scaleSettings']>): Record<string, unknown> {
  if (settings.type === 'default') return { scaleType: 'Default' };
  return compact({
    scaleType: 'TargetUtilization',
    minInstances: settings.minInstances,
    maxInstances: settings.maxInstances,
    targetUtilizationPercentage: settings.targetUtilizationPercentage,
    pollingInterval: settings.pollingInterval !== undefined ? duration(settings.pollingInterval) : undefined
  });
}

/** ISO 8601 duration of `seconds` (`PT1.5S`). */
function duration(seconds: number): string {
  return `PT${Number(seconds.toFixed(3))}S`;
}

function compact(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** JSON with sorted keys, so the hash does not depend on the order fields were written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
