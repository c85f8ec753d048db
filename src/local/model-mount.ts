import { copyFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LocalPath } from '../config/ml-specs.js';

/** The folder a local run passes as AZUREML_MODEL_DIR; `dispose` removes it (never the model itself). */
export interface ModelMount {
  /** The value of AZUREML_MODEL_DIR. */
  modelDir: string;
  /** How the model got there, for the log: linked, or copied when links are not allowed. */
  how: 'linked' | 'copied';
  dispose(): void;
}

/**
 * Lays the model out as Azure mounts it: a model registered from `model/` (or `model.pkl`) appears at
 * `$AZUREML_MODEL_DIR/model/` (`$AZUREML_MODEL_DIR/model.pkl`), so a scoring script that works here finds its
 * files in the cloud too. The folder holds a link to the model, not a copy (models are large); where links are
 * refused (Windows without developer mode) the model is copied.
 */
export function mountModel(model: LocalPath): ModelMount {
  const modelDir = mkdtempSync(path.join(tmpdir(), 'azureml-models-'));
  const target = path.join(modelDir, path.basename(model.absolutePath));
  let how: ModelMount['how'] = 'linked';
  try {
    // A junction needs no privilege on Windows; elsewhere the type is ignored.
    symlinkSync(model.absolutePath, target, model.isDirectory ? 'junction' : 'file');
  } catch {
    how = 'copied';
    if (model.isDirectory) cpSync(model.absolutePath, target, { recursive: true });
    else copyFileSync(model.absolutePath, target);
  }
  return {
    modelDir,
    how,
    // rmSync removes a link, not what it points to.
    dispose: () => rmSync(modelDir, { recursive: true, force: true })
  };
}
