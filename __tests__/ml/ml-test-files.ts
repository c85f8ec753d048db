import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MlYamlFile } from '../../src/config/azml/ml-yaml.js';

/** The example workspace with valid managed and Kubernetes files. */
export const FIXTURE_WORKSPACE = fileURLToPath(new URL('../fixtures/ml/workspace', import.meta.url));

/** Reads a YAML file of a workspace as the config layer hands it over. */
export function mlFile(workspace: string, relativePath: string): MlYamlFile {
  const absolutePath = realpathSync(join(workspace, relativePath));
  return { displayPath: relativePath, absolutePath, text: readFileSync(absolutePath, 'utf8') };
}

/** A fresh workspace holding `files` (path → content), with a model, code and conda file by default. */
export function tempWorkspace(files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'ml-yaml-'));
  const all: Record<string, string> = {
    'model/model.json': '{}\n',
    'src/score.py': 'def init():\n    pass\n',
    'env/conda.yml': 'name: env\n',
    ...files
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export const MANAGED_DEPLOYMENT_SCHEMA =
  '$schema: https://azuremlschemas.azureedge.net/latest/managedOnlineDeployment.schema.json';
