import { realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { LocalPath } from '../ml-specs.js';

/** What a resolved path must be. */
export type PathExpectation = 'file' | 'directory' | 'any';

/**
 * Resolves a path a user wrote and checks it stays inside the workspace (after symlinks), exists and is
 * of the right kind. Returns the path or a message saying what is wrong; the caller places the message
 * (a YAML line, or an input).
 */
export function resolveInsideWorkspace(
  workspace: string,
  baseDirectory: string,
  written: string,
  expect: PathExpectation
): { path?: LocalPath; problem?: string } {
  const root = realpathSync(workspace);
  const absolute = resolve(baseDirectory, written);
  // Checked before realpath too, so a path outside the workspace is named as such even when it is missing.
  if (!isInside(root, absolute) && !isInside(resolve(workspace), absolute)) {
    return { problem: `'${written}' points outside the workspace.` };
  }
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    return { problem: `'${written}' does not exist (looked for ${displayOf(root, workspace, absolute)}).` };
  }
  if (!isInside(root, real)) {
    return { problem: `'${written}' leads outside the workspace (through a symbolic link).` };
  }
  const stats = statSync(real);
  const isDirectory = stats.isDirectory();
  // A FIFO would block the stage that reads it for ever, a device never ends: only files and folders.
  if (!isDirectory && !stats.isFile()) return { problem: `'${written}' is not a regular file or folder.` };
  if (expect === 'file' && isDirectory) return { problem: `'${written}' is a folder, not a file.` };
  if (expect === 'directory' && !isDirectory) return { problem: `'${written}' is a file, not a folder.` };
  return {
    path: { kind: 'path', absolutePath: real, displayPath: displayOf(root, workspace, absolute), isDirectory }
  };
}

/** The folder a YAML file's relative paths start from (the file's own folder, as in `az ml`). */
export function yamlBaseDirectory(yamlAbsolutePath: string): string {
  return dirname(yamlAbsolutePath);
}

/** True when `target` is `root` itself or below it. */
export function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function displayOf(realRoot: string, workspace: string, absolute: string): string {
  const base = isInside(realRoot, absolute) ? realRoot : resolve(workspace);
  const rel = relative(base, absolute).split('\\').join('/');
  return rel === '' ? '.' : rel;
}

/** Where the paths in a file are resolved. */
export interface YamlPaths {
  workspace: string;
  baseDirectory: string;
}
