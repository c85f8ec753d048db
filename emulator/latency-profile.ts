/**
 * The realistic latency profile (`npm run emulator -- --latency azure`, `startEmulator({ latency })`): how long
 * each Azure operation takes, per resource type, from recorded traffic and Microsoft's documentation, scaled
 * down so a benchmark finishes in seconds and can still report the wall time a user would see in Azure.
 *
 * The table is data; `latencySettings` turns it into the stand-in's own timing means: knobs the providers
 * already read (an LRO that stays in progress) or a response delay on a request path (an operation the
 * stand-in answers at once but Azure does not).
 */
import type { Fault } from './faults.js';

/** Where a figure comes from: a real recording, a documented statement, or an estimate (said as such). */
export type FigureBasis = 'recording' | 'documentation' | 'estimate';

/** How a figure reaches the stand-in. */
export type FigureChannel = { knob: string } | { delay: { method: string; path: RegExp } };

/** One operation's duration in Azure. */
export interface LatencyFigure {
  /** What a client waits for, e.g. "create (PUT until Succeeded)". */
  operation: string;
  resourceType: string;
  /** Typical duration in Azure, seconds. */
  azureSeconds: number;
  basis: FigureBasis;
  /** Where the figure comes from, precisely enough to check it. */
  source: string;
  apply: FigureChannel;
}

/** The default scale: one Azure minute becomes one stand-in second. */
export const DEFAULT_LATENCY_SCALE = 1 / 60;

const GROUP = String.raw`^/subscriptions/[^/]+/resourcegroups/[^/]+/providers`;
const WORKSPACE = String.raw`${GROUP}/microsoft\.machinelearningservices/workspaces/[^/]+`;
const DEPLOYMENT = String.raw`${GROUP}/microsoft\.resources/deployments/[^/]+`;

/**
 * Per operation and resource type. `lroDurationMs` is the stand-in's common LRO time (online endpoints,
 * workspaces, online deployments after their image build, resource group deletion); figures that differ from
 * it reach the stand-in as their own knob or as an extra delay on the request that starts the operation.
 */
export const AZURE_LATENCY: readonly LatencyFigure[] = [
  {
    operation: 'create (PUT, RegisteringDns until Succeeded)',
    resourceType: 'Microsoft.KeyVault/vaults',
    azureSeconds: 17,
    basis: 'recording',
    source:
      'Azure/azure-sdk-assets js/sdk/keyvault/arm-keyvault recording_vaults_create_test.json (api-version ' +
      '2023-07-01): PUT answered RegisteringDns at 06:32:13 GMT, the GET that saw Succeeded at 06:32:30 GMT',
    apply: { knob: 'keyVaultDnsRegistrationMs' }
  },
  {
    operation: 'update (PUT over an existing vault, PATCH, accessPolicies add/replace/remove)',
    resourceType: 'Microsoft.KeyVault/vaults',
    azureSeconds: 2,
    basis: 'estimate',
    source:
      'estimate: the Key Vault 2024-11-01 REST examples updateVault / updateAccessPoliciesAdd answer 200 ' +
      'synchronously; a few seconds covers the write during which a concurrent write gets 409',
    apply: { knob: 'keyVaultWriteBusyMs' }
  },
  {
    operation: 'purge of a deleted vault (LRO)',
    resourceType: 'Microsoft.KeyVault/deletedVaults',
    azureSeconds: 60,
    basis: 'estimate',
    source:
      'estimate: purgeDeletedVault (Key Vault 2024-11-01 REST example) is an LRO answered 202; az keyvault ' +
      'purge waits for it, typically about a minute',
    apply: { knob: 'keyVaultPurgeMs' }
  },
  {
    operation: 'create (long-running operation)',
    resourceType: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints',
    azureSeconds: 90,
    basis: 'estimate',
    source:
      'estimate: a managed online endpoint create (az ml online-endpoint create) runs one to two minutes; ' +
      'the stand-in uses it as its common LRO time',
    apply: { knob: 'lroDurationMs' }
  },
  {
    operation: 'create (long-running operation)',
    resourceType: 'Microsoft.MachineLearningServices/workspaces',
    azureSeconds: 150,
    basis: 'documentation',
    source:
      'Microsoft Learn, "Manage Azure Machine Learning workspaces": creating a workspace takes a few minutes, ' +
      'as its storage, key vault and Application Insights are created with it; 150 s beyond the 90 s common LRO',
    apply: {
      delay: { method: 'PUT', path: new RegExp(`${WORKSPACE}$`, 'i') }
    }
  },
  {
    operation: 'environment image build (first deployment of an environment)',
    resourceType: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    azureSeconds: 480,
    basis: 'documentation',
    source:
      'Microsoft Learn, "Deploy and score a machine learning model by using an online endpoint": a deployment ' +
      'can take up to 15 minutes when the environment image is built for the first time; 8 of them are the build',
    apply: { knob: 'mlImageBuildMs' }
  },
  {
    operation: 'create after the image build (provision, download model, start container, probes)',
    resourceType: 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments',
    azureSeconds: 330,
    basis: 'documentation',
    source:
      'same page (up to 15 minutes in all): the remaining 7 minutes less the 90 s common LRO, added to the PUT',
    apply: {
      delay: { method: 'PUT', path: new RegExp(`${WORKSPACE}/onlineendpoints/[^/]+/deployments/[^/]+$`, 'i') }
    }
  },
  {
    operation: 'template deployment, per resource operation',
    resourceType: 'Microsoft.Resources/deployments',
    azureSeconds: 20,
    basis: 'estimate',
    source:
      'estimate: a resource that is not itself long-running (e.g. a storage account or a vault inside a ' +
      'template) shows about 20 s in the deployment operations list of the Azure portal',
    apply: { knob: 'deploymentOperationMs' }
  },
  {
    operation: 'what-if',
    resourceType: 'Microsoft.Resources/deployments',
    azureSeconds: 15,
    basis: 'estimate',
    source:
      'estimate: what-if is an LRO (202 + Location in PostDeploymentWhatIfOnResourceGroup, Resources ' +
      '2025-04-01); az deployment group what-if of a small template takes some 10-20 s',
    apply: { delay: { method: 'POST', path: new RegExp(`${DEPLOYMENT}/whatIf$`, 'i') } }
  },
  {
    operation: 'validate (preflight)',
    resourceType: 'Microsoft.Resources/deployments',
    azureSeconds: 5,
    basis: 'estimate',
    source:
      'estimate: validate may answer 202 (PostDeploymentValidateOnResourceGroup, Resources 2025-04-01); a ' +
      'small template validates in a few seconds',
    apply: { delay: { method: 'POST', path: new RegExp(`${DEPLOYMENT}/validate$`, 'i') } }
  }
];

/** What the profile sets on a stand-in: knob values (ms) and response delays. */
export interface LatencySettings {
  knobs: Record<string, number>;
  delays: Fault[];
}

/** Turns the table into knobs and delays at `scale` (e.g. 1/60: an Azure minute becomes a second). */
export function latencySettings(
  scale = DEFAULT_LATENCY_SCALE,
  figures: readonly LatencyFigure[] = AZURE_LATENCY
): LatencySettings {
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`Latency scale must be a positive number, got ${scale}.`);
  const knobs: Record<string, number> = {};
  const delays: Fault[] = [];
  for (const figure of figures) {
    const ms = Math.round(figure.azureSeconds * 1000 * scale);
    if ('knob' in figure.apply) knobs[figure.apply.knob] = ms;
    else delays.push({ ...figure.apply.delay, delayMs: ms });
  }
  return { knobs, delays };
}

/** The wall time a user would see in Azure for a run measured against the scaled stand-in. */
export function projectedAzureMs(measuredMs: number, scale = DEFAULT_LATENCY_SCALE): number {
  return measuredMs / scale;
}

/** Reads a scale written as a fraction (`1/60`) or a number (`0.0167`). */
export function parseLatencyScale(text: string): number {
  const fraction = /^\s*(\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  const scale = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(text);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`Latency scale '${text}' is not a positive number or fraction (e.g. 1/60).`);
  }
  return scale;
}
