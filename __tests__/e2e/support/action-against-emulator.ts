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
