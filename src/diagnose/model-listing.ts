import { readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { editDistance } from '../run/closest-name.js';
import { isInside } from '../config/azml/local-paths.js';
import type { LocalPath } from '../config/ml-specs.js';
import type { ModelFiles } from './diagnosis-env.js';

/** At most this many files are listed: a model folder of thousands of shards says enough in 200. */
const LISTING_LIMIT = 200;

/**
 * The local model's files as the container sees them under `AZUREML_MODEL_DIR`: a folder keeps its own
 * name (`model/linear.json`), a single file sits at the top (`linear.json`), as Azure ML mounts them.
 */
export function localModelFiles(path: LocalPath): ModelFiles {
  const root = basename(path.absolutePath);
  if (!path.isDirectory) return { displayPath: path.displayPath, files: [root] };
  const files: string[] = [];
  // Links are followed only inside the model folder, as the upload does (src/ml/content-hash.ts): names
  // outside it are not the model's and would reach the summary; a link to a folder above would never end.
  const walk = (dir: string, prefix: string, ancestors: ReadonlySet<string>): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name)
    )) {
      if (files.length >= LISTING_LIMIT) return;
      const relative = `${prefix}/${entry.name}`;
      const target = entry.isSymbolicLink() ? realTarget(join(dir, entry.name)) : join(dir, entry.name);
      if (!target || !isInside(path.absolutePath, target) || ancestors.has(target)) continue;
      if (statSync(target).isDirectory()) walk(target, relative, new Set([...ancestors, target]));
      else files.push(relative);
    }
  };
  walk(path.absolutePath, root, new Set([path.absolutePath]));
  return { displayPath: path.displayPath, files };
}

function realTarget(link: string): string | undefined {
  try {
    return realpathSync(link);
  } catch {
    return undefined;
  }
}

/** A file the scoring script tried to open and could not, from a FileNotFoundError-like message. */
export function openedPath(message: string): string | undefined {
  return (
    /No such file or directory: '([^']+)'/.exec(message)?.[1] ??
    /No such file or directory: "([^"]+)"/.exec(message)?.[1] ??
    /(?:file|path) '([^']+)' (?:does not exist|not found)/i.exec(message)?.[1]
  );
}

/** What the script opened against what the model directory holds, with the closest match. */
export interface ModelPathMismatch {
  /** The path as opened (absolute, in the container). */
  opened: string;
  /** The same path relative to the model directory, when it lies inside it. */
  relative?: string;
  files: string[];
  closest?: string;
}

/**
 * Compares the path the script opened with the model directory's files. `modelDir` is the container's
 * `AZUREML_MODEL_DIR` (from the server log), used to make the opened path relative.
 */
export function compareModelPath(
  opened: string,
  modelDir: string | undefined,
  files: readonly string[]
): ModelPathMismatch {
  const prefix = modelDir?.replace(/[\\/]+$/, '');
  const inside = prefix && (opened === prefix || opened.startsWith(`${prefix}/`));
  // Without the server's "Model Directory" line, Azure's own layout still tells: azureml-models/<name>/<version>/.
  const relative = inside
    ? opened.slice(prefix.length + 1)
    : /\/azureml-models\/[^/]+\/[^/]+\/(.+)$/.exec(opened)?.[1];
  const wanted = relative ?? opened;
  const closest = closestFile(wanted, files);
  return {
    opened,
    ...(relative !== undefined ? { relative } : {}),
    files: [...files],
    ...(closest ? { closest } : {})
  };
}

/** The file with the same name (shortest path first), else the smallest edit distance within reason. */
function closestFile(wanted: string, files: readonly string[]): string | undefined {
  const name = wanted.split('/').at(-1)!.toLowerCase();
  const sameName = files
    .filter(file => file.split('/').at(-1)!.toLowerCase() === name)
    .sort((a, b) => a.length - b.length);
  if (sameName[0]) return sameName[0];
  let best: { file: string; distance: number } | undefined;
  for (const file of files) {
    const distance = editDistance(wanted.toLowerCase(), file.toLowerCase());
    if (!best || distance < best.distance) best = { file, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.file : undefined;
}

/** "your code opened X, the model directory contains Y" as one paragraph of evidence. */
export function describeMismatch(mismatch: ModelPathMismatch): string {
  const shown = mismatch.files.slice(0, 30);
  const more = mismatch.files.length - shown.length;
  return [
    `Your code opened: ${mismatch.relative !== undefined ? `$AZUREML_MODEL_DIR/${mismatch.relative}` : mismatch.opened}`,
    `The model directory ($AZUREML_MODEL_DIR) contains:`,
    ...(shown.length > 0 ? shown.map(file => `  ${file}`) : ['  (nothing)']),
    ...(more > 0 ? [`  … and ${more} more`] : []),
    ...(mismatch.closest ? [`Closest match: ${mismatch.closest}`] : [])
  ].join('\n');
}

/** The Python expression that opens `file` under the model directory. */
export function modelPathExpression(file: string): string {
  const parts = file.split('/').map(part => `"${part}"`);
  return `os.path.join(os.environ["AZUREML_MODEL_DIR"], ${parts.join(', ')})`;
}
