import { armError, type ArmErrorDetail, type HttpResult } from '../../http-result.js';

/**
 * The user-facing errors of the emulated Azure ML service, in one table. Codes are the ones the real
 * service reports (see the "Troubleshooting online endpoints deployment and scoring" article); messages
 * follow the real wording where it is known and always say what to look at next.
 */
export const mlErrors = {
  notFound(kind: string, name: string, workspace: string): HttpResult {
    return armError(404, 'UserError', `${kind} '${name}' was not found in workspace '${workspace}'.`, [
      { code: 'NotFound', message: `${kind} '${name}' does not exist.` }
    ]);
  },
  workspaceNotFound(resourceGroup: string, workspace: string): HttpResult {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.MachineLearningServices/workspaces/${workspace}' under resource group ` +
        `'${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
    );
  },
  badRequest(message: string, target?: string): HttpResult {
    return armError(400, 'UserError', message, [{ code: 'BadArgument', message }], target);
  },
  immutable(kind: string, name: string, version: string, changed: string[]): HttpResult {
    const message =
      `${kind} version '${name}:${version}' already exists and is immutable: only 'description', 'tags' and ` +
      `'isArchived' may change, but this request changes ${changed.map(f => `'${f}'`).join(', ')}. ` +
      'Register the new content as a new version.';
    return armError(409, 'UserError', message, [{ code: 'Immutable', message }]);
  },
  conflict(message: string): HttpResult {
    return armError(409, 'UserError', message, [{ code: 'Conflict', message }]);
  },
  methodNotAllowed(method: string, type: string): HttpResult {
    return armError(405, 'MethodNotAllowed', `The method '${method}' is not supported on '${type}'.`);
  }
};

const TSG = 'https://aka.ms/oe-tsg';

/** Why a deployment failed, as its operation status reports it. */
export const deploymentFailures = {
  imageBuild(storageAccount: string, logPath: string): ArmErrorDetail {
    return {
      code: 'ImageBuildFailure',
      message:
        `Image build failed. For troubleshooting steps, see ${TSG}#error-imagebuildfailure. The build log is ` +
        `available in the workspace blob store '${storageAccount}' under the path '/azureml/${logPath}'.`
    };
  },
  modelDownload(what: string, uri: string, reason: string): ArmErrorDetail {
    return {
      code: 'BadArgument',
      message:
        `Unable to download user ${what} from '${uri}': ${reason}. Check the storage-initializer logs ` +
        `(getLogs with containerType 'StorageInitializer') and that the asset's files are in the workspace ` +
        `storage. See ${TSG}#error-badargument.`
    };
  },
  crashLoop(compute: 'Managed' | 'Kubernetes', restarts: number): ArmErrorDetail {
    // Like the real service, the message does not carry the traceback: that is in the container log.
    const logs = "Check the container log (getLogs with containerType 'InferenceServer') for the reason.";
    if (compute === 'Kubernetes') {
      return {
        code: 'DeploymentCrashLoopBackOff',
        message:
          `The user container crashed while initializing and the deployment pod is in CrashLoopBackOff ` +
          `(restarted ${restarts} times). ${logs} See ${TSG}#error-deploymentcrashloopbackoff.`
      };
    }
    return {
      code: 'ResourceNotReady',
      message:
        `User container has crashed or terminated: Back-off restarting failed container (restarted ` +
        `${restarts} times). ${logs} Please see troubleshooting guide, available here: ${TSG}#error-resourcenotready`
    };
  }
};
