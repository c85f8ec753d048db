import type { BlobItem, BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { forEachBounded, InFlightLimit } from './in-flight-limit.js';
import type { ContentManifest, ManifestFile } from './content-hash.js';
import { storageCall } from './storage-call.js';

/** The folder `az ml` uploads local assets under in the workspace's default datastore container. */
export const LOCAL_UPLOAD_FOLDER = 'LocalUpload';

/** Blob metadata written with every uploaded file; a file counts as present only when it carries it. */
export const METADATA = { status: 'upload_status', hash: 'content_hash' } as const;

export interface UploadOptions {
  /** Block size for staged uploads; files no larger than this go up in one Put Blob. Default 16 MiB. */
  blockSize?: number;
  /** Requests (blocks or small files) on the wire at once, across all files. Default 4. */
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
const READ_CHUNK = MIB;
/**
 * Fewer, larger blocks measured faster against Azurite (bench/model-upload.bench.ts) and cost no memory,
 * as bodies are streamed; 16 MiB keeps a 1 GiB model at 64 blocks, far from Azure's 50,000.
 */
const DEFAULT_BLOCK_SIZE = 16 * MIB;
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
 * only appears once complete). Request bodies are streamed from the file in 1 MiB chunks with
 * back-pressure, so memory is bounded by `maxBlocksInFlight` × (one chunk + socket buffers), whatever the
 * block size or file size; `maxBlocksInFlight` also caps the concurrent requests across all files.
 */
export async function uploadContent(
  container: ContainerClient,
  manifest: ContentManifest,
  options: UploadOptions = {}
): Promise<UploadResult> {
  const assetPath = assetBlobPath(manifest);
  if (manifest.files.length === 0) {
    // Blob storage has no empty folders: the asset would point at nothing and fail only at deployment.
    throw new Error(
      `'${manifest.name}' holds no files; there is nothing to upload as a model or code asset.`
    );
  }
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

  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  const limit = new InFlightLimit(options.maxBlocksInFlight ?? 4);
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
        await uploadFile(blob, file, { limit, blockSize, metadata, signal: stop.signal, progress });
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
  await storageCall(
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
  limit: InFlightLimit;
  blockSize: number;
  metadata: Record<string, string>;
  signal: AbortSignal;
  progress: (bytes: number) => void;
}

async function uploadFile(blob: BlockBlobClient, file: ManifestFile, upload: FileUpload): Promise<void> {
  // Bodies are streamed from the file, so a file that changed size since it was hashed would send a body
  // shorter or longer than announced; refuse it instead.
  const size = (await stat(file.absolutePath)).size;
  if (size !== file.size) {
    throw new Error(
      `'${file.assetPath}' changed since it was hashed (${file.size} bytes, now ${size}); run again.`
    );
  }
  if (file.size <= upload.blockSize) await putWhole(blob, file, upload);
  else await putInBlocks(blob, file, upload);
}

/** A small file: one Put Blob. */
async function putWhole(blob: BlockBlobClient, file: ManifestFile, upload: FileUpload): Promise<void> {
  const release = await upload.limit.acquire();
  try {
    upload.signal.throwIfAborted();
    await storageCall(`upload blob '${blob.name}'`, () =>
      blob.upload(bodyOf(file, 0, file.size), file.size, {
        metadata: upload.metadata,
        abortSignal: upload.signal
      })
    );
    upload.progress(file.size);
  } finally {
    release();
  }
}

/** A large file: Put Block for every block (as many in flight as the limit allows), then Put Block List. */
async function putInBlocks(blob: BlockBlobClient, file: ManifestFile, upload: FileUpload): Promise<void> {
  const blocksNeeded = Math.ceil(file.size / upload.blockSize);
  if (blocksNeeded > MAX_BLOCKS) {
    throw new Error(
      `'${file.assetPath}' needs ${blocksNeeded} blocks of ${upload.blockSize} bytes; Azure allows ${MAX_BLOCKS}. Raise the block size.`
    );
  }
  const ids: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (let index = 0; index < blocksNeeded; index++) {
    const release = await upload.limit.acquire();
    if (failure || upload.signal.aborted) {
      release();
      break;
    }
    const offset = index * upload.blockSize;
    const length = Math.min(upload.blockSize, file.size - offset);
    const id = blockId(index);
    ids.push(id);
    const stage: Promise<void> = storageCall(
      `upload block ${index + 1} of ${blocksNeeded} of blob '${blob.name}'`,
      () => blob.stageBlock(id, bodyOf(file, offset, length), length, { abortSignal: upload.signal })
    )
      .then(() => upload.progress(length))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        release();
        inFlight.delete(stage);
      });
    inFlight.add(stage);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  upload.signal.throwIfAborted();
  await storageCall(`commit the ${ids.length} blocks of blob '${blob.name}'`, () =>
    blob.commitBlockList(ids, { metadata: upload.metadata, abortSignal: upload.signal })
  );
}

/**
 * A request body reading `length` bytes at `offset`. A factory, not a stream, so the storage retry policy
 * can send it again; read in 1 MiB chunks with back-pressure, so a block costs about one chunk of memory
 * plus the socket's buffers whatever the block size.
 */
function bodyOf(file: ManifestFile, offset: number, length: number): Buffer | (() => NodeJS.ReadableStream) {
  if (length === 0) return Buffer.alloc(0);
  return () =>
    createReadStream(file.absolutePath, {
      start: offset,
      end: offset + length - 1,
      highWaterMark: READ_CHUNK
    });
}

/** Block ids must have the same length within a blob; a zero-padded index gives that. */
function blockId(index: number): string {
  return Buffer.from(`block-${index.toString().padStart(6, '0')}`).toString('base64');
}
