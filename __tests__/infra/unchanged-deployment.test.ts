import { describe, expect, it } from '@jest/globals';
import type { DeploymentExtended } from '@azure/arm-resourcesdeployments';
import { FINGERPRINT_TAG, isUnchanged } from '../../src/infra/unchanged-deployment.js';
import type { VaultDecision } from '../../src/keyvault/vault-plan.js';

const previous = (state: string, fingerprint = 'abc'): DeploymentExtended => ({
  properties: { provisioningState: state },
  tags: { [FINGERPRINT_TAG]: fingerprint }
});
const quiet = { counts: { NoChange: 3, Ignore: 1 }, rows: [] };
const vault = (fields: Partial<VaultDecision>) => ({ action: 'preserve', ...fields }) as VaultDecision;

describe('isUnchanged', () => {
  it('is true only for a succeeded deployment with the same fingerprint and a quiet what-if', () => {
    expect(isUnchanged(previous('Succeeded'), 'abc', quiet, [])).toBe(true);
    expect(isUnchanged(previous('Failed'), 'abc', quiet, [])).toBe(false);
    expect(isUnchanged(previous('Succeeded', 'other'), 'abc', quiet, [])).toBe(false);
    expect(isUnchanged(undefined, 'abc', quiet, [])).toBe(false);
    // No fingerprint: a securestring or Key Vault reference among the parameters.
    expect(isUnchanged(previous('Succeeded'), undefined, quiet, [])).toBe(false);
    // what-if not run (what-if: false).
    expect(isUnchanged(previous('Succeeded'), 'abc', undefined, [])).toBe(false);
  });

  it.each(['Create', 'Modify', 'Delete', 'Deploy', 'Unsupported'])(
    'deploys when what-if reports %s',
    type => {
      expect(
        isUnchanged(previous('Succeeded'), 'abc', { counts: { NoChange: 1, [type]: 1 }, rows: [] }, [])
      ).toBe(false);
    }
  );

  it("deploys when the guard would write a vault or add one of the template's own policies", () => {
    const done = vault({ unchanged: true, ownPoliciesPresent: true });
    expect(isUnchanged(previous('Succeeded'), 'abc', quiet, [done])).toBe(true);
    expect(
      isUnchanged(previous('Succeeded'), 'abc', quiet, [
        done,
        vault({ unchanged: false, ownPoliciesPresent: true })
      ])
    ).toBe(false);
    expect(
      isUnchanged(previous('Succeeded'), 'abc', quiet, [
        vault({ unchanged: true, ownPoliciesPresent: false })
      ])
    ).toBe(false);
    // skip-existing leaves the vault alone either way: what-if decides.
    expect(isUnchanged(previous('Succeeded'), 'abc', quiet, [vault({ action: 'skip' })])).toBe(true);
  });
});
