import { describe, expect, it } from '@jest/globals';
import { isUnknown, loadParametersFile, loadTemplate, resolveParameters } from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

/** Parameter declarations as Bicep compiles them today (languageVersion 2.0), which ARM accepts. */
const TEMPLATE = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "languageVersion": "2.0",
  "contentVersion": "1.0.0.0",
  "definitions": {
    "lockType": {
      "type": "object",
      "properties": {
        "name": { "type": "string", "nullable": true },
        "kind": { "type": "string", "allowedValues": ["CanNotDelete", "None", "ReadOnly"], "nullable": true }
      },
      "nullable": true
    },
    "sealedType": {
      "type": "object",
      "properties": { "id": { "type": "string" } },
      "additionalProperties": false
    },
    "secretType": {
      "type": "object",
      "discriminator": {
        "propertyName": "kind",
        "mapping": {
          "plain": { "type": "object", "properties": { "kind": { "type": "string", "allowedValues": ["plain"] }, "value": { "type": "securestring" } } },
          "ref": { "$ref": "#/definitions/sealedType" }
        }
      }
    },
    "passwordType": { "type": "securestring", "minLength": 8 }
  },
  "parameters": {
    "lock": { "$ref": "#/definitions/lockType" },
    "owner": { "$ref": "#/definitions/sealedType", "metadata": { "description": "Required." } },
    "secret": { "$ref": "#/definitions/secretType", "nullable": true },
    "password": { "$ref": "#/definitions/passwordType" },
    "tags": { "type": "object", "nullable": true },
    "sku": { "type": "string", "defaultValue": "standard", "allowedValues": ["standard", "premium"] },
    "fullName": { "type": "string", "defaultValue": "[format('{0}-{1}', parameters('prefix'), parameters('sku'))]" },
    "prefix": { "type": "string", "defaultValue": "[toLower(parameters('name'))]" },
    "name": { "type": "string", "maxLength": 8 },
    "external": { "$ref": "#/definitions/notDeclaredHere" }
  },
  "resources": {}
}`;
const template = loadTemplate(TEMPLATE, 'main.json');
const REQUIRED = { owner: { id: 'x' }, password: 'long-enough', name: 'APP', external: 1 };

describe('parameters as Bicep declares them (languageVersion 2.0)', () => {
  it('gives null to nullable parameters without a value, as ARM does', () => {
    const resolved = resolveParameters(template, { inline: REQUIRED }, CONTEXT);
    expect(resolved.problems).toEqual([]);
    expect(resolved.values.lock).toBeNull();
    expect(resolved.values.secret).toBeNull();
    expect(resolved.values.tags).toBeNull();
  });

  it('still refuses a required parameter declared by $ref, and checks the type it refers to', () => {
    const withoutOwner: Record<string, unknown> = { ...REQUIRED };
    delete withoutOwner.owner;
    const missing = resolveParameters(template, { inline: withoutOwner }, CONTEXT);
    expect(missing.problems.map(p => [p.kind, p.parameter])).toEqual([['missing', 'owner']]);
    const short = resolveParameters(template, { inline: { ...REQUIRED, password: 'short' } }, CONTEXT);
    expect(short.problems.map(p => [p.kind, p.parameter])).toEqual([['range', 'password']]);
    const wrongType = resolveParameters(template, { inline: { ...REQUIRED, owner: 'x' } }, CONTEXT);
    expect(wrongType.problems.map(p => [p.kind, p.parameter])).toEqual([['type', 'owner']]);
  });

  it('accepts a $ref it cannot follow and discriminated objects, leaving the verdict to ARM', () => {
    const secret = { kind: 'ref', id: 'x' };
    const resolved = resolveParameters(template, { inline: { ...REQUIRED, secret } }, CONTEXT);
    expect(resolved.problems).toEqual([]);
    expect(resolved.values.secret).toEqual(secret);
  });

  it('knows secure values behind a $ref', () => {
    expect(resolveParameters(template, { inline: REQUIRED }, CONTEXT).secureNames).toEqual(['password']);
  });

  it('uses the default when null is passed for a parameter that has one', () => {
    const file = loadParametersFile(
      '{ "parameters": { "sku": { "value": null }, "name": { "value": "app" } } }',
      'main.parameters.json'
    );
    const inline: Record<string, unknown> = { ...REQUIRED };
    delete inline.name;
    const resolved = resolveParameters(template, { file, inline }, CONTEXT);
    expect(resolved.problems).toEqual([]);
    expect(resolved.values.sku).toBe('standard');
  });

  it('evaluates defaults in dependency order: a default may use a parameter declared after it', () => {
    const resolved = resolveParameters(template, { inline: REQUIRED }, CONTEXT);
    expect(resolved.values.prefix).toBe('app');
    expect(resolved.values.fullName).toBe('app-standard');
  });

  it('reports a cycle between defaults, as ARM does', () => {
    const cyclic = loadTemplate(
      `{ "parameters": {
          "a": { "type": "string", "defaultValue": "[parameters('b')]" },
          "b": { "type": "string", "defaultValue": "[parameters('a')]" } },
        "resources": [] }`,
      'cyclic.json'
    );
    const resolved = resolveParameters(cyclic, {}, CONTEXT);
    expect(resolved.problems).toHaveLength(1);
    expect(resolved.problems[0]!.message).toMatch(/a → b → a form a cycle/);
    expect(isUnknown(resolved.values.a)).toBe(true);
  });
});
