/**
 * Finds programs on PATH: the Python interpreter the local server and preflight run with, and the official
 * Azure ML inference server (`azmlinfsrv`, from the azureml-inference-server-http package) for users who ask
 * to test with it rather than with the built-in emulation.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/** How to install the official server, for the message when it is asked for and missing. */
export const AZMLINFSRV_INSTALL = 'pip install azureml-inference-server-http';

/**
 * The absolute path of `azmlinfsrv` on `searchPath` , or undefined.
 * On Windows the pip-installed launcher is `azmlinfsrv.exe`.
 */
export function findInferenceServerCommand(
  searchPath: string,
  platform: NodeJS.Platform = process.platform
): Promise<string | undefined> {
  return findCommand('azmlinfsrv', searchPath, platform);
}

/**
 * The Python interpreter on `searchPath`: `python3`, or on Windows `python` (the python.org installer and
 * actions/setup-python put `python.exe` on PATH, not `python3.exe`).
 */
export async function findPython(
  searchPath: string,
  platform: NodeJS.Platform = process.platform
): Promise<string | undefined> {
  if (platform !== 'win32') return findCommand('python3', searchPath, platform);
  return (await findCommand('python', searchPath, platform)) ?? findCommand('python3', searchPath, platform);
}

/** The first executable file called `name` (on Windows also `name.exe`/`name.cmd`) in `searchPath`. */
export async function findCommand(
  name: string,
  searchPath: string,
  platform: NodeJS.Platform = process.platform
): Promise<string | undefined> {
  const names = platform === 'win32' ? [`${name}.exe`, `${name}.cmd`, name] : [name];
  const separator = platform === 'win32' ? ';' : ':';
  for (const folder of searchPath.split(separator).filter(Boolean)) {
    for (const candidate of names.map(file => path.join(folder, file))) {
      try {
        await access(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}
