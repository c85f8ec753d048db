import { createHash } from 'node:crypto';
import type { DeploymentExtended } from '@azure/arm-resourcesdeployments';
import type { InfraConfig } from '../config/infra-config.js';
import type { VaultDecision } from '../keyvault/vault-plan.js';
import type { DeploymentRequest } from './arm-deployment.js';
import { secureParameterValues } from './secure-parameters.js';
import type { ChangeOverview } from './what-if-changes.js';

/** The deployment record's tag holding the fingerprint of what it deployed. */
export const FINGERPRINT_TAG = 'azureml-staged-deploy-fingerprint';

/**
 * A hash of what decides a deployment's result: the template as written, the parameter values, the mode and
 * the Key Vault guard setting. Undefined when the values cannot all be compared: a `securestring` or
 * `secureObject` value (ARM never returns it, and a hash of it in a readable tag would help guess it) or a Key
 * Vault reference (the secret may have changed in the vault).
 */
export function deploymentFingerprint(infra: InfraConfig, request: DeploymentRequest): string | undefined {
  if (secureParameterValues(infra).length > 0) return undefined;
  if (Object.values(request.parameters).some(parameter => 'reference' in parameter)) return undefined;
  const decisive = {
    template: infra.template.json,
    parameters: request.parameters,
    mode: request.mode,
    keyVaultPolicy: infra.keyVaultPolicy,
    deletedVault: infra.deletedVault
  };
  return createHash('sha256').update(JSON.stringify(decisive)).digest('hex');
}

/**
 * Whether sending the deployment again would change nothing: the previous deployment of this name succeeded
 * with the same fingerprint, every guarded vault is as the template wants it, and what-if — which compares the template with the resources as they are now,
 * including changes made outside the template — reports no resource to create, modify or delete. A re-run of
 * an unchanged template then writes nothing at all, and the previous deployment's outputs are the outputs.
 */
export function isUnchanged(
  previous: DeploymentExtended | undefined,
  fingerprint: string | undefined,
  changes: ChangeOverview | undefined,
  vaults: readonly VaultDecision[]
): previous is DeploymentExtended {
  if (!deployedBefore(previous, fingerprint) || !changes) return false;
  // The guard's own reading of each vault comes first: what-if may not see that one of the template's access
  // policies was removed by hand (they are added through an `accessPolicies/add` child, not the vault's PUT).
  if (vaults.some(vault => vault.action === 'preserve' && !(vault.unchanged && vault.ownPoliciesPresent)))
    return false;
  return Object.keys(changes.counts).every(type => QUIET_CHANGES.has(type));
}

/** The previous deployment of this name succeeded with this fingerprint: the same template and parameters. */
export function deployedBefore(
  previous: DeploymentExtended | undefined,
  fingerprint: string | undefined
): previous is DeploymentExtended {
  return (
    fingerprint !== undefined &&
    previous?.properties?.provisioningState === 'Succeeded' &&
    previous.tags?.[FINGERPRINT_TAG] === fingerprint
  );
}

/** What-if change types that mean "this deployment would not touch the resource". */
const QUIET_CHANGES = new Set(['NoChange', 'Ignore']);
