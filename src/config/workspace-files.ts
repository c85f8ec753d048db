import { readFileSync, realpathSync, statSync } from 'node:fs';
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
  const stats = statSync(real);
  if (!stats.isFile()) return { problem: { input, message: `'${path}' is not a file.` } };
  if (stats.size > MAX_CONFIG_FILE_BYTES) {
    return {
      problem: {
        input,
        file: path,
        message: `is ${stats.size} bytes; configuration files are limited to ${MAX_CONFIG_FILE_BYTES} bytes.`
      }
    };
  }
  const bytes = readFileSync(real);
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
