import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readActionManifest, type ActionManifest } from './action-manifest.js';

/**
 * The README's inputs table is generated from action.yml (`npm run readme`), and a test fails when the two
 * differ, so the documentation can never promise an input the action does not have.
 */
const START = '<!-- inputs-table: kept equal to action.yml by __tests__/action/readme-inputs.test.ts -->';
const END = '<!-- /inputs-table -->';

export function renderInputsTable(manifest: ActionManifest): string {
  const rows = Object.entries(manifest.inputs).map(([name, spec]) => {
    const description = spec.description.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|');
    const fallback = spec.default === undefined ? '' : `\`${spec.default}\``;
    return `| \`${name}\` | ${spec.required ? 'yes' : 'no'} | ${fallback} | ${description} |`;
  });
  return [
    START,
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
    ...rows,
    END
  ].join('\n');
}

/** The README text with its inputs table replaced by the one action.yml implies. */
export function withInputsTable(readme: string, manifest: ActionManifest): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README.md lacks the markers ${START} … ${END}`);
  return readme.slice(0, start) + renderInputsTable(manifest) + readme.slice(end + END.length);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = new URL('../README.md', import.meta.url);
  writeFileSync(path, withInputsTable(readFileSync(path, 'utf8'), readActionManifest()));
}
