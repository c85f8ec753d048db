import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { azureCall } from '../azure/azure-error.js';
import type { MlConfig } from '../config/ml-config.js';
import type { MlContext } from './ml-context.js';
import { ACTION_NAME, ACTION_VERSION } from '../run/version.js';
import { createBlobServiceClient } from './blob-client.js';
import type { MlResult } from './ml-result.js';

/** What every model stage needs to address the workspace: the client, names and the run's abort signal. */
export interface MlScope {
  client: AzureMachineLearningWorkspaces;
  resourceGroup: string;
  workspace: string;
  config: MlConfig;
  result: MlResult;
  options: { abortSignal: AbortSignal };
}

/** The scope of the model stages; the first of them creates `results.ml`. */
export function mlScope(context: MlContext): MlScope {
  const config = context.config.ml!;
  context.results.ml ??= {
    workspace: config.workspace,
    endpointName: config.endpoint.name!,
    healthChecked: context.config.health !== undefined
  };
  return {
    client: context.azure.machineLearning(),
    resourceGroup: context.config.azure.resourceGroup,
    workspace: config.workspace,
    config,
    result: context.results.ml,
    options: { abortSignal: context.deadline.signal }
  };
}

/** Reads the workspace once per run: its ARM id names assets, its location is where a new endpoint goes. */
export async function readWorkspace(scope: MlScope): Promise<{ id: string; location: string }> {
  const { result } = scope;
  if (result.workspaceId && result.location) return { id: result.workspaceId, location: result.location };
  const workspace = await azureCall(
    `read Azure ML workspace '${scope.workspace}' in resource group '${scope.resourceGroup}'`,
    () => scope.client.workspaces.get(scope.resourceGroup, scope.workspace, scope.options)
  );
  result.workspaceId = workspace.id!;
  result.location = workspace.location!;
  return { id: result.workspaceId, location: result.location };
}

/** The workspace's default blob datastore, opened for upload. */
export interface OpenDatastore {
  name: string;
  container: ContainerClient;
}

interface BlobDatastoreProperties {
  isDefault?: boolean;
  datastoreType?: string;
  accountName?: string;
  containerName?: string;
  endpoint?: string;
  protocol?: string;
  credentials?: { credentialsType?: string };
}

/**
 * Opens the default datastore as `az ml` does: its account and container from the datastore, the account key or
 * SAS from `listSecrets` (masked the moment it arrives), the blob URL `https://<account>.blob.<endpoint>`
 * unless the `blob-endpoint` input names the service.
 */
export async function openDefaultDatastore(context: MlContext, scope: MlScope): Promise<OpenDatastore> {
  const datastore = await findDefaultDatastore(scope);
  const { accountName, containerName, endpoint, protocol } = datastore.properties;
  const accountUrl =
    scope.config.blobEndpoint ??
    `${protocol ?? 'https'}://${accountName}.blob.${endpoint ?? 'core.windows.net'}`;
  const service = await blobServiceFor(context, scope, datastore, accountUrl);
  return { name: datastore.name, container: service.getContainerClient(containerName!) };
}

interface NamedDatastore {
  name: string;
  properties: BlobDatastoreProperties;
}

async function findDefaultDatastore(scope: MlScope): Promise<NamedDatastore> {
  const { client, resourceGroup, workspace, options } = scope;
  const datastores: NamedDatastore[] = [];
  await azureCall(`list the datastores of workspace '${workspace}'`, async () => {
    for await (const datastore of client.datastores.list(resourceGroup, workspace, options)) {
      datastores.push({ name: datastore.name!, properties: datastore.properties as BlobDatastoreProperties });
    }
  });
  const found =
    datastores.find(d => d.properties.isDefault) ?? datastores.find(d => d.name === 'workspaceblobstore');
  if (!found || found.properties.datastoreType !== 'AzureBlob' || !found.properties.accountName) {
    throw new Error(
      `Workspace '${workspace}' has no default Azure Blob datastore to upload the model and code to; ` +
        'set a blob datastore as default (az ml datastore) and run again.'
    );
  }
  return found;
}

/** Key and SAS datastores: the secret from `listSecrets`; identity-based ones: the run's own identity. */
async function blobServiceFor(
  context: MlContext,
  scope: MlScope,
  datastore: NamedDatastore,
  accountUrl: string
): Promise<BlobServiceClient> {
  const credentialsType = datastore.properties.credentials?.credentialsType ?? 'None';
  if (credentialsType !== 'AccountKey' && credentialsType !== 'Sas') {
    // The identity needs Storage Blob Data Contributor on the account, as `az ml` does for such datastores.
    const credential = context.azure.session.credential;
    return createBlobServiceClient(accountUrl, { kind: 'identity', credential }, blobOptions());
  }
  const { client, resourceGroup, workspace, options } = scope;
  const secrets = (await azureCall(`read the secrets of datastore '${datastore.name}'`, () =>
    client.datastores.listSecrets(resourceGroup, workspace, datastore.name, options)
  )) as { key?: string; sasToken?: string };
  const secret = secrets.key ?? secrets.sasToken ?? '';
  if (secret) context.redactor.add(secret);
  if (credentialsType === 'Sas') {
    return createBlobServiceClient(
      accountUrl,
      { kind: 'sas', sas: secret.replace(/^\?/, '') },
      blobOptions()
    );
  }
  const access = { kind: 'key', account: datastore.properties.accountName!, key: secret } as const;
  return createBlobServiceClient(accountUrl, access, blobOptions());
}

function blobOptions() {
  return { userAgentPrefix: `${ACTION_NAME}/${ACTION_VERSION}` };
}
