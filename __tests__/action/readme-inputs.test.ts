import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { readActionManifest } from '../../harness/action-manifest.js';
import { withInputsTable } from '../../harness/readme-inputs-table.js';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

  it('documents exactly the inputs of action.yml (run `npm run readme` after changing action.yml)', () => {
    expect(readme).toBe(withInputsTable(readme, readActionManifest()));
  });

  it('starts with the install-and-demo and the test command', () => {
    const firstBlock = /```bash\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toMatch(/^npm ci && npm run demo/m);
    expect(firstBlock).toMatch(/^npm test/m);
  });
});
