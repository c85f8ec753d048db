import type { MlContext } from './ml-context.js';
import { ensureVersion, type AssetKind } from './asset-versions.js';
import { ConfigurationError } from '../run/errors.js';
import { ContentHashError, hashContent, type ContentManifest } from './content-hash.js';
import { datastoreUri } from './datastore-uri.js';
import type { AssetVersionReport } from './ml-result.js';
import type { LocalPath } from '../config/ml-specs.js';
import { openDefaultDatastore, readWorkspace, type MlScope } from './ml-workspace.js';
import { assetBlobPath, uploadContent } from './upload.js';

/** A local file or folder that becomes a model or code version. */
export interface LocalAsset {
  kind: Extract<AssetKind, 'models' | 'codes'>;
  name: string;
  /** A version the user asked for; otherwise the next free number. */
  version?: string;
  path: LocalPath;
  /** The version's properties besides its URI (model type, description). */
  properties: Record<string, unknown>;
}

const URI_PROPERTY = { models: 'modelUri', codes: 'codeUri' } as const;

/**
 * Hash → reuse a version whose URI holds the same hash (nothing uploaded, nothing registered) → else upload to
 * `LocalUpload/<hash>/<name>` in the default datastore (files already there are skipped) → register the next
 * version with the `azureml://…/datastores/<ds>/paths/…` URI. The hash in the path is what makes a re-run find
 * its earlier upload and version, as `az ml` does.
 */
export async function ensureUploadedAsset(
  context: MlContext,
  scope: MlScope,
  asset: LocalAsset
): Promise<AssetVersionReport> {
  const manifest = await hashAsset(asset, context.deadline.signal);
  const blobPath = assetBlobPath(manifest);
  let uploadedBytes = 0;
  const ensured = await ensureVersion(
    scope,
    asset.kind,
    asset.name,
    asset.version,
    version => pathOfUri(String(version.properties[URI_PROPERTY[asset.kind]] ?? '')) === blobPath,
    async () => {
      const workspace = await readWorkspace(scope);
      const datastore = await openDefaultDatastore(context, scope);
      const upload = await uploadContent(datastore.container, manifest, { signal: context.deadline.signal });
      uploadedBytes = upload.uploadedBytes;
      const uri = datastoreUri({
        subscriptionId: context.config.azure.subscriptionId,
        resourceGroup: scope.resourceGroup,
        workspace: workspace.id.split('/').at(-1) ?? scope.workspace,
        datastore: datastore.name,
        path: blobPath
      });
      return { ...asset.properties, [URI_PROPERTY[asset.kind]]: uri, isAnonymous: false };
    }
  );
  return {
    name: asset.name,
    version: ensured.version,
    id: ensured.id,
    action: ensured.reused ? 'reused' : 'registered',
    hash: manifest.hash,
    uploadedBytes
  };
}

/** Hashes the files; a link out of the folder or an empty folder is the user's to fix, so it is said as such. */
async function hashAsset(asset: LocalAsset, signal: AbortSignal): Promise<ContentManifest> {
  try {
    const manifest = await hashContent(asset.path.absolutePath, signal);
    if (manifest.files.length > 0) return manifest;
    throw new ContentHashError('holds no files; blob storage cannot hold an empty folder.');
  } catch (error) {
    if (!(error instanceof ContentHashError)) throw error;
    const what = asset.kind === 'models' ? 'model' : 'code';
    throw new ConfigurationError([
      { file: asset.path.displayPath, message: `cannot be uploaded as the ${what}: ${error.message}` }
    ]);
  }
}

/** `LocalUpload/<hash>/<name>` of an `azureml://…/paths/<path>` URI (decoded), or '' for another URI. */
function pathOfUri(uri: string): string {
  const match = /\/paths\/(.+)$/.exec(uri);
  if (!match) return '';
  try {
    return match[1]!.split('/').map(decodeURIComponent).join('/').replace(/\/+$/, '');
  } catch {
    return '';
  }
}

/** "registered loan-model:2 (1.2 MiB uploaded)", "reused loan-model:1 (same content)": a stage's outcome. */
export function describeAsset(report: AssetVersionReport): string {
  const reference = `${report.name}:${report.version}`;
  if (report.action === 'reused')
    return `reused ${reference} (same content${report.hash ? ', nothing uploaded' : ''})`;
  if (report.action === 'given') return `using registered ${reference}`;
  const bytes = report.uploadedBytes ?? 0;
  return bytes > 0
    ? `registered ${reference} (${formatBytes(bytes)} uploaded)`
    : `registered ${reference} (files already in the datastore)`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
