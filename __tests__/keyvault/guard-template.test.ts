import { describe, expect, it } from '@jest/globals';
import type { AccessPolicyEntry } from '../../src/keyvault/access-policies.js';
import { decideVault, describeDecision } from '../../src/keyvault/decide-vaults.js';
import {
  GUARD_VARIABLE,
  guardTemplate,
  renameCopyIndex,
  toExpression
} from '../../src/keyvault/guard-template.js';
import type { VaultNode } from '../../src/keyvault/vault-plan.js';
import type { VaultState } from '../../src/keyvault/vault-state.js';

const T = '00000000-0000-0000-0000-0000000000aa';
const workspacePolicy: AccessPolicyEntry = {
  tenantId: T,
  objectId: 'workspace-identity',
  permissions: { keys: ['all'], secrets: ['all'] }
};

const active = (overrides: Partial<Extract<VaultState, { kind: 'active' }>['vault']> = {}): VaultState => ({
  kind: 'active',
  vault: {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv',
    location: 'westeurope',
    tags: {},
    properties: {},
    accessPolicies: [workspacePolicy],
    rbacAuthorization: false,
    softDeleteEnabled: true,
    purgeProtectionEnabled: false,
    ...overrides
  }
});

function template(vault: Record<string, unknown>) {
  return {
    $schema: 'x',
    contentVersion: '1.0.0.0',
    resources: [{ type: 'Microsoft.Storage/storageAccounts', name: 'st' }, vault]
  };
}

const node = (overrides: Partial<VaultNode> = {}): VaultNode => ({
  resourcePath: ['resources', 1],
  scopePath: [],
  file: 'main.json',
  line: 10,
  instances: [],
  ...overrides
});

const modes = { keyVaultPolicy: 'preserve' as const, deletedVault: 'fail' as const };

describe('guardTemplate', () => {
  const ownEntry = {
    tenantId: '[subscription().tenantId]',
    objectId: "[reference('app').principalId]",
    permissions: { secrets: ['get'] }
  };
  const vault = {
    type: 'Microsoft.KeyVault/vaults',
    apiVersion: '2023-07-01',
    name: "[format('kv{0}', parameters('suffix'))]",
    location: '[resourceGroup().location]',
    properties: {
      tenantId: '[subscription().tenantId]',
      sku: { family: 'A', name: 'standard' },
      accessPolicies: [ownEntry]
    }
  };

  it('keeps the existing policies verbatim and moves the template entries into an add child', () => {
    const n = node();
    const guarded = guardTemplate(template(vault), [decideVault('kvabc', 'rg', n, active(), modes)]);
    const lookup = `variables('${GUARD_VARIABLE}')[toLower(format('kv{0}', parameters('suffix')))]`;
    expect(guarded.variables).toEqual({
      [GUARD_VARIABLE]: {
        kvabc: { accessPolicies: [workspacePolicy], deploy: true, addPolicies: true, createMode: 'default' }
      }
    });
    const resources = guarded.resources as Record<string, unknown>[];
    expect((resources[1]!.properties as Record<string, unknown>).accessPolicies).toBe(
      `[${lookup}.accessPolicies]`
    );
    expect(resources[2]).toEqual({
      type: 'Microsoft.KeyVault/vaults/accessPolicies',
      apiVersion: '2023-07-01',
      name: "[concat(format('kv{0}', parameters('suffix')), '/add')]",
      condition: `[and(true(), ${lookup}.addPolicies)]`,
      dependsOn: ["[resourceId('Microsoft.KeyVault/vaults', format('kv{0}', parameters('suffix')))]"],
      properties: { accessPolicies: [ownEntry] }
    });
  });

  it('adds no child when the template declares no policies of its own', () => {
    const guarded = guardTemplate(
      template({ ...vault, properties: { ...vault.properties, accessPolicies: [] } }),
      [decideVault('kvabc', 'rg', node(), active(), modes)]
    );
    expect(guarded.resources).toHaveLength(2);
  });

  it('leaves an absent vault exactly as written', () => {
    const original = template(vault);
    expect(guardTemplate(original, [decideVault('kvabc', 'rg', node(), { kind: 'absent' }, modes)])).toEqual(
      original
    );
  });

  it('forces the condition false for skip-existing, keeping the original condition', () => {
    const guarded = guardTemplate(template({ ...vault, condition: "[equals(parameters('mode'), 'new')]" }), [
      decideVault('kvabc', 'rg', node(), active(), { ...modes, keyVaultPolicy: 'skip-existing' })
    ]);
    const resources = guarded.resources as Record<string, unknown>[];
    expect(resources[1]!.condition).toBe(
      `[and(equals(parameters('mode'), 'new'), variables('${GUARD_VARIABLE}')[toLower(format('kv{0}', parameters('suffix')))].deploy)]`
    );
    expect(
      (guarded.variables as Record<string, Record<string, { deploy: boolean }>>)[GUARD_VARIABLE]!.kvabc!
        .deploy
    ).toBe(false);
  });

  it('does not rewrite a vault the template leaves unchanged, and adds only entries not yet granted', () => {
    const declare = (accessPolicies: unknown[], sku = { family: 'A', name: 'Standard' }) => ({
      instance: {
        name: 'kvabc',
        resourceGroup: 'rg',
        deployed: true as const,
        declared: () => ({ location: 'West Europe', properties: { sku, accessPolicies } })
      },
      isUnknownValue: () => false
    });
    const newEntry = { tenantId: T, objectId: 'new-app', permissions: { secrets: ['get'] } };
    // The vault's sku is not known to match (its properties are {}): it is rewritten as before.
    expect(decideVault('kvabc', 'rg', node(), active(), modes, declare([newEntry])).unchanged).toBe(false);

    const vaultWithSku = active({ properties: { sku: { family: 'A', name: 'standard' } } });
    const same = decideVault('kvabc', 'rg', node(), vaultWithSku, modes, declare([newEntry]));
    expect([same.unchanged, same.ownPoliciesPresent]).toEqual([true, false]);
    const guarded = guardTemplate(template(vault), [same]);
    const resources = guarded.resources as Record<string, unknown>[];
    const lookup = `variables('${GUARD_VARIABLE}')[toLower(format('kv{0}', parameters('suffix')))]`;
    expect(resources[1]!.condition).toBe(`[and(true(), ${lookup}.deploy)]`);
    expect(
      (guarded.variables as Record<string, Record<string, object>>)[GUARD_VARIABLE]!.kvabc
    ).toMatchObject({
      deploy: false,
      addPolicies: true
    });
    expect(resources[2]!.condition).toBe(`[and(true(), ${lookup}.addPolicies)]`);

    const alreadyGranted = decideVault(
      'kvabc',
      'rg',
      node(),
      vaultWithSku,
      modes,
      declare([workspacePolicy])
    );
    expect(alreadyGranted.ownPoliciesPresent).toBe(true);
    const noOp = guardTemplate(template(vault), [alreadyGranted]);
    expect((noOp.variables as Record<string, Record<string, object>>)[GUARD_VARIABLE]!.kvabc).toMatchObject({
      deploy: false,
      addPolicies: false
    });
  });

  const declaring = (properties: unknown) => ({
    instance: {
      name: 'kvabc',
      resourceGroup: 'rg',
      deployed: true as const,
      declared: () => ({ properties })
    },
    isUnknownValue: (value: unknown) => value === UNKNOWN
  });
  const UNKNOWN = { unknown: 'reference()' };

  it('leaves an RBAC-authorised vault that stays RBAC-authorised as written: nothing to preserve', () => {
    const decision = decideVault(
      'kvabc',
      'rg',
      node(),
      active({ rbacAuthorization: true }),
      modes,
      declaring({ ...vault.properties, EnableRbacAuthorization: true })
    );
    expect(decision.action).toBe('rbac');
    expect(describeDecision(decision)).toMatch(
      /Azure RBAC authorization: access policies do not apply, nothing to preserve/
    );
    const original = template(vault);
    expect(guardTemplate(original, [decision])).toEqual(original);
  });

  // A vault keeps its stored accessPolicies while RBAC is on; a template turning RBAC off makes them count
  // again, so they are preserved like any other (before: 'rbac', deployed as written, and wiped).
  it.each([
    ['turned off', { ...vault.properties, enableRbacAuthorization: false }],
    ['left out (off by default)', vault.properties],
    ['not knowable offline', { ...vault.properties, enableRbacAuthorization: UNKNOWN }],
    ['properties not knowable offline', UNKNOWN]
  ])('preserves the stored policies of an RBAC vault whose RBAC the template has %s', (_, properties) => {
    const decision = decideVault(
      'kvabc',
      'rg',
      node(),
      active({ rbacAuthorization: true }),
      modes,
      declaring(properties)
    );
    expect(decision.action).toBe('preserve');
    const guarded = guardTemplate(template(vault), [decision]);
    expect(
      (guarded.variables as Record<string, Record<string, { accessPolicies: unknown }>>)[GUARD_VARIABLE]!
        .kvabc!.accessPolicies
    ).toEqual([workspacePolicy]);
  });

  // ARM reads `Properties`, `Name`, `Type` whatever their case; the guard used to add a second `properties`
  // key beside the author's `Properties`, leaving which one ARM takes to chance.
  it('edits the keys the author wrote, whatever their case, and never adds a second one', () => {
    const { properties, name, type, ...rest } = vault;
    const oddCase = {
      ...rest,
      Type: type,
      Name: name,
      Properties: { ...properties, AccessPolicies: properties.accessPolicies, EnableSoftDelete: false }
    };
    delete (oddCase.Properties as Record<string, unknown>).accessPolicies;
    const decision = decideVault('kvabc', 'rg', node(), active(), modes);
    const guarded = guardTemplate(template(oddCase), [decision]);
    const resources = guarded.resources as Record<string, unknown>[];
    expect(Object.keys(resources[1]!).filter(k => k.toLowerCase() === 'properties')).toEqual(['Properties']);
    const lookup = `variables('${GUARD_VARIABLE}')[toLower(format('kv{0}', parameters('suffix')))]`;
    expect(resources[1]!.Properties).toEqual({
      tenantId: '[subscription().tenantId]',
      sku: { family: 'A', name: 'standard' },
      AccessPolicies: `[${lookup}.accessPolicies]`
    });
    expect(decision.protectedFlags).toEqual(['enableSoftDelete']);
    expect(resources[2]).toMatchObject({
      name: "[concat(format('kv{0}', parameters('suffix')), '/add')]",
      properties: { accessPolicies: properties.accessPolicies }
    });
  });

  it('never writes purge protection or soft delete off over a vault that has them on', () => {
    const withFlags = {
      ...vault,
      properties: { ...vault.properties, enablePurgeProtection: false, enableSoftDelete: false }
    };
    const decision = decideVault('kvabc', 'rg', node(), active({ purgeProtectionEnabled: true }), modes);
    const guarded = guardTemplate(template(withFlags), [decision]);
    const properties = (guarded.resources as Record<string, Record<string, unknown>>[])[1]!.properties!;
    expect(properties).not.toHaveProperty('enablePurgeProtection');
    expect(properties).not.toHaveProperty('enableSoftDelete');
    expect(decision.protectedFlags).toEqual(['enablePurgeProtection', 'enableSoftDelete']);
  });

  it('gives the add child its own copy loop over the same count in a copy loop', () => {
    const looped = { ...vault, name: "[concat('kv', copyIndex(1))]", copy: { name: 'vaults', count: 2 } };
    const n = node({ copyName: 'vaults' });
    const guarded = guardTemplate(template(looped), [
      decideVault('kv1', 'rg', n, active(), modes),
      decideVault('kv2', 'rg', n, { kind: 'absent' }, modes)
    ]);
    const child = (guarded.resources as Record<string, unknown>[])[2]!;
    expect(child.copy).toEqual({ name: 'vaultsAccessPolicies', count: 2 });
    expect(child.name).toBe("[concat(concat('kv', copyIndex('vaultsAccessPolicies', 1)), '/add')]");
    expect(Object.keys((guarded.variables as Record<string, object>)[GUARD_VARIABLE]!)).toEqual([
      'kv1',
      'kv2'
    ]);
  });

  it('puts the variable into the inner-scope template the vault lives in', () => {
    const nested = {
      resources: [
        {
          type: 'Microsoft.Resources/deployments',
          name: 'inner',
          properties: { expressionEvaluationOptions: { scope: 'inner' }, template: { resources: [vault] } }
        }
      ]
    };
    const n = node({
      resourcePath: ['resources', 0, 'properties', 'template', 'resources', 0],
      scopePath: ['resources', 0, 'properties', 'template']
    });
    const guarded = guardTemplate(nested, [decideVault('kvabc', 'rg', n, active(), modes)]);
    const inner = (guarded.resources as Record<string, Record<string, Record<string, unknown>>>[])[0]!
      .properties!.template! as Record<string, unknown>;
    expect(Object.keys(inner.variables as object)).toEqual([GUARD_VARIABLE]);
    expect(inner.resources).toHaveLength(2);
    expect(guarded).not.toHaveProperty('variables');
  });

  it('does not change the template it was given', () => {
    const original = template(vault);
    const copy = structuredClone(original);
    guardTemplate(original, [decideVault('kvabc', 'rg', node(), active(), modes)]);
    expect(original).toEqual(copy);
  });
});

describe('expression helpers', () => {
  it('turns template values into expression bodies', () => {
    expect(toExpression("[parameters('x')]")).toBe("parameters('x')");
    expect(toExpression("kv-o'brien")).toBe("'kv-o''brien'");
    expect(toExpression('[[literal]')).toBe("'[literal]'");
  });

  it('points copyIndex at the generated loop, keeping offsets', () => {
    expect(
      renameCopyIndex("[concat(copyIndex(), '-', copyIndex('a', add(1, 2)), copyIndex('b'))]", 'L')
    ).toBe("[concat(copyIndex('L'), '-', copyIndex('L', add(1, 2)), copyIndex('L'))]");
    expect(renameCopyIndex('copyIndex() in a literal', 'L')).toBe('copyIndex() in a literal');
  });
});
