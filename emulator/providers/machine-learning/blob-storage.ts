import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BlobServiceClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions
} from '@azure/storage-blob';
import type { EmulatorFacts } from '../../facts.js';

/** A blob location: container and blob name (or folder prefix without a trailing slash). */
export interface BlobLocation {
  container: string;
  path: string;
}

/**
 * The workspace's storage account, which in the emulator is Azurite behind the emulator's HTTPS proxy.
 * The provider reaches it as any client does: through `facts.blobEndpoint`, trusting the emulator's CA.
 */
export class WorkspaceStorage {
  #client: BlobServiceClient | undefined;

  constructor(private readonly facts: EmulatorFacts) {}

  async #service(): Promise<BlobServiceClient> {
    if (this.#client) return this.#client;
    const ca = await readFile(this.facts.caCertPath, 'utf8');
    // StoragePipelineOptions does not declare tlsOptions, but passes unknown options on to the core
    // pipeline, whose TLS policy honours them: the only way to trust a CA in-process without env variables.
    const options = { tlsOptions: { ca }, retryOptions: { maxTries: 2 } } as StoragePipelineOptions;
    const credential = new StorageSharedKeyCredential(
      this.facts.storageAccountName,
      this.facts.storageAccountKey
    );
    this.#client = new BlobServiceClient(this.facts.blobEndpoint, credential, options);
    return this.#client;
  }

  async ensureContainer(name: string): Promise<void> {
    await (await this.#service()).getContainerClient(name).createIfNotExists();
  }

  async upload(location: BlobLocation, text: string): Promise<void> {
    const container = (await this.#service()).getContainerClient(location.container);
    await container.createIfNotExists();
    await container.getBlockBlobClient(location.path).upload(text, Buffer.byteLength(text));
  }

  /** Blob names at `location`: the blob itself, or every blob under it as a folder. */
  async list(location: BlobLocation): Promise<string[]> {
    const container = (await this.#service()).getContainerClient(location.container);
    if (!(await container.exists())) return [];
    const prefix = location.path.replace(/\/+$/, '');
    const names: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix })) {
      if (blob.name === prefix || blob.name.startsWith(prefix + '/') || prefix === '') names.push(blob.name);
    }
    return names;
  }

  /**
   * Downloads the blobs at `location` into `targetDir`, keeping the last segment of the location (the asset
   * folder or file name) as Azure's storage initializer does. Returns the files written, relative to it.
   */
  async download(location: BlobLocation, names: string[], targetDir: string): Promise<string[]> {
    const container = (await this.#service()).getContainerClient(location.container);
    const prefix = location.path.replace(/\/+$/, '');
    const parent = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const written: string[] = [];
    for (const name of names) {
      const relative = name.slice(parent.length);
      const file = path.join(targetDir, ...relative.split('/'));
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, await container.getBlobClient(name).downloadToBuffer());
      written.push(relative);
    }
    return written;
  }
}

const DATASTORE_URI =
  /^azureml:\/\/(?:subscriptions\/[^/]+\/resource[gG]roups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths\/(.*)$/i;

/**
 * Where an asset URI points: `azureml://…/datastores/<ds>/paths/<path>` (long or short form), a blob URL
 * through the emulator's endpoint, or a real-looking `https://<account>.blob.core.windows.net/<c>/<path>`.
 * `containerOf` maps a datastore name to its container; undefined for an unknown datastore.
 */
export function resolveAssetUri(
  uri: string,
  blobEndpoint: string,
  containerOf: (datastore: string) => string | undefined
): BlobLocation | { error: string } {
  const datastore = DATASTORE_URI.exec(uri);
  if (datastore) {
    const container = containerOf(datastore[1]);
    if (!container) return { error: `datastore '${datastore[1]}' does not exist in this workspace` };
    return { container, path: decodeURIComponent(datastore[2]).replace(/^\/+/, '') };
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return { error: `'${uri}' is neither an azureml:// datastore URI nor a blob URL` };
  }
  const base = new URL(blobEndpoint);
  let segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (url.host === base.host) segments = segments.slice(base.pathname.split('/').filter(Boolean).length);
  else if (!/\.blob\.core\.windows\.net$/i.test(url.hostname)) {
    return { error: `'${uri}' is not a blob in the workspace storage account` };
  }
  if (segments.length === 0) return { error: `'${uri}' names no container` };
  return { container: segments[0], path: segments.slice(1).join('/') };
}
