import { describe, expect, it } from '@jest/globals';
import {
  updateAccessPolicies,
  type AccessPolicyEntry
} from '../../emulator/providers/key-vault/access-policy-operations.js';

/** The stand-in's own `accessPolicies/{add|replace|remove}` semantics, read from Key Vault's REST spec. */
const TENANT = '72f988bf-0000-4c1d-8e7a-2b9f6c3d4e51';
const entry = (objectId: string, permissions: AccessPolicyEntry['permissions'], applicationId?: string) => ({
  tenantId: TENANT,
  objectId,
  ...(applicationId ? { applicationId } : {}),
  permissions
});

describe('access policy updates', () => {
  const current = [entry('a', { secrets: ['get', 'list'] }), entry('b', { keys: ['wrapKey'] })];

  it('add grants on top of what the identity has (names compared without case) and adds new identities', () => {
    expect(
      updateAccessPolicies(current, 'add', [
        entry('A', { secrets: ['Get', 'set'] }),
        entry('c', { keys: ['get'] })
      ])
    ).toEqual([
      entry('a', { secrets: ['get', 'list', 'set'] }),
      entry('b', { keys: ['wrapKey'] }),
      entry('c', { keys: ['get'] })
    ]);
  });

  it('replace sets only the named identity’s permissions; others are untouched', () => {
    expect(updateAccessPolicies(current, 'replace', [entry('b', { secrets: ['get'] })])).toEqual([
      entry('a', { secrets: ['get', 'list'] }),
      entry('b', { secrets: ['get'] })
    ]);
  });

  it('remove revokes the given permissions and drops an entry left empty; unknown identities are ignored', () => {
    const after = updateAccessPolicies(current, 'remove', [
      entry('a', { secrets: ['LIST'] }),
      entry('b', { keys: ['wrapKey'] }),
      entry('z', { keys: ['get'] })
    ]);
    expect(after).toEqual([entry('a', { secrets: ['get'] })]);
  });

  it('keeps a compound identity (with applicationId) apart from the plain one', () => {
    const after = updateAccessPolicies(current, 'add', [entry('a', { keys: ['get'] }, 'app-1')]);
    expect(after).toHaveLength(3);
    expect(current[0]).toEqual(entry('a', { secrets: ['get', 'list'] }));
  });
});
