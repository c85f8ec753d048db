import type { ArmRequest, ProviderContext, ResourceProvider } from '../../arm/provider.js';
import { resourceGroupId } from '../../arm/resource-id.js';
import { resourceGroupNotFound } from '../../arm/resource-groups.js';
import { armError, type HttpResult } from '../../http-result.js';
import {
  type DeploymentAddress,
  deleteDeployment,
  deploymentStatus,
  type DeploymentsState,
  putDeployment,
  readDeployments,
  validateDeployment,
  whatIfDeployment
} from './deployment-handlers.js';

export { OPERATION_MS_KNOB, WRITE_DELAY_KNOB } from './deployment-run.js';
export { FAIL_WITH } from './resource-writer.js';

// Resource-group deployments. The SDK sends `resourcegroups` in lower case, and the operations list lives
// at `…/resourcegroups/{rg}/deployments/{name}/operations` without `providers/Microsoft.Resources`.
const DEPLOYMENTS_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)(?:\/providers\/Microsoft\.Resources)?\/deployments(?:\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?)?\/?$/i;

function methodNotAllowed(req: ArmRequest): HttpResult {
  return armError(405, 'MethodNotAllowed', `The method '${req.method}' is not supported on '${req.path}'.`);
}

function route(req: ArmRequest, ctx: ProviderContext, where: DeploymentAddress, state: DeploymentsState) {
  const [, , , , action, item] = DEPLOYMENTS_PATH.exec(req.path)!;
  const { method } = req;
  if (where.name === '') return method === 'GET' ? readDeployments(ctx, where, {}) : methodNotAllowed(req);
  switch (`${method} ${action?.toLowerCase() ?? ''}${item === undefined ? '' : ' *'}`) {
    case 'PUT ':
      return putDeployment(req, ctx, where, state);
    case 'GET ':
      return readDeployments(ctx, where, {});
    case 'HEAD ':
      return { status: readDeployments(ctx, where, {}).status === 200 ? 204 : 404 };
    case 'DELETE ':
      return deleteDeployment(req, ctx, where, state);
    case 'POST validate':
      return validateDeployment(req, ctx, where);
    case 'POST whatif':
      return whatIfDeployment(req, ctx, where);
    case 'POST exporttemplate':
      return readDeployments(ctx, where, { exportTemplate: true });
    case 'GET operations':
      return readDeployments(ctx, where, { operations: true });
    case 'GET operations *':
      return readDeployments(ctx, where, { operations: true, operationId: decodeURIComponent(item!) });
    case 'GET operationstatuses *':
      return deploymentStatus(ctx, where, decodeURIComponent(item!));
    default:
      return methodNotAllowed(req);
  }
}

/**
 * `Microsoft.Resources/deployments` at resource-group scope: template deployments run by the stand-in with
 * the project's ARM template engine (validate, what-if, deploy as an LRO, operations, nested deployments,
 * Incremental and Complete mode). Resources are written in process: vaults through the Key Vault provider,
 * everything else through the generic store. See README.md in this folder.
 */
export function deploymentsProvider(): ResourceProvider {
  const state: DeploymentsState = { active: new Set() };
  return {
    name: 'Microsoft.Resources/deployments',
    matches: req => DEPLOYMENTS_PATH.test(req.path),
    handle(req, ctx) {
      const [, subscription, group, name] = DEPLOYMENTS_PATH.exec(req.path)!;
      const subscriptionId = decodeURIComponent(subscription!);
      const stored = ctx.store.get(resourceGroupId(subscriptionId, decodeURIComponent(group!)));
      if (!stored) return resourceGroupNotFound(decodeURIComponent(group!));
      const where = {
        subscriptionId,
        resourceGroup: stored.name,
        name: name ? decodeURIComponent(name) : ''
      };
      return route(req, ctx, where, state);
    }
  };
}
