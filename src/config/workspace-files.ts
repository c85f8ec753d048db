import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { InputName } from '../contract/inputs.js';
import type { ConfigurationProblem } from '../run/errors.js';

/** Files larger than this are refused: no template, parameter or YAML file a user writes comes near it. */
export const MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024;

/** A user file, read and decoded, with the path the user knows it by. */
export interface WorkspaceFile {
  /** Relative to the workspace, with forward slashes: what annotations and messages show. */
  displayPath: string;
  absolutePath: string;
  text: string;
}

/**
 * Reads a file the user named in an input. Paths are relative to the workspace and must stay inside it
 * (symlinks included): the action never reads the runner's other files on a workflow's behalf.
 */
export function readWorkspaceFile(
  workspace: string,
  input: InputName,
  path: string
): { file?: WorkspaceFile; problem?: ConfigurationProblem } {
  const absolutePath = resolve(workspace, path);
  const inside = (target: string) => {
    const rel = relative(realpathSync(workspace), target);
    // `..` as a whole path segment leaves the workspace; a name like `..template.json` does not.
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  let real: string;
  try {
    real = realpathSync(absolutePath);
  } catch {
    return {
      problem: {
        input,
        message: `file '${path}' does not exist in the workspace.`,
        fix: 'Check the path (it is relative to the repository root) and that the repository is checked out.'
      }
    };
  }
  if (!inside(real)) {
    return {
      problem: {
        input,
        message: `'${path}' is outside the workspace.`,
        fix: 'Name a file inside the repository.'
      }
    };
  }
  const read = readRegularFile(real);
  if (read.kind === 'folder')
    return {
      problem: { input, message: `'${path}' is a folder, not a file.`, fix: 'Name the file itself.' }
    };
  if (read.kind === 'not regular') return { problem: { input, message: `'${path}' is not a regular file.` } };
  if (read.kind === 'too large') {
    return {
      problem: {
        input,
        file: path,
        message: `is ${read.size} bytes; configuration files are limited to ${MAX_CONFIG_FILE_BYTES} bytes.`
      }
    };
  }
  const bytes = read.bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { problem: { input, file: path, message: 'is not valid UTF-8 text.', fix: 'Save it as UTF-8.' } };
  }
  const displayPath = relative(workspace, absolutePath).split('\\').join('/');
  // A byte-order mark is legal in JSON files saved by Windows editors but not part of the content.
  return { file: { displayPath, absolutePath: real, text: text.replace(/^\uFEFF/, '') } };
}

type RegularFileRead =
  | { kind: 'read'; bytes: Buffer }
  | { kind: 'folder' }
  | { kind: 'not regular' }
  | { kind: 'too large'; size: number };

/**
 * Type and size are checked on the open descriptor that is then read, so a file swapped after the path checks
 * (for a FIFO, a device, a link) is never read: a FIFO would block the run for ever and `/dev/zero` never
 * ends. Opened non-blocking for the same reason, and without following a last-moment link; at most one byte
 * beyond the limit is read, so a file growing while it is read is refused too.
 */
function readRegularFile(real: string): RegularFileRead {
  const fd = openSync(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { kind: 'folder' };
    if (!stats.isFile()) return { kind: 'not regular' };
    if (stats.size > MAX_CONFIG_FILE_BYTES) return { kind: 'too large', size: stats.size };
    const buffer = Buffer.allocUnsafe(MAX_CONFIG_FILE_BYTES + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length < buffer.length; length += n) {
      n = readSync(fd, buffer, length, buffer.length - length, null);
    }
    if (length > MAX_CONFIG_FILE_BYTES) return { kind: 'too large', size: length };
    return { kind: 'read', bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}
