import { describe, expect, it } from '@jest/globals';
import type { WhatIfChange } from '@azure/arm-resourcesdeployments';
import { reconcileWhatIf } from '../../src/keyvault/guard-vaults.js';
import { decideVault } from '../../src/keyvault/decide-vaults.js';
import { VaultEvidence, VaultEvidenceConflictError } from '../../src/keyvault/vault-evidence.js';
import type { VaultState } from '../../src/keyvault/vault-state.js';

const node = { resourcePath: ['resources', 0], scopePath: [], file: 'main.json', line: 3, instances: [] };
const modes = { keyVaultPolicy: 'preserve' as const, deletedVault: 'fail' as const };
const active: VaultState = {
  kind: 'active',
  vault: {
    id: 'kv-id',
    location: 'westeurope',
    tags: {},
    properties: {},
    accessPolicies: [],
    rbacAuthorization: false,
    softDeleteEnabled: true,
    purgeProtectionEnabled: false
  }
};
const change = (name: string, changeType: string) =>
  ({
    resourceId: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/${name}`,
    changeType
  }) as WhatIfChange;

describe('reconcileWhatIf', () => {
  it('stops the run when what-if would create a vault the guard read as active, quoting both', () => {
    const evidence = new VaultEvidence();
    evidence.recordState('kv-app', 'first read', active);
    const decisions = [decideVault('kv-app', 'rg', node, active, modes)];
    expect(() => reconcileWhatIf([change('KV-APP', 'Create')], decisions, evidence)).toThrow(
      VaultEvidenceConflictError
    );
    expect(() => reconcileWhatIf([change('kv-app', 'Create')], decisions, evidence)).toThrow(
      /Key Vault 'kv-app': .*first read: active, 0 access policies; what-if: Create.*Nothing was written/s
    );
  });

  it("records what-if's evidence of existence for a vault read as absent, so a later 'not found' is checked", () => {
    const evidence = new VaultEvidence();
    const decisions = [decideVault('kv-app', 'rg', node, { kind: 'absent' }, modes)];
    reconcileWhatIf([change('kv-app', 'Modify'), change('kv-other', 'Create')], decisions, evidence);
    expect(evidence.existence('kv-app')).toEqual({ source: 'what-if', exists: true, said: 'Modify' });
  });
});
