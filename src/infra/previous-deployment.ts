import type { DeploymentExtended, DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { azureCall } from '../azure/azure-error.js';
import type { Deadline } from '../run/deadline.js';
import { waitForActiveDeployment, type DeploymentRequest } from './arm-deployment.js';
import { deployedBefore } from './unchanged-deployment.js';

/**
 * The deployment a run compares itself with, to decide whether anything needs writing (unchanged-deployment.ts).
 * First the deployment of this run's own name, waited for while an earlier attempt of the run still runs. The
 * default name contains the workflow run id, so in a new workflow run (the next push, a schedule) that name is
 * new: then the group's most recent successful deployment carrying the same fingerprint tag is the one, whatever
 * its name — so an unchanged template writes nothing in the next run either.
 */
export async function previousDeployment(
  client: DeploymentsClient,
  request: Pick<DeploymentRequest, 'resourceGroup' | 'name'>,
  fingerprint: string | undefined,
  deadline: Deadline,
  log: { info(message: string): void }
): Promise<DeploymentExtended | undefined> {
  const sameName = await waitForActiveDeployment(client, request, deadline, log);
  if (fingerprint === undefined || deployedBefore(sameName, fingerprint)) return sameName;
  const earlier = await lastDeploymentWithFingerprint(client, request.resourceGroup, fingerprint, deadline);
  if (!earlier?.name) return sameName;
  log.info(
    `Deployment '${earlier.name}' deployed the same template and parameters successfully; comparing with it.`
  );
  // A listed deployment may lack its outputs (ARM trims list answers); the outputs come from a read of it.
  return azureCall(`read template deployment '${earlier.name}'`, () =>
    client.deployments.get(request.resourceGroup, earlier.name!, { abortSignal: deadline.signal })
  );
}

/**
 * The group's most recent successful deployment tagged with `fingerprint`. ARM filters deployments by
 * provisioning state only (`$filter=provisioningState eq '…'`), not by tag, so the tag is compared here; the
 * state is compared again in case a server ignores the filter.
 */
async function lastDeploymentWithFingerprint(
  client: DeploymentsClient,
  resourceGroup: string,
  fingerprint: string,
  deadline: Deadline
): Promise<DeploymentExtended | undefined> {
  return azureCall(`list the template deployments of resource group '${resourceGroup}'`, async () => {
    let latest: DeploymentExtended | undefined;
    for await (const deployment of client.deployments.listByResourceGroup(resourceGroup, {
      filter: "provisioningState eq 'Succeeded'",
      abortSignal: deadline.signal
    })) {
      if (!deployedBefore(deployment, fingerprint)) continue;
      if (!latest || timeOf(deployment) > timeOf(latest)) latest = deployment;
    }
    return latest;
  });
}

function timeOf(deployment: DeploymentExtended): number {
  return new Date(deployment.properties?.timestamp ?? 0).getTime();
}
