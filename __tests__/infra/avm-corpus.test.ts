import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkCorpus, moduleFiles } from '../../harness/avm-corpus.js';

/**
 * The Azure Verified Modules corpus (see __tests__/fixtures/avm/PROVENANCE.md): ARM deploys every one of
 * these resource-group modules with the parameters generated from its declarations, so the action's offline
 * check (as parse-config runs it, with key-vault-policy preserve) must refuse none of them.
 */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'avm');
const results = checkCorpus(moduleFiles(ROOT), ROOT);

describe('the AVM resource-module corpus', () => {
  it('has the modules the provenance lists', () => {
    expect(results.length).toBeGreaterThanOrEqual(30);
  });

  it.each(results.filter(r => r.scope === 'resourceGroup').map(r => [r.file, r.problems] as const))(
    '%s is not refused offline',
    (_, problems) => {
      expect(problems).toEqual([]);
    }
  );

  it.each(results.filter(r => r.scope !== 'resourceGroup').map(r => [r.file, r] as const))(
    '%s is refused once, saying its scope is not supported yet',
    (file, result) => {
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0]).toMatch(new RegExp(`^${file}:2: This template deploys at .* scope`));
      expect(result.problems[0]).toMatch(/not supported yet/);
    }
  );
});
