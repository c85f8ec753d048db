import { describe, expect, it } from '@jest/globals';
import { isUnknown, loadParametersFile, loadTemplate, resolveParameters } from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

const TEMPLATE = `{
  "parameters": {
    "name": { "type": "string", "minLength": 3, "maxLength": 8 },
    "sku": { "type": "string", "defaultValue": "standard", "allowedValues": ["standard", "premium"] },
    "count": { "type": "int", "defaultValue": 2, "minValue": 1, "maxValue": 5 },
    "enabled": { "type": "bool", "defaultValue": true },
    "tags": { "type": "object", "defaultValue": {} },
    "zones": { "type": "array", "defaultValue": ["1"], "allowedValues": ["1", "2", "3"] },
    "secret": { "type": "securestring", "defaultValue": "" },
    "fullName": { "type": "string", "defaultValue": "[format('{0}-{1}', parameters('name'), resourceGroup().location)]" },
    "stamp": { "type": "string", "defaultValue": "[utcNow()]" }
  },
  "resources": []
}`;
const template = loadTemplate(TEMPLATE, 'main.json');

function parametersFile(body: string) {
  return loadParametersFile(
    `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",
  "contentVersion": "1.0.0.0",
  "parameters": ${body}
}`,
    'main.parameters.json'
  );
}

describe('resolveParameters', () => {
  it('takes values from the file, inline overrides and defaults (which may be expressions)', () => {
    const file = parametersFile('{ "name": { "value": "app" }, "sku": { "value": "premium" } }');
    const resolved = resolveParameters(template, { file, inline: { count: 4 } }, CONTEXT);
    expect(resolved.problems).toEqual([]);
    expect(resolved.values).toMatchObject({
      name: 'app',
      sku: 'premium',
      count: 4,
      enabled: true,
      fullName: 'app-westeurope'
    });
    expect(isUnknown(resolved.values.stamp)).toBe(true);
    expect(resolved.secureNames).toEqual(['secret']);
  });

  it('reports a missing required parameter with where it is declared', () => {
    const resolved = resolveParameters(template, {}, CONTEXT);
    expect(resolved.problems).toEqual([
      expect.objectContaining({
        kind: 'missing',
        parameter: 'name',
        location: { file: 'main.json', line: 3, column: 13 }
      })
    ]);
    expect(resolved.problems[0]!.message).toMatch(/parameter 'name' has no value and no default/);
    expect(isUnknown(resolved.values.fullName) && resolved.values.fullName.reason).toBe(
      "parameter 'name' has no value"
    );
  });

  it('reports an extra parameter with the parameters file line', () => {
    const file = parametersFile('{\n    "name": { "value": "app" },\n    "colour": { "value": "red" }\n  }');
    const resolved = resolveParameters(template, { file }, CONTEXT);
    expect(resolved.problems).toEqual([
      expect.objectContaining({
        kind: 'unknown-parameter',
        parameter: 'colour',
        location: { file: 'main.parameters.json', line: 6, column: 15 }
      })
    ]);
  });

  it.each([
    [{ name: 42 }, 'type', /'name' must be string, got Integer/],
    [{ name: 'app', count: '3' }, 'type', /'count' must be int, got String/],
    [{ name: 'app', enabled: 'yes' }, 'type', /'enabled' must be bool/],
    [{ name: 'app', tags: [] }, 'type', /'tags' must be object, got Array/],
    [{ name: 'app', sku: 'basic' }, 'allowed-values', /'sku' is "basic"; allowed: "standard", "premium"/],
    [{ name: 'app', zones: ['1', '4'] }, 'allowed-values', /'zones' is "4"/],
    [{ name: 'ab' }, 'range', /length 2, below minLength 3/],
    [{ name: 'abcdefghi' }, 'range', /above maxLength 8/],
    [{ name: 'app', count: 9 }, 'range', /9, above maxValue 5/],
    [{ name: 'app', count: 0 }, 'range', /below minValue 1/]
  ])('checks %j', (inline, kind, message) => {
    const resolved = resolveParameters(template, { inline }, CONTEXT);
    expect(resolved.problems.map(p => p.kind)).toEqual([kind]);
    expect(resolved.problems[0]!.message).toMatch(message);
  });

  it('treats a Key Vault reference as Unknown and skips its checks', () => {
    const file = parametersFile(
      '{ "name": { "reference": { "keyVault": { "id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/z" }, "secretName": "n" } } }'
    );
    const resolved = resolveParameters(template, { file }, CONTEXT);
    expect(resolved.problems).toEqual([]);
    expect(isUnknown(resolved.values.name) && resolved.values.name.reason).toMatch(/Key Vault secret 'n'/);
  });

  it('reports a default that cannot be evaluated', () => {
    const bad = loadTemplate(
      '{ "parameters": { "a": { "type": "string", "defaultValue": "[parameters(\'b\')]" } }, "resources": [] }',
      't.json'
    );
    const resolved = resolveParameters(bad, {}, CONTEXT);
    expect(resolved.problems[0]).toMatchObject({ kind: 'default', parameter: 'a' });
    expect(resolved.problems[0]!.message).toMatch(/parameter 'b' is not defined/);
  });

  it('rejects a parameters file entry without value or reference, at its line', () => {
    expect(() => parametersFile('{\n    "name": "app"\n  }')).toThrow(
      /main.parameters.json:5:13: parameter 'name' must be \{ "value": … \}/
    );
  });
});
