import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

/** action.yml as far as the harness and the contract tests need it. */
export interface ActionManifest {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

export function readActionManifest(path = new URL('../action.yml', import.meta.url)): ActionManifest {
  return parse(readFileSync(path, 'utf8')) as ActionManifest;
}
