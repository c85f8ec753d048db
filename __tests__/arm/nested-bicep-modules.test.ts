import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUnknown, loadTemplate, resolveParameters, walkTemplate } from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT, FIXTURES_DIR } from './corpus.js';

/** Modules as Bicep compiles them: optional module parameters, conditional modules (see the fixture). */
const FILE = 'nested-bicep-modules.json';
const template = loadTemplate(readFileSync(join(FIXTURES_DIR, FILE), 'utf8'), FILE);

function walk(inline: Record<string, unknown> = {}) {
  const parameters = resolveParameters(template, { inline }, CONTEXT);
  return { parameters, walk: walkTemplate(template, { parameters: parameters.values, context: CONTEXT }) };
}

describe('nested deployments as Bicep writes them', () => {
  it('does not check the parameters of a deployment whose condition is false (ARM skips it)', () => {
    const { parameters, walk: result } = walk();
    expect(parameters.problems).toEqual([]);
    expect(result.problems).toEqual([]);
  });

  it('still checks them when the condition holds', () => {
    const { walk: result } = walk({ secretsVault: 'kv' });
    expect(result.problems.map(p => [p.kind, p.parameter])).toEqual([['range', 'keyVaultName']]);
  });

  it("reads a parameter given as one expression evaluating to {value} (createObject('value', …))", () => {
    const { walk: result } = walk();
    const vault = result.resources.find(r => r.type === 'Microsoft.KeyVault/vaults' && !isUnknown(r.name));
    expect(vault?.name).toBe('kv-app-standard');
    expect(vault?.scope.parameters.tags).toEqual({ env: 'dev' });
    expect(walk({ skuName: 'premium' }).walk.resources.map(r => r.name)).toContain('kv-app-premium');
  });

  it('checks the value inside such an expression against the nested declaration', () => {
    const { walk: result } = walk({ skuName: 'basic' });
    expect(result.problems.map(p => [p.kind, p.parameter])).toEqual([['allowed-values', 'sku']]);
  });

  it("a vault declared again with the name from a module's outputs is Unknown, not an error", () => {
    const { walk: result } = walk();
    const again = result.resources.find(r => r.jsonPath.join('/') === 'resources/sameVault')!;
    expect(isUnknown(again.name)).toBe(true);
    expect(again.errors).toEqual([]);
  });
});
