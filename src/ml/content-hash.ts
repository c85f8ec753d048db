import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isInside } from '../config/azml/local-paths.js';

/** One file of an asset, as it will be uploaded. */
export interface ManifestFile {
  /** Path inside the asset, starting with the asset's name: `model.pkl` or `model/weights/a.bin`. */
  assetPath: string;
  absolutePath: string;
  size: number;
}

/** A file or folder about to become a model or code asset, with its content hash. */
export interface ContentManifest {
  /** The file's or folder's own name, the last segment of `LocalUpload/<hash>/<name>`. */
  name: string;
  kind: 'file' | 'directory';
  /** Lower-case hex SHA-256 by {@link CONTENT_HASH_SCHEME}. */
  hash: string;
  /** Sorted by `assetPath` in UTF-8 byte order. */
  files: ManifestFile[];
  totalBytes: number;
}

/**
 * The content hash, version 1. SHA-256 over, in this order:
 *
 *   `azureml-staged-deploy content v1\n`
 *   `root\0<name>\0<file|directory>\n`
 *   then for every regular file, sorted by asset path in UTF-8 byte order:
 *   `file\0<asset path>\0<size in decimal>\n` followed by exactly <size> bytes of content
 *
 * The asset path starts with the root's name and uses `/` (`model/sub/a.bin`; a single file's is its name).
 * Sizes make every boundary unambiguous, so no two different trees share a byte stream. Modification times,
 * permissions, traversal order and empty folders (blob storage has no folders) do not count. Symbolic links
 * are followed while they stay inside the root; one leading outside it is an error (never upload the
 * runner's other files). Files are streamed, so memory stays bounded whatever their size.
 */
export const CONTENT_HASH_SCHEME = 'azureml-staged-deploy content v1';

/** Thrown when a file or folder cannot be hashed (missing, a link out of the folder, changed while read). */
export class ContentHashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ContentHashError';
  }
}

/** Lists and hashes a file or folder. */
export async function hashContent(path: string, signal?: AbortSignal): Promise<ContentManifest> {
  const root = await realpath(path).catch(() => {
    throw new ContentHashError(`'${path}' does not exist.`);
  });
  const name = basename(root);
  const rootStats = await stat(root);
  // In a folder only regular files are content (below); a FIFO or device named on its own is refused, as
  // reading it would block for ever or never end.
  if (!rootStats.isDirectory() && !rootStats.isFile()) {
    throw new ContentHashError(`'${name}' is neither a regular file nor a folder.`);
  }
  const kind = rootStats.isDirectory() ? 'directory' : 'file';
  const files =
    kind === 'file'
      ? [{ assetPath: name, absolutePath: root, size: rootStats.size }]
      : await listFiles(root, name);
  files.sort((a, b) => Buffer.compare(Buffer.from(a.assetPath), Buffer.from(b.assetPath)));

  const hash = createHash('sha256');
  hash.update(`${CONTENT_HASH_SCHEME}\n`);
  hash.update(`root\0${name}\0${kind}\n`);
  let totalBytes = 0;
  for (const file of files) {
    signal?.throwIfAborted();
    hash.update(`file\0${file.assetPath}\0${file.size}\n`);
    await hashFile(hash, file, signal);
    totalBytes += file.size;
  }
  return { name, kind, hash: hash.digest('hex'), files, totalBytes };
}

async function hashFile(hash: Hash, file: ManifestFile, signal?: AbortSignal): Promise<void> {
  let read = 0;
  const stream = createReadStream(file.absolutePath, {
    highWaterMark: 1024 * 1024,
    ...(signal ? { signal } : {})
  });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    read += chunk.length;
    hash.update(chunk);
  }
  if (read !== file.size) {
    throw new ContentHashError(
      `'${file.assetPath}' changed while it was read (${file.size} bytes, then ${read}).`
    );
  }
}

/** Every regular file below `root`, following links that stay inside it. */
async function listFiles(root: string, rootName: string): Promise<ManifestFile[]> {
  const files: ManifestFile[] = [];
  // Only the folders above the current one are tracked: a link to a sibling folder is content (listed under
  // both paths, as it would be uploaded), a link to an ancestor would be walked for ever.
  const walk = async (directory: string, prefix: string, ancestors: ReadonlySet<string>): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const absolute = join(directory, entry.name);
      const assetPath = `${prefix}/${entry.name}`;
      let target = absolute;
      if (entry.isSymbolicLink()) {
        target = await realpath(absolute).catch(() => {
          throw new ContentHashError(`'${assetPath}' is a broken symbolic link.`);
        });
        if (!isInside(root, target)) {
          throw new ContentHashError(`'${assetPath}' is a symbolic link leading outside '${rootName}'.`);
        }
      }
      const stats = await lstat(target);
      if (stats.isDirectory()) {
        if (ancestors.has(target)) {
          throw new ContentHashError(`'${assetPath}' is a symbolic link to a folder that contains it.`);
        }
        await walk(target, assetPath, new Set([...ancestors, target]));
      } else if (stats.isFile()) {
        files.push({ assetPath, absolutePath: target, size: stats.size });
      }
    }
  };
  await walk(root, rootName, new Set([root]));
  return files;
}
