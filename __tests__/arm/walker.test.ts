import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isUnknown,
  loadTemplate,
  resolveParameters,
  type Unknown,
  walkTemplate,
  type WalkResult
} from '../../src/arm/index.js';
import { CORPUS_CONTEXT as CONTEXT, FIXTURES_DIR } from './corpus.js';

function walkFixture(file: string, inline?: Record<string, unknown>): WalkResult {
  const template = loadTemplate(readFileSync(join(FIXTURES_DIR, file), 'utf8'), file);
  const resolved = resolveParameters(template, { inline }, CONTEXT);
  expect(resolved.problems).toEqual([]);
  return walkTemplate(template, { parameters: resolved.values, context: CONTEXT });
}

const reasonOf = (value: unknown) =>
  isUnknown(value) ? value.reason : `not unknown: ${JSON.stringify(value)}`;

describe('walkTemplate', () => {
  it('expands vaults in a copy loop, with copyIndex(), copyIndex(name, offset) and variable copy arrays', () => {
    const walk = walkFixture('vaults-copy-loop.json');
    const vaults = walk.resources.filter(r => r.type === 'Microsoft.KeyVault/vaults');
    expect(vaults.map(v => v.name)).toEqual(['kv-westeurope-1', 'kv-northeurope-2', 'kv-eastus-3']);
    expect(vaults.map(v => v.location)).toEqual(['westeurope', 'northeurope', 'eastus']);
    expect(vaults.map(v => v.copy)).toEqual(
      [0, 1, 2].map(index => ({ name: 'vaultLoop', index, mode: 'serial', batchSize: 1 }))
    );
    expect(vaults[0]!.source).toEqual({ file: 'vaults-copy-loop.json', line: 13, column: 5 });
    expect(vaults[0]!.jsonPath).toEqual(['resources', 0]);
    const properties = vaults[1]!.properties() as Record<string, unknown>;
    expect(properties.networkAcls).toEqual([{ value: '10.0.0.0/24' }, { value: '10.0.1.0/24' }]);
    expect(properties.tenantId).toBe(CONTEXT.tenantId);
  });

  it('keeps values known only after deployment as Unknown inside evaluated properties', () => {
    const walk = walkFixture('vaults-copy-loop.json');
    const secrets = walk.resources.filter(r => r.type === 'Microsoft.KeyVault/vaults/secrets');
    expect(secrets.map(s => s.name)).toEqual([
      'kv-westeurope-1/secret-0',
      'kv-northeurope-2/secret-1',
      'kv-eastus-3/secret-2'
    ]);
    expect(secrets[0]!.dependsOn).toEqual(['vaultLoop']);
    const value = (secrets[0]!.properties() as Record<string, unknown>).value;
    expect(reasonOf(value)).toMatch(
      /reference\('\/subscriptions\/.*\/vaults\/kv-westeurope-1'\) is only known after deployment/
    );
  });

  it('passes a vault name down two inner-scope nested deployments, into another resource group', () => {
    const walk = walkFixture('vault-nested-inner.json', { baseName: 'app' });
    const vault = walk.resources.find(r => r.type === 'Microsoft.KeyVault/vaults')!;
    // uniqueString(resourceGroup().id) of my-rg is bmg7c6xu4tw46 (published vector); take 5 → bmg7c.
    expect(vault.name).toBe('KV-APP-BMG7C');
    expect(vault.deployments).toEqual(['level1', 'level2']);
    expect(vault.target).toEqual({ subscriptionId: CONTEXT.subscriptionId, resourceGroup: 'other-rg' });
    expect(reasonOf(vault.location)).toMatch(/location of resource group 'other-rg'/);
    expect(vault.properties()).toMatchObject({ deploymentName: 'level2', rg: 'other-rg' });
    expect(vault.source).toEqual({ file: 'vault-nested-inner.json', line: 42, column: 21 });
    expect(walk.resources.map(r => r.type)).toEqual([
      'Microsoft.Resources/deployments',
      'Microsoft.Resources/deployments',
      'Microsoft.KeyVault/vaults'
    ]);
  });

  it("evaluates a nested deployment's own properties in the parent scope but leaves its template as written", () => {
    const walk = walkFixture('vault-nested-inner.json', { baseName: 'app' });
    const level1 = walk.resources[0]!.properties() as {
      parameters: unknown;
      template: { resources: { properties: { parameters: { name2: { value: string } } } }[] };
    };
    expect(level1.parameters).toEqual({ name1: { value: 'kv-app-bmg7c' } });
    expect(level1.template.resources[0].properties.parameters.name2.value).toBe(
      "[toUpper(parameters('name1'))]"
    );
  });

  it('reports nested parameter problems with their position in the outer file', () => {
    const template = loadTemplate(
      readFileSync(join(FIXTURES_DIR, 'vault-nested-inner.json'), 'utf8').replace(
        '"name1": { "value"',
        '"nameX": { "value"'
      ),
      'nested.json'
    );
    const walk = walkTemplate(template, { parameters: { baseName: 'app' }, context: CONTEXT });
    expect(walk.problems.map(p => [p.kind, p.parameter])).toEqual([
      ['missing', 'name1'],
      ['unknown-parameter', 'nameX']
    ]);
    expect(walk.problems[0]!.location).toMatchObject({ file: 'nested.json', line: 22 });
    expect(walk.problems[1]!.location).toMatchObject({ file: 'nested.json', line: 18 });
    expect(walk.problems[1]!.message).toMatch(/'nameX' is not declared by the template \(known: name1\)/);
  });

  it('evaluates an outer-scope nested template with the parent parameters, variables and resource group', () => {
    const outer = {
      parameters: { p: { type: 'string', defaultValue: 'from-parent' } },
      variables: { v: "[concat(parameters('p'), '-var')]" },
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          name: 'outerNested',
          resourceGroup: 'elsewhere',
          properties: {
            template: {
              resources: [
                {
                  type: 'Microsoft.KeyVault/vaults',
                  name: "[variables('v')]",
                  location: '[resourceGroup().location]'
                }
              ]
            }
          }
        }
      ]
    };
    const template = loadTemplate(JSON.stringify(outer, null, 2), 'outer.json');
    const walk = walkTemplate(template, { parameters: { p: 'from-parent' }, context: CONTEXT });
    const vault = walk.resources.find(r => r.type === 'Microsoft.KeyVault/vaults')!;
    expect([vault.name, vault.location, vault.target.resourceGroup]).toEqual([
      'from-parent-var',
      'westeurope',
      'elsewhere'
    ]);
    expect(vault.jsonPath).toEqual(['resources', 0, 'properties', 'template', 'resources', 0]);
    expect(vault.source).toEqual({ file: 'outer.json', line: 19, column: 13 });
  });

  it('evaluates conditions to true, false or Unknown, and only the chosen if() branch', () => {
    const walk = walkFixture('vault-conditions.json');
    expect(
      walk.resources.map(r => [
        r.name,
        r.condition === true || r.condition === false ? r.condition : 'unknown'
      ])
    ).toEqual([
      ['kv-always', true],
      ['kv-never', false],
      ['kv-maybe', 'unknown'],
      ['kv-chosen', true]
    ]);
    expect(reasonOf(walk.resources[2]!.condition)).toMatch(/reference\('someStorage'\)/);
    const off = walkFixture('vault-conditions.json', { createVault: false });
    expect(off.resources[0]!.condition).toBe(false);
    expect(reasonOf(off.resources[3]!.name)).toMatch(/never-evaluated/);
  });

  it('composes names and types of inline child resources and inherits their parent condition', () => {
    const walk = walkFixture('vault-child-and-linked.json');
    expect(walk.resources.map(r => [r.type, r.name, r.condition])).toEqual([
      ['Microsoft.KeyVault/vaults', 'kv-parent', true],
      ['Microsoft.KeyVault/vaults/secrets', 'kv-parent/db-password', true],
      ['Microsoft.KeyVault/vaults/accessPolicies', 'kv-parent/add', false],
      ['Microsoft.Resources/deployments', 'linkedVault', true]
    ]);
    expect(walk.resources[0]!.location).toBe('westeurope');
    expect(walk.resources[1]!.jsonPath).toEqual(['resources', 0, 'resources', 0]);
    expect(reasonOf((walk.resources[1]!.properties() as Record<string, unknown>).value)).toMatch(
      /listKeys\('storage'\)/
    );
  });

  it('lists a linked template as not inspectable, with the reason', () => {
    const walk = walkFixture('vault-child-and-linked.json');
    expect(walk.notInspectable).toHaveLength(1);
    expect(walk.notInspectable[0]).toMatchObject({ name: 'linkedVault', jsonPath: ['resources', 1] });
    expect(walk.notInspectable[0]!.reason).toMatch(
      /linked template \(https:\/\/example.com\/templates\/vault.json\).*not inspectable/
    );
  });

  it('walks symbolic-name resources (languageVersion 2.0) and flags existing ones', () => {
    const walk = walkFixture('vaults-symbolic.json');
    expect(walk.resources.map(r => [r.name, r.existing, r.jsonPath])).toEqual([
      ['kv-symbolic', false, ['resources', 'vault']],
      ['kv-existing', true, ['resources', 'existingVault']]
    ]);
  });

  it('gives an Unknown name instead of guessing when a copy count is unknown', () => {
    const template = loadTemplate(
      JSON.stringify({
        resources: [
          {
            type: 'Microsoft.KeyVault/vaults',
            name: "[concat('kv', copyIndex())]",
            copy: { name: 'l', count: "[length(reference('x').items)]" }
          }
        ]
      }),
      'inline.json'
    );
    const [vault] = walkTemplate(template, { parameters: {}, context: CONTEXT }).resources;
    expect(reasonOf(vault!.name)).toMatch(/copy loop 'l' is unknown: reference\('x'\)/);
  });

  it('records an evaluation error as the reason a name cannot be known', () => {
    const template = loadTemplate(
      JSON.stringify({ resources: [{ type: 'Microsoft.KeyVault/vaults', name: "[parameters('nope')]" }] }),
      'x.json'
    );
    const [vault] = walkTemplate(template, { parameters: {}, context: CONTEXT }).resources;
    expect(vault!.errors[0]).toMatch(/name cannot be evaluated: .*parameter 'nope' is not defined/);
    expect((vault!.name as Unknown).reason).toMatch(/nope/);
  });

  // ARM reads declaration keys case-insensitively; the walker used to miss a vault written `Type`/`Name`.
  it('reads Type, Name, Properties, Condition and Resources whatever their case', () => {
    const text = JSON.stringify({
      contentVersion: '1.0.0.0',
      resources: [
        {
          Type: 'Microsoft.KeyVault/vaults',
          APIVersion: '2023-07-01',
          Name: "[concat('kv-', 'odd')]",
          Location: 'westeurope',
          Condition: true,
          Properties: { tenantId: '[subscription().tenantId]', accessPolicies: [] },
          Resources: [{ type: 'secrets', name: 's1', properties: { value: 'x' } }]
        }
      ]
    });
    const template = loadTemplate(text, 'odd.json');
    const [vault, secret] = walkTemplate(template, { parameters: {}, context: CONTEXT }).resources;
    expect(vault).toMatchObject({
      type: 'Microsoft.KeyVault/vaults',
      name: 'kv-odd',
      apiVersion: '2023-07-01',
      location: 'westeurope'
    });
    expect(vault!.properties()).toEqual({ tenantId: CONTEXT.tenantId, accessPolicies: [] });
    expect(secret).toMatchObject({ type: 'Microsoft.KeyVault/vaults/secrets', name: 'kv-odd/s1' });
    expect(secret!.jsonPath).toEqual(['resources', 0, 'Resources', 0]);
  });
});
