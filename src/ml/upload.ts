import type { BlobItem, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { open, type FileHandle } from 'node:fs/promises';
import { azureCall } from '../azure/azure-error.js';
import { BlockPool, forEachBounded } from './block-pool.js';
import type { ContentManifest, ManifestFile } from './content-hash.js';

/** The folder `az ml` uploads local assets under in the workspace's default datastore container. */
export const LOCAL_UPLOAD_FOLDER = 'LocalUpload';

/** Blob metadata written with every uploaded file; a file counts as present only when it carries it. */
export const METADATA = { status: 'upload_status', hash: 'content_hash' } as const;

export interface UploadOptions {
  /** Block size for staged uploads; files no larger than this go up in one Put Blob. Default 8 MiB. */
  blockSize?: number;
  /** Blocks held in memory (read, or on the wire) across all files. Default 8, i.e. 64 MiB at 8 MiB. */
  maxBlocksInFlight?: number;
  /** Files uploaded at once. Default 4. */
  maxFilesInParallel?: number;
  /** The run's deadline or cancellation. */
  signal?: AbortSignal;
  /** Called after each stored block or small file with the bytes stored so far. */
  onProgress?: (uploadedBytes: number) => void;
}

export interface UploadResult {
  /** `LocalUpload/<hash>/<name>`: the asset's path in the container (a blob, or a virtual folder). */
  assetPath: string;
  /** True when every file was already there and nothing was written. */
  skipped: boolean;
  uploadedFiles: number;
  uploadedBytes: number;
  /** Files found already uploaded (all of them when skipped; some after an interrupted upload). */
  reusedFiles: number;
}

const MIB = 1024 * 1024;
/** Azure's limit of committed blocks per blob. */
const MAX_BLOCKS = 50_000;

/** `LocalUpload/<hash>/<name>` for a manifest. */
export function assetBlobPath(manifest: ContentManifest): string {
  return `${LOCAL_UPLOAD_FOLDER}/${manifest.hash}/${manifest.name}`;
}

/**
 * Uploads a hashed file or folder to `LocalUpload/<hash>/<name>/…`, as `az ml` lays assets out. Files
 * already stored under the prefix with the same size and content hash metadata are not uploaded again, so
 * a re-run uploads nothing (one List Blobs request) and an interrupted upload resumes.
 *
 * Large files go up as staged blocks (Put Block ×n, then Put Block List carrying the metadata, so a blob
 * only appears once complete). Memory is bounded by `maxBlocksInFlight × blockSize`: each block is read
 * into a pooled buffer at its offset and the buffer is reused once Azure stored it.
 */
export async function uploadContent(
  container: ContainerClient,
  manifest: ContentManifest,
  options: UploadOptions = {}
): Promise<UploadResult> {
  const assetPath = assetBlobPath(manifest);
  const present = await listPresent(container, manifest, options.signal);
  const missing = manifest.files.filter(file => !present.has(blobNameOf(manifest, file)));
  const result = {
    assetPath,
    skipped: missing.length === 0,
    uploadedFiles: 0,
    uploadedBytes: 0,
    reusedFiles: manifest.files.length - missing.length
  };
  if (missing.length === 0) return result;

  const blockSize = options.blockSize ?? 8 * MIB;
  const pool = new BlockPool(options.maxBlocksInFlight ?? 8, blockSize);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const progress = (bytes: number): void => {
    result.uploadedBytes += bytes;
    options.onProgress?.(result.uploadedBytes);
  };
  try {
    await forEachBounded(missing, options.maxFilesInParallel ?? 4, async file => {
      const blob = container.getBlockBlobClient(blobNameOf(manifest, file));
      const metadata = { [METADATA.status]: 'completed', [METADATA.hash]: manifest.hash };
      try {
        await uploadFile(blob, file, { pool, blockSize, metadata, signal: stop.signal, progress });
      } catch (error) {
        // The other files stop at their next block instead of running on after a failure.
        stop.abort(error);
        throw error;
      }
      result.uploadedFiles++;
    });
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return result;
}

/** Names of blobs under the asset's prefix that hold a complete upload of the same content. */
async function listPresent(
  container: ContainerClient,
  manifest: ContentManifest,
  signal?: AbortSignal
): Promise<Set<string>> {
  const expected = new Map(manifest.files.map(file => [blobNameOf(manifest, file), file.size]));
  const present = new Set<string>();
  await azureCall(
    `list the blobs under ${LOCAL_UPLOAD_FOLDER}/${manifest.hash}/ in container '${container.containerName}'`,
    async () => {
      const pages = container.listBlobsFlat({
        prefix: `${LOCAL_UPLOAD_FOLDER}/${manifest.hash}/`,
        includeMetadata: true,
        ...(signal ? { abortSignal: signal } : {})
      });
      for await (const item of pages) {
        if (isComplete(item, expected.get(item.name), manifest.hash)) present.add(item.name);
      }
    }
  );
  return present;
}

function isComplete(item: BlobItem, expectedSize: number | undefined, hash: string): boolean {
  return (
    expectedSize !== undefined &&
    item.properties.contentLength === expectedSize &&
    item.metadata?.[METADATA.hash] === hash &&
    item.metadata?.[METADATA.status] === 'completed'
  );
}

function blobNameOf(manifest: ContentManifest, file: ManifestFile): string {
  return `${LOCAL_UPLOAD_FOLDER}/${manifest.hash}/${file.assetPath}`;
}

interface FileUpload {
  pool: BlockPool;
  blockSize: number;
  metadata: Record<string, string>;
  signal: AbortSignal;
  progress: (bytes: number) => void;
}

async function uploadFile(blob: BlockBlobClient, file: ManifestFile, upload: FileUpload): Promise<void> {
  const handle = await open(file.absolutePath, 'r');
  try {
    if (file.size <= upload.blockSize) await putWhole(blob, handle, file, upload);
    else await putInBlocks(blob, handle, file, upload);
  } finally {
    await handle.close();
  }
}

/** A small file: one Put Blob. */
async function putWhole(
  blob: BlockBlobClient,
  handle: FileHandle,
  file: ManifestFile,
  upload: FileUpload
): Promise<void> {
  const buffer = await upload.pool.acquire();
  try {
    const body = await readExactly(handle, buffer, 0, file.size, file);
    upload.signal.throwIfAborted();
    await azureCall(`upload blob '${blob.name}'`, () =>
      blob.upload(body, body.length, { metadata: upload.metadata, abortSignal: upload.signal })
    );
    upload.progress(file.size);
  } finally {
    upload.pool.release(buffer);
  }
}

/** A large file: Put Block for every block (as many in flight as the pool allows), then Put Block List. */
async function putInBlocks(
  blob: BlockBlobClient,
  handle: FileHandle,
  file: ManifestFile,
  upload: FileUpload
): Promise<void> {
  // Azure allows 50,000 blocks a blob; a file that would need more gets proportionally larger reads.
  const blocksNeeded = Math.ceil(file.size / upload.blockSize);
  if (blocksNeeded > MAX_BLOCKS) {
    throw new Error(
      `'${file.assetPath}' needs ${blocksNeeded} blocks of ${upload.blockSize} bytes; Azure allows ${MAX_BLOCKS}. Raise the block size.`
    );
  }
  const ids: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (let index = 0; index < blocksNeeded && !failure; index++) {
    const buffer = await upload.pool.acquire();
    if (failure || upload.signal.aborted) {
      upload.pool.release(buffer);
      break;
    }
    const offset = index * upload.blockSize;
    const length = Math.min(upload.blockSize, file.size - offset);
    const id = blockId(index);
    ids.push(id);
    const stage = readExactly(handle, buffer, offset, length, file)
      .then(body =>
        azureCall(`upload block ${index + 1} of ${blocksNeeded} of blob '${blob.name}'`, () =>
          blob.stageBlock(id, body, length, { abortSignal: upload.signal })
        )
      )
      .then(() => upload.progress(length))
      .catch(error => {
        failure ??= { error };
      })
      .finally(() => {
        upload.pool.release(buffer);
        inFlight.delete(stage);
      });
    inFlight.add(stage);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  upload.signal.throwIfAborted();
  await azureCall(`commit the ${ids.length} blocks of blob '${blob.name}'`, () =>
    blob.commitBlockList(ids, { metadata: upload.metadata, abortSignal: upload.signal })
  );
}

/** Block ids must have the same length within a blob; a zero-padded index gives that. */
function blockId(index: number): string {
  return Buffer.from(`block-${index.toString().padStart(6, '0')}`).toString('base64');
}

/** Reads `length` bytes at `offset` into `buffer`; a file that shrank since it was hashed is an error. */
async function readExactly(
  handle: FileHandle,
  buffer: Buffer,
  offset: number,
  length: number,
  file: ManifestFile
): Promise<Buffer> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) {
      throw new Error(
        `'${file.assetPath}' changed while it was uploaded: it is shorter than the ${file.size} bytes hashed.`
      );
    }
    filled += bytesRead;
  }
  return buffer.subarray(0, length);
}
