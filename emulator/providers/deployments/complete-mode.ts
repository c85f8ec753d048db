import { randomUUID } from 'node:crypto';
import { parseResourcePath, resourceGroupId } from '../../arm/resource-id.js';
import { deleteVault } from '../key-vault/index.js';
import type { DeploymentPlan } from './deployment-plan.js';
import {
  DEPLOYMENTS_TYPE,
  type DeploymentOperation,
  isoDuration,
  newOperationId
} from './deployment-record.js';
import type { RunContext } from './deployment-run.js';

/**
 * The resources Complete mode removes: top-level resources of the resource group that the template does
 * not deploy (a resource whose condition is false counts as not deployed, as with api-version 2019-05-10
 * and later). Deployment records, child and extension resources are left alone.
 */
export function completeModeDeletions(ctx: Pick<RunContext, 'store'>, plan: DeploymentPlan): string[] {
  const keep = new Set(plan.validatedIds.map(id => id.toLowerCase()));
  const group = resourceGroupId(plan.input.subscriptionId, plan.input.resourceGroup);
  return ctx.store
    .list({ under: group })
    .filter(doc => {
      const path = parseResourcePath(doc.id);
      const topLevel =
        path !== undefined && path.types.length === 1 && !/\/providers\/.*\/providers\//i.test(doc.id);
      return (
        topLevel &&
        doc.type.toLowerCase() !== DEPLOYMENTS_TYPE.toLowerCase() &&
        !keep.has(doc.id.toLowerCase())
      );
    })
    .map(doc => doc.id);
}

/** Deletes what Complete mode removes and returns one `Delete` operation per resource. */
export function deleteForCompleteMode(
  ctx: RunContext,
  plan: DeploymentPlan,
  deploymentId: string
): DeploymentOperation[] {
  const group = resourceGroupId(plan.input.subscriptionId, plan.input.resourceGroup);
  return completeModeDeletions(ctx, plan).map(id => {
    const began = Date.now();
    const doc = ctx.store.get(id)!;
    // Vaults go through the Key Vault provider: soft delete keeps the name taken, as in Azure.
    if (doc.type.toLowerCase() === 'microsoft.keyvault/vaults') deleteVault(ctx, group, doc.name);
    else ctx.store.delete(id);
    const operationId = newOperationId();
    return {
      id: `${deploymentId}/operations/${operationId}`,
      operationId,
      properties: {
        provisioningOperation: 'Delete',
        provisioningState: 'Succeeded',
        timestamp: new Date().toISOString(),
        duration: isoDuration(Date.now() - began),
        trackingId: randomUUID(),
        serviceRequestId: randomUUID(),
        statusCode: 'OK',
        targetResource: { id: doc.id, resourceType: doc.type, resourceName: doc.name }
      }
    };
  });
}
