import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPath } from '../config/ml-specs.js';

/**
 * Maps a file path inside the container (`/var/azureml-app/src/score.py`) to the repository path of the
 * uploaded code folder (`src/score.py`): the container runs the folder under a path of its own, so the
 * longest tail of the path that exists in the local folder wins.
 */
export function repositoryPath(containerFile: string, codeFolder: LocalPath | undefined): string | undefined {
  if (!codeFolder?.isDirectory) return undefined;
  const parts = containerFile.split(/[\\/]+/).filter(Boolean);
  for (let start = 0; start < parts.length; start++) {
    const tail = parts.slice(start).join('/');
    if (existsSync(join(codeFolder.absolutePath, tail)))
      return `${codeFolder.displayPath}/${tail}`.replace(/^\.\//, '');
  }
  return undefined;
}
