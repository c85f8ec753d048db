import { describe, expect, it } from '@jest/globals';
import { evaluate, isUnknown, simpleScope, TemplateExpressionError } from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT } from './corpus.js';

const scope = simpleScope(CONTEXT, { name: 'App', list: [1, 2, 3], obj: { a: { b: 'x' } } }, { v: 'var' });
const run = (expression: string) => evaluate(expression, scope);
const reasonOf = (value: unknown) =>
  isUnknown(value) ? value.reason : `not unknown: ${JSON.stringify(value)}`;

describe('evaluate: literals and access', () => {
  it.each([
    ['[[notAnExpression]', '[notAnExpression]'],
    ['plain text', 'plain text'],
    ["['it''s']", "it's"],
    ["[parameters('obj').a.b]", 'x'],
    ["[parameters('obj')['a']['b']]", 'x'],
    ["[parameters('list')[1]]", 2],
    ["[variables('v')]", 'var'],
    ['[true()]', true],
    ['[null()]', null]
  ])('%s → %j', (expression, expected) => expect(run(expression)).toEqual(expected));

  it('evaluates expressions inside objects and arrays, including keys', () => {
    expect(evaluate({ "[toLower('K')]": ['[add(1, 2)]', 'x'] }, scope)).toEqual({ k: [3, 'x'] });
  });

  it('reports a missing property with the expression and position', () => {
    expect(() => run("[parameters('obj').nope]")).toThrow(TemplateExpressionError);
    expect(() => run("[parameters('obj').nope]")).toThrow(/Property 'nope' doesn't exist .* at position 18/);
  });

  it('reports an unknown function', () => {
    expect(() => run("[frobnicate('a')]")).toThrow(/Unknown function 'frobnicate' at position 1/);
  });
});

describe('evaluate: functions', () => {
  it.each([
    ["[concat('a', 1, 'b')]", 'a1b'],
    ['[concat(createArray(1), createArray(2, 3))]', [1, 2, 3]],
    ["[format('{0}-{1:D3}-{{x}}', 'a', 7)]", 'a-007-{x}'],
    ["[toUpper(substring('abcdef', 1, 3))]", 'BCD'],
    ["[replace('a-b-c', '-', '')]", 'abc'],
    ["[split('a,b;c', createArray(',', ';'))]", ['a', 'b', 'c']],
    ["[join(createArray('a', 'b'), ',')]", 'a,b'],
    ["[trim('  x ')]", 'x'],
    ["[padLeft('7', 3, '0')]", '007'],
    ["[startsWith('Hello', 'he')]", true],
    ["[indexOf('abcabc', 'c')]", 2],
    ["[lastIndexOf('abcabc', 'c')]", 5],
    ["[string(createObject('a', 1))]", '{"a":1}'],
    ['[json(\'{"a":[1]}\').a[0]]', 1],
    ["[base64ToString(base64('hé'))]", 'hé'],
    ['[base64ToJson(base64(\'{"k":true}\')).k]', true],
    ["[dataUriToString(dataUri('hi'))]", 'hi'],
    ["[uri('https://x.org/a/b', 'c')]", 'https://x.org/a/c'],
    ["[uriComponentToString(uriComponent('a b/c'))]", 'a b/c'],
    ["[length(parameters('list'))]", 3],
    ["[empty('')]", true],
    ["[contains(parameters('list'), 2)]", true],
    ["[contains(createObject('Key', 1), 'key')]", true],
    ["[first(parameters('list'))]", 1],
    ["[last('abc')]", 'c'],
    ["[take(parameters('list'), 2)]", [1, 2]],
    ["[skip(parameters('list'), 2)]", [3]],
    ['[union(createArray(1, 2), createArray(2, 3))]', [1, 2, 3]],
    ["[union(createObject('a', 1), createObject('b', 2))]", { a: 1, b: 2 }],
    ['[intersection(createArray(1, 2), createArray(2, 3))]', [2]],
    ['[range(5, 3)]', [5, 6, 7]],
    ['[min(createArray(3, 1, 2))]', 1],
    ['[max(3, 9)]', 9],
    ["[coalesce(null(), null(), 'x')]", 'x'],
    [
      "[items(createObject('b', 2, 'a', 1))]",
      [
        { key: 'a', value: 1 },
        { key: 'b', value: 2 }
      ]
    ],
    ["[objectKeys(createObject('a', 1))]", ['a']],
    ["[shallowMerge(createArray(createObject('a', 1), createObject('a', 2, 'b', 3)))]", { a: 2, b: 3 }],
    ["[tryGet(parameters('obj'), 'a', 'missing')]", null],
    ['[and(true(), not(false()))]', true],
    ["[or(false(), equals('a', 'a'))]", true],
    ['[less(1, 2)]', true],
    ["[greaterOrEquals('b', 'a')]", true],
    ["[bool('TRUE')]", true],
    ['[div(-7, 2)]', -3],
    ['[mod(7, 3)]', 1],
    ['[mul(sub(5, 2), add(1, 1))]', 6],
    ["[int('42')]", 42],
    ["[float('1.5')]", 1.5],
    ["[filter(parameters('list'), lambda('x', greater(lambdaVariables('x'), 1)))]", [2, 3]],
    ["[map(parameters('list'), lambda('x', mul(lambdaVariables('x'), 10)))]", [10, 20, 30]],
    [
      "[reduce(parameters('list'), 0, lambda('acc', 'x', add(lambdaVariables('acc'), lambdaVariables('x'))))]",
      6
    ],
    [
      "[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), lambdaVariables('b'))))]",
      [1, 2, 3]
    ],
    [
      "[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')), lambda('x', toUpper(lambdaVariables('x'))))]",
      { a: 'A', b: 'B' }
    ],
    ['[uniqueString(resourceGroup().id)]', 'bmg7c6xu4tw46'],
    ["[guid('test', 'value')]", '95b33d6a-06a0-5961-9b94-a0f6c648352b'],
    ["[UNIQUESTRING('test')]", 'rbgf3xv4ufgzg']
  ])('%s → %j', (expression, expected) => expect(run(expression)).toEqual(expected));

  it('builds resource ids for every overload', () => {
    const sub = CONTEXT.subscriptionId;
    expect(run("[resourceId('Microsoft.KeyVault/vaults', 'kv')]")).toBe(
      `/subscriptions/${sub}/resourceGroups/my-rg/providers/Microsoft.KeyVault/vaults/kv`
    );
    expect(run("[resourceId('other', 'Microsoft.KeyVault/vaults/secrets', 'kv', 's')]")).toBe(
      `/subscriptions/${sub}/resourceGroups/other/providers/Microsoft.KeyVault/vaults/kv/secrets/s`
    );
    expect(run("[resourceId('s2', 'rg2', 'Microsoft.KeyVault/vaults', 'kv')]")).toBe(
      '/subscriptions/s2/resourceGroups/rg2/providers/Microsoft.KeyVault/vaults/kv'
    );
    expect(run("[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'r')]")).toBe(
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/r`
    );
    expect(run("[tenantResourceId('Microsoft.Authorization/policyDefinitions', 'p')]")).toBe(
      '/providers/Microsoft.Authorization/policyDefinitions/p'
    );
    expect(run("[extensionResourceId('/x/y', 'Microsoft.Authorization/locks', 'l')]")).toBe(
      '/x/y/providers/Microsoft.Authorization/locks/l'
    );
    expect(() => run("[resourceId('Microsoft.KeyVault/vaults/secrets', 'kv')]")).toThrow(
      /needs 2 name segment/
    );
  });

  it('answers the deployment functions from the context', () => {
    expect(run('[resourceGroup().location]')).toBe('westeurope');
    expect(run('[subscription().subscriptionId]')).toBe(CONTEXT.subscriptionId);
    expect(run('[tenant().tenantId]')).toBe(CONTEXT.tenantId);
    expect(run('[deployment().name]')).toBe('azuredeploy');
    expect(run('[environment().suffixes.keyvaultDns]')).toBe('.vault.azure.net');
  });

  it('reports a wrong argument type with the function and position', () => {
    expect(() => run("[concat('a', toLower(1))]")).toThrow(
      /toLower\(\): argument 1 must be a String, got Integer at position 13/
    );
    expect(() => run("[substring('abc', 2, 5)]")).toThrow(/outside the string \(length 3\)/);
  });
});

describe('evaluate: user-defined functions', () => {
  const withFunctions = {
    ...scope,
    template: {
      functions: [
        {
          namespace: 'naming',
          members: {
            vaultName: {
              parameters: [{ name: 'base', type: 'string' }],
              output: { type: 'string', value: "[toLower(concat('kv-', parameters('base')))]" }
            }
          }
        }
      ]
    }
  };

  it('calls namespace.member with only its own parameters in scope', () => {
    expect(evaluate("[naming.vaultName('App')]", withFunctions)).toBe('kv-app');
    expect(() => evaluate('[naming.vaultName()]', withFunctions)).toThrow(/takes 1 arguments, got 0/);
    expect(() => evaluate("[naming.other('x')]", withFunctions)).toThrow(/Unknown function 'naming.other'/);
  });
});

describe('evaluate: Unknown values', () => {
  it.each([
    ["[reference('vault').vaultUri]", /reference\('vault'\) is only known after deployment/],
    ["[concat('kv-', utcNow())]", /utcNow\(\) changes on every deployment/],
    ['[toLower(newGuid())]', /newGuid\(\)/],
    ["[listKeys('st', '2023-01-01').keys[0].value]", /listKeys\('st'\) is only known after deployment/],
    ["[listSecrets('x', '2023-01-01')]", /listSecrets/],
    ["[uniqueString(string(reference('a')))]", /reference\('a'\)/],
    ["[equals(createArray(reference('a')), createArray(1))]", /reference\('a'\)/],
    ["[if(equals(reference('a').x, 1), 'y', 'z')]", /reference\('a'\)/],
    ["[length(reference('a').items)]", /reference\('a'\)/]
  ])('%s is Unknown', (expression, reason) => {
    expect(reasonOf(run(expression))).toMatch(reason);
  });

  it('keeps unknown items inside arrays when only the structure is needed', () => {
    const value = run("[concat(createArray('a'), createArray(reference('b')))]") as unknown[];
    expect(value[0]).toBe('a');
    expect(reasonOf(value[1])).toMatch(/reference\('b'\)/);
    expect(run("[length(createArray(reference('b'), 2))]")).toBe(2);
  });

  it('merges reasons from several unknown arguments', () => {
    expect(reasonOf(run("[concat(reference('a').x, utcNow())]"))).toMatch(/reference\('a'\).*; utcNow/);
  });

  it('evaluates only the branch if() selects, and short-circuits and()/or()', () => {
    expect(run("[if(true(), 'yes', reference('x').never)]")).toBe('yes');
    expect(run("[if(false(), parameters('missing'), 'no')]")).toBe('no');
    expect(run("[and(false(), reference('x').ok)]")).toBe(false);
    expect(run("[or(true(), reference('x').ok)]")).toBe(true);
    expect(reasonOf(run("[and(true(), reference('x').ok)]"))).toMatch(/reference\('x'\)/);
  });
});
