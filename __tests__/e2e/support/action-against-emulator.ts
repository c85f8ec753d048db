import type { EmulatorFacts } from '../../../emulator/index.js';

/** Inputs that point the action at the stand-in and sign in through the OIDC path. */
export function azureInputs(facts: EmulatorFacts): Record<string, string> {
  return {
    'subscription-id': facts.subscriptionId,
    'tenant-id': facts.tenantId,
    'client-id': facts.clientId,
    'arm-endpoint': facts.armEndpoint,
    'authority-host': facts.authorityHost
  };
}

/** What the runner would give a job with `permissions: id-token: write`, plus trust in the stand-in's CA. */
export function runnerEnv(facts: EmulatorFacts): Record<string, string> {
  return {
    NODE_EXTRA_CA_CERTS: facts.caCertPath,
    ACTIONS_ID_TOKEN_REQUEST_URL: facts.idTokenRequestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: facts.idTokenRequestToken
  };
}

/**
 * {@link azureInputs} plus the Azure ML workspace to deploy to, and the blob endpoint to upload to: the
 * stand-in's storage is Azurite behind its HTTPS proxy, not <account>.blob.core.windows.net.
 */
export function workspaceInputs(
  facts: EmulatorFacts,
  resourceGroup: string,
  workspace: string
): Record<string, string> {
  return {
    ...azureInputs(facts),
    'resource-group': resourceGroup,
    workspace,
    'blob-endpoint': facts.blobEndpoint
  };
}
