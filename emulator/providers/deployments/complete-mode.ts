import { randomUUID } from 'node:crypto';
import { parseResourcePath, resourceGroupId } from '../../arm/resource-id.js';
import type { DeploymentPlan } from './deployment-plan.js';
import {
  DEPLOYMENTS_TYPE,
  type DeploymentOperation,
  isoDuration,
  newOperationId
} from './deployment-record.js';
import type { RunContext } from './deployment-run.js';

// ARM deletes with the newest api-version of each type; the stand-in's providers accept any.
const DELETE_API_VERSION = '2025-04-01';

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
export async function deleteForCompleteMode(
  ctx: RunContext,
  plan: DeploymentPlan,
  deploymentId: string
): Promise<DeploymentOperation[]> {
  const operations: DeploymentOperation[] = [];
  for (const id of completeModeDeletions(ctx, plan)) {
    const began = Date.now();
    const doc = ctx.store.get(id)!;
    // Through the provider of the type, as a direct DELETE: a vault is soft-deleted (its name stays taken).
    await ctx.dispatch({ method: 'DELETE', path: doc.id, apiVersion: DELETE_API_VERSION });
    const operationId = newOperationId();
    operations.push({
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
    });
  }
  return operations;
}
