import type { TokenCredential } from '@azure/core-auth';
import { createBlobServiceClient, type BlobAccess } from './blob-client.js';
import type { MlScope } from './ml-workspace.js';
import type { Redactor } from '../run/redaction.js';
import { ACTION_NAME, ACTION_VERSION } from '../run/version.js';
import type { BuildLogLocation } from '../diagnose/build-log.js';
import type { FetchedLog } from '../diagnose/diagnosis-env.js';

/** Only the end of a build log is shown; reading 256 KiB keeps the failing step of even a long build. */
const TAIL_BYTES = 256 * 1024;

interface DatastoreFacts {
  name: string;
  accountName?: string;
  containerName?: string;
  endpoint?: string;
  protocol?: string;
  credentialsType?: string;
}

/**
 * Reads the end of an image build log from the workspace storage the ImageBuildFailure message names,
 * through the workspace datastore on that account and container (the artifact store, `azureml`), with the
 * secret `listSecrets` hands out (registered with the redactor at once) or the run's own identity.
 */
export async function fetchBuildLog(
  scope: MlScope,
  location: BuildLogLocation,
  identity: TokenCredential,
  redactor: Redactor
): Promise<FetchedLog> {
  const datastore = await datastoreOn(scope, location);
  const accountUrl =
    scope.config.blobEndpoint ??
    `${datastore?.protocol ?? 'https'}://${location.account}.blob.${datastore?.endpoint ?? 'core.windows.net'}`;
  const access = (datastore && (await accessFor(scope, datastore, redactor))) ?? {
    kind: 'identity',
    credential: identity
  };
  const service = await createBlobServiceClient(accountUrl, access, {
    userAgentPrefix: `${ACTION_NAME}/${ACTION_VERSION}`,
    maxTries: 2
  });
  const blob = service.getContainerClient(location.container).getBlobClient(location.blob);
  const { contentLength = 0 } = await blob.getProperties({ abortSignal: scope.options.abortSignal });
  const offset = Math.max(0, contentLength - TAIL_BYTES);
  const buffer = await blob.downloadToBuffer(offset, contentLength - offset, {
    abortSignal: scope.options.abortSignal
  });
  return {
    source: `storage account '${location.account}', /${location.container}/${location.blob}`,
    text: redactor.redact(buffer.toString('utf8'))
  };
}

async function datastoreOn(scope: MlScope, location: BuildLogLocation): Promise<DatastoreFacts | undefined> {
  const found: DatastoreFacts[] = [];
  for await (const datastore of scope.client.datastores.list(
    scope.resourceGroup,
    scope.workspace,
    scope.options
  )) {
    const properties = datastore.properties as Omit<DatastoreFacts, 'name' | 'credentialsType'> & {
      credentials?: { credentialsType?: string };
    };
    found.push({
      ...properties,
      name: datastore.name!,
      credentialsType: properties.credentials?.credentialsType
    });
  }
  const onAccount = found.filter(d => d.accountName?.toLowerCase() === location.account.toLowerCase());
  return onAccount.find(d => d.containerName === location.container) ?? onAccount[0];
}

/** The datastore's account key or SAS, or undefined when the run's identity is to be used. */
async function accessFor(
  scope: MlScope,
  datastore: DatastoreFacts,
  redactor: Redactor
): Promise<BlobAccess | undefined> {
  if (datastore.credentialsType !== 'AccountKey' && datastore.credentialsType !== 'Sas') return undefined;
  const secrets = (await scope.client.datastores.listSecrets(
    scope.resourceGroup,
    scope.workspace,
    datastore.name,
    scope.options
  )) as { key?: string; sasToken?: string };
  const secret = secrets.key ?? secrets.sasToken ?? '';
  redactor.add(secret);
  if (datastore.credentialsType === 'Sas') return { kind: 'sas', sas: secret.replace(/^\?/, '') };
  return { kind: 'key', account: datastore.accountName!, key: secret };
}
