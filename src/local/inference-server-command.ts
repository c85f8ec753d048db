/**
 * Finds the official Azure ML inference server (`azmlinfsrv`, from the azureml-inference-server-http
 * package) on PATH, for users who ask to test with it rather than with the local emulation.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

/**
 * The absolute path of `azmlinfsrv` on `searchPath` , or undefined.
 * On Windows the pip-installed launcher is `azmlinfsrv.exe`.
 */
export async function findInferenceServerCommand(
  searchPath: string,
  platform: NodeJS.Platform = process.platform
): Promise<string | undefined> {
  const names = platform === 'win32' ? ['azmlinfsrv.exe', 'azmlinfsrv.cmd', 'azmlinfsrv'] : ['azmlinfsrv'];
  const separator = platform === 'win32' ? ';' : ':';
  for (const folder of searchPath.split(separator).filter(Boolean)) {
    for (const name of names) {
      const candidate = path.join(folder, name);
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
