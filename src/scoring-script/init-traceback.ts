import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { innermostUserFrame, parsePythonTraceback } from './python-traceback.js';
import type { LocalPath } from '../config/ml-specs.js';

/** Where the scoring script failed, in the user's repository. */
export interface ScriptFailure {
  exceptionType: string;
  exceptionMessage: string;
  /** Repository path (relative to the workspace), when the frame is a file of the uploaded code folder. */
  file?: string;
  line?: number;
  function?: string;
}

/**
 * Finds the traceback in an inference server log and maps its innermost user frame back to the repository.
 * The container runs the uploaded code folder under a path of its own (`/var/azureml-app/...`), so the frame's
 * file is matched by its longest tail that exists in the local code folder.
 */
export function scriptFailureFromLog(
  log: string,
  codeFolder: LocalPath | undefined
): ScriptFailure | undefined {
  const traceback = parsePythonTraceback(log);
  if (!traceback) return undefined;
  const frame = innermostUserFrame(traceback.frames);
  const failure: ScriptFailure = {
    exceptionType: traceback.exceptionType,
    exceptionMessage: traceback.exceptionMessage
  };
  if (!frame || !codeFolder?.isDirectory) return failure;
  const parts = frame.file.split(/[\\/]+/).filter(Boolean);
  for (let start = 0; start < parts.length; start++) {
    const tail = parts.slice(start).join('/');
    if (existsSync(join(codeFolder.absolutePath, tail))) {
      return {
        ...failure,
        file: `${codeFolder.displayPath}/${tail}`.replace(/^\.\//, ''),
        line: frame.line,
        ...(frame.function ? { function: frame.function } : {})
      };
    }
  }
  return failure;
}

/** One line for messages: `FileNotFoundError: … (src/score.py line 17, in init)`. */
export function describeScriptFailure(failure: ScriptFailure): string {
  const where = failure.file
    ? ` (${failure.file} line ${failure.line}${failure.function ? `, in ${failure.function}` : ''})`
    : '';
  return `${failure.exceptionType}: ${failure.exceptionMessage}${where}`;
}
