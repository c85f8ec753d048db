import type { OnlineEndpoint } from '@azure/arm-machinelearning';
import { azureCall, azureLroCall, AzureOperationError } from '../azure/azure-error.js';
import { ConfigurationError } from '../run/errors.js';
import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import type { EndpointSpec } from '../config/ml-specs.js';
import { mlScope, readWorkspace, type MlScope } from './ml-workspace.js';

/** How often a long-running ML operation is polled when Azure does not say (Retry-After). */
export const POLL_INTERVAL_MS = 500;

/**
 * The online endpoint: created when missing (managed, or Kubernetes on the attached compute), otherwise left
 * exactly as it is — its traffic belongs to the traffic stage, its other settings to whoever created it.
 */
export const endpointStage: Stage<MlContext> = {
  name: 'endpoint',
  title: 'Endpoint',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const spec = scope.config.endpoint;
    const name = scope.result.endpointName;
    const existing = await readEndpoint(scope, name);
    if (existing) {
      checkSameKind(existing, spec);
      scope.result.endpoint = {
        kind: spec.kind,
        created: false,
        scoringUri: existing.properties.scoringUri ?? ''
      };
      return `'${name}' exists (${existing.properties.provisioningState ?? 'state unknown'}); left unchanged`;
    }
    const workspace = await readWorkspace(scope);
    const created = await azureLroCall(`create online endpoint '${name}'`, onResponse =>
      scope.client.onlineEndpoints.beginCreateOrUpdateAndWait(
        scope.resourceGroup,
        scope.workspace,
        name,
        endpointBody(spec, workspace),
        { ...scope.options, updateIntervalInMs: POLL_INTERVAL_MS, onResponse }
      )
    );
    scope.result.endpoint = {
      kind: spec.kind,
      created: true,
      scoringUri: created.properties.scoringUri ?? ''
    };
    return `'${name}' created (${spec.kind === 'kubernetes' ? `Kubernetes on '${spec.compute}'` : 'managed'})`;
  }
};

/** The endpoint, or undefined when it does not exist. */
export async function readEndpoint(scope: MlScope, name: string): Promise<OnlineEndpoint | undefined> {
  try {
    return await azureCall(`read online endpoint '${name}'`, () =>
      scope.client.onlineEndpoints.get(scope.resourceGroup, scope.workspace, name, scope.options)
    );
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return undefined;
    throw error;
  }
}

function endpointBody(spec: EndpointSpec, workspace: { id: string; location: string }): OnlineEndpoint {
  const identity = spec.identity;
  return {
    location: workspace.location,
    tags: spec.tags,
    ...(identity
      ? {
          identity: {
            type: IDENTITY_TYPES[identity.type],
            ...(identity.userAssignedIdentities
              ? {
                  userAssignedIdentities: Object.fromEntries(
                    identity.userAssignedIdentities.map(id => [id, {}])
                  )
                }
              : {})
          }
        }
      : { identity: { type: 'SystemAssigned' } }),
    properties: {
      authMode: spec.authMode === 'aml_token' ? 'AMLToken' : 'Key',
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.compute ? { compute: computeId(spec.compute, workspace.id) } : {}),
      ...(spec.publicNetworkAccess
        ? { publicNetworkAccess: spec.publicNetworkAccess === 'enabled' ? 'Enabled' : 'Disabled' }
        : {}),
      // A new endpoint has no deployment yet: traffic is set by the traffic stage once one succeeded.
      traffic: {}
    }
  };
}

const IDENTITY_TYPES = {
  system_assigned: 'SystemAssigned',
  user_assigned: 'UserAssigned',
  'system_assigned,user_assigned': 'SystemAssigned,UserAssigned',
  none: 'None'
} as const;

/** Azure wants the compute's ARM id; users write its name (`azureml:k8s-compute`). */
function computeId(compute: string, workspaceId: string): string {
  return compute.startsWith('/') ? compute : `${workspaceId}/computes/${compute}`;
}

/** An existing endpoint of the other kind cannot take this deployment: say so before deploying. */
function checkSameKind(existing: OnlineEndpoint, spec: EndpointSpec): void {
  const isKubernetes = Boolean(existing.properties.compute);
  if (isKubernetes === (spec.kind === 'kubernetes')) return;
  throw new ConfigurationError([
    {
      input: spec.kind === 'kubernetes' ? 'compute' : 'endpoint-name',
      message:
        `online endpoint '${existing.name}' exists as a ${isKubernetes ? 'Kubernetes' : 'managed'} endpoint, ` +
        `but the deployment is ${spec.kind === 'kubernetes' ? 'a Kubernetes' : 'a managed'} one.`,
      fix: "Use another endpoint name, or match the endpoint kind (the compute input / the files' $schema)."
    }
  ]);
}
