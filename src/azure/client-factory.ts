import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import type { TokenCredential } from '@azure/core-auth';
import { ACTION_NAME, ACTION_VERSION } from '../run/version.js';
import type { CloudEndpoints } from '../config/clouds.js';
import type { Deadline } from '../run/deadline.js';
import { correlationPolicy, deadlinePolicy } from './request-policies.js';
import { deadlineRetryPolicy, type RetryOptions } from './retry-policy.js';

/** What every client of one run shares. */
export interface AzureSession {
  credential: TokenCredential;
  cloud: CloudEndpoints;
  subscriptionId: string;
  deadline: Deadline;
  /** Sent as `x-ms-correlation-request-id` with every request of the run. */
  correlationId: string;
  retry?: RetryOptions;
  /** PEM of extra CAs to trust instead of the system's; only for in-process tests against the stand-in. */
  trustedCaPem?: string;
}

/**
 * The one place Azure SDK clients are built, so every client gets the same endpoint, token scope, retry
 * policy, deadline, correlation id and user agent, and tests point all of them at the local stand-in.
 *
 * Two SDK generations are in use and they spell the same settings differently: the classic clients
 * (arm-resources 7, arm-machinelearning 2.1.1) take `endpoint`/`$host` and `credentialScopes`; the newer ones
 * (arm-resourcesdeployments, arm-keyvault 5) take `endpoint` and `credentials.scopes`, and would otherwise ask
 * for a public-cloud token whatever the endpoint. Both sets are passed to both.
 */
export class AzureClientFactory {
  constructor(readonly session: AzureSession) {}

  resources(): ResourceManagementClient {
    return new ResourceManagementClient(this.session.credential, this.session.subscriptionId, this.options());
  }

  deployments(): DeploymentsClient {
    return new DeploymentsClient(this.session.credential, this.session.subscriptionId, this.options());
  }

  keyVault(): KeyVaultManagementClient {
    return new KeyVaultManagementClient(this.session.credential, this.session.subscriptionId, this.options());
  }

  machineLearning(): AzureMachineLearningWorkspaces {
    return new AzureMachineLearningWorkspaces(
      this.session.credential,
      this.session.subscriptionId,
      this.options()
    );
  }

  private options() {
    const { cloud, deadline, correlationId } = this.session;
    return {
      endpoint: cloud.armEndpoint,
      $host: cloud.armEndpoint,
      credentialScopes: [cloud.tokenScope],
      credentials: { scopes: [cloud.tokenScope] },
      userAgentOptions: { userAgentPrefix: `${ACTION_NAME}/${ACTION_VERSION}` },
      // The SDK's own retries sleep uncapped on Retry-After; ours honour the deadline (retry-policy.ts).
      retryOptions: { maxRetries: 0 },
      ...(this.session.trustedCaPem ? { tlsOptions: { ca: this.session.trustedCaPem } } : {}),
      additionalPolicies: [
        { policy: correlationPolicy(correlationId), position: 'perCall' as const },
        { policy: deadlinePolicy(deadline), position: 'perCall' as const },
        { policy: deadlineRetryPolicy(deadline, this.session.retry), position: 'perCall' as const }
      ]
    };
  }
}
