import { describe, expect, it } from '@jest/globals';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { AVM_CONTEXT, checkCorpus, moduleFiles } from '../../harness/avm-corpus.js';
import { loadTemplate } from '../../src/arm/index.js';
import type { InfraConfig } from '../../src/config/infra-config.js';
import { offlineProblems, planInfra } from '../../src/infra/plan-infra.js';

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

/** The AVM Key Vault module with its optional child modules switched on, as a user writes the parameters. */
describe('the AVM Key Vault module with secrets, keys, access policies, roles and a private endpoint', () => {
  const file = 'key-vault__vault.main.json';
  const text = readFileSync(join(ROOT, file), 'utf8');
  const infra: InfraConfig = {
    templateFile: { displayPath: file, absolutePath: file, text },
    template: loadTemplate(text, file),
    inlineParameters: {
      name: 'kv-avm-01',
      lock: { kind: 'CanNotDelete' },
      secrets: [{ name: 'db-password', value: 'not-a-real-secret' }],
      keys: [{ name: 'cmk', kty: 'RSA' }],
      accessPolicies: [
        { objectId: '33333333-3333-3333-3333-333333333333', permissions: { secrets: ['get', 'list'] } }
      ],
      roleAssignments: [
        {
          roleDefinitionIdOrName: 'Key Vault Secrets User',
          principalId: '44444444-4444-4444-4444-444444444444',
          principalType: 'ServicePrincipal'
        }
      ],
      privateEndpoints: [
        {
          subnetResourceId: `${AVM_CONTEXT.resourceGroup.id}/providers/Microsoft.Network/virtualNetworks/vnet/subnets/snet`
        }
      ]
    },
    deploymentName: AVM_CONTEXT.deploymentName,
    mode: 'Incremental',
    keyVaultPolicy: 'preserve',
    deletedVault: 'fail',
    whatIf: false,
    dryRun: true
  };

  it('is not refused offline', () => {
    expect(offlineProblems(infra, AVM_CONTEXT)).toEqual([]);
  });

  it('finds the one vault it writes by its exact name, and walks the child modules', () => {
    const plan = planInfra(infra, AVM_CONTEXT);
    expect(plan.vaultNodes.flatMap(node => node.instances.map(i => i.name))).toEqual(['kv-avm-01']);
    const names = plan.walk.resources.map(r => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'kv-avm-01/add',
        'kv-avm-01/db-password',
        'kv-avm-01/cmk',
        'pep-kv-avm-01-vault-0'
      ])
    );
  });
});
