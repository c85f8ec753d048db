import type { OnlineEndpoint } from '@azure/arm-machinelearning';
import { azureCall, azureLroCall } from '../azure/azure-error.js';
import type { Stage } from '../run/stage.js';
import type { MlContext } from './ml-context.js';
import { POLL_INTERVAL_MS, readEndpoint } from './endpoint-stage.js';
import { mlScope, type MlScope } from './ml-workspace.js';
import { describeTraffic, planTraffic, sameTraffic, type TrafficMap } from './traffic-plan.js';

/**
 * Moves traffic to the new deployment. It runs only after the deployment stage succeeded (a failed one ends
 * the run before this), so a broken deployment never takes traffic. In API 2022-10-01 traffic is part of the
 * endpoint: changing it is a full PUT of the endpoint, carrying every other setting as read. With
 * `keep-previous: false` the deployments left without traffic that served before are deleted afterwards.
 */
export const trafficStage: Stage<MlContext> = {
  name: 'traffic',
  title: 'Traffic',
  async run(context: MlContext): Promise<string> {
    const scope = mlScope(context);
    const { result, config } = scope;
    const deployment = result.deployment!.name;
    const endpoint = (await readEndpoint(scope, result.endpointName))!;
    const before: TrafficMap = { ...(endpoint.properties.traffic ?? {}) };
    // An entry for a deployment deleted since (by hand, or by keep-previous) would make ARM refuse the PUT.
    const existing = await deploymentNames(scope);
    const current = Object.fromEntries(Object.entries(before).filter(([name]) => existing.has(name)));
    const after = planTraffic(current, deployment, config.traffic);
    const retired = Object.keys(current).filter(name => current[name]! > 0 && (after[name] ?? 0) === 0);
    // Deployments about to be deleted leave the map in the same PUT (absent means 0%).
    if (!config.keepPrevious) retired.forEach(name => delete after[name]);
    const changed = !sameTraffic(before, after);
    result.traffic = { before, after, changed };
    let updated = endpoint;
    if (changed) updated = await putTraffic(scope, endpoint, after);
    result.endpoint = {
      ...(result.endpoint ?? { kind: config.endpoint.kind, created: false }),
      scoringUri: updated.properties.scoringUri ?? result.endpoint?.scoringUri ?? ''
    };
    if (!config.keepPrevious && retired.length > 0) await deleteDeployments(scope, retired);
    const summary = changed
      ? `${describeTraffic(before)} → ${describeTraffic(after)}`
      : `unchanged: ${describeTraffic(after)}`;
    return result.deleted?.length ? `${summary}; deleted ${result.deleted.join(', ')}` : summary;
  }
};

async function putTraffic(
  scope: MlScope,
  endpoint: OnlineEndpoint,
  traffic: TrafficMap
): Promise<OnlineEndpoint> {
  const { properties, identity } = endpoint;
  const body: OnlineEndpoint = {
    location: endpoint.location,
    ...(endpoint.tags ? { tags: endpoint.tags } : {}),
    ...(endpoint.kind ? { kind: endpoint.kind } : {}),
    ...(endpoint.sku ? { sku: endpoint.sku } : {}),
    ...(identity
      ? {
          identity: {
            type: identity.type,
            ...(identity.userAssignedIdentities
              ? {
                  userAssignedIdentities: Object.fromEntries(
                    Object.keys(identity.userAssignedIdentities).map(id => [id, {}])
                  )
                }
              : {})
          }
        }
      : {}),
    properties: {
      authMode: properties.authMode,
      ...(properties.description ? { description: properties.description } : {}),
      ...(properties.compute ? { compute: properties.compute } : {}),
      ...(properties.publicNetworkAccess ? { publicNetworkAccess: properties.publicNetworkAccess } : {}),
      traffic
    }
  };
  return azureLroCall(`update the traffic of online endpoint '${scope.result.endpointName}'`, onResponse =>
    scope.client.onlineEndpoints.beginCreateOrUpdateAndWait(
      scope.resourceGroup,
      scope.workspace,
      scope.result.endpointName,
      body,
      {
        ...scope.options,
        updateIntervalInMs: POLL_INTERVAL_MS,
        onResponse
      }
    )
  );
}

async function deploymentNames(scope: MlScope): Promise<Set<string>> {
  const names = new Set<string>();
  await azureCall(`list the deployments of online endpoint '${scope.result.endpointName}'`, async () => {
    const { client, resourceGroup, workspace, result, options } = scope;
    for await (const deployment of client.onlineDeployments.list(
      resourceGroup,
      workspace,
      result.endpointName,
      options
    )) {
      names.add(deployment.name!);
    }
  });
  return names;
}

async function deleteDeployments(scope: MlScope, names: string[]): Promise<void> {
  scope.result.deleted = [];
  for (const name of names) {
    await azureLroCall(`delete online deployment '${name}' (keep-previous: false)`, onResponse =>
      scope.client.onlineDeployments.beginDeleteAndWait(
        scope.resourceGroup,
        scope.workspace,
        scope.result.endpointName,
        name,
        {
          ...scope.options,
          updateIntervalInMs: POLL_INTERVAL_MS,
          onResponse
        }
      )
    );
    scope.result.deleted.push(name);
  }
}
