import { describe, expect, it } from '@jest/globals';
import {
  applyPolicyOperation,
  missingGrants,
  type AccessPolicyEntry
} from '../../src/keyvault/access-policies.js';

const T = '00000000-0000-0000-0000-0000000000aa';
const entry = (objectId: string, permissions: AccessPolicyEntry['permissions']): AccessPolicyEntry => ({
  tenantId: T,
  objectId,
  permissions
});

describe('access policy arithmetic', () => {
  const workspace = entry('ws', { keys: ['get', 'wrapKey'], secrets: ['get', 'set'] });
  const app = entry('app', { secrets: ['get'] });

  it('add unions permissions per principal and leaves others untouched', () => {
    const result = applyPolicyOperation([workspace, app], 'add', [
      entry('APP', { secrets: ['List', 'get'] }),
      entry('new', { certificates: ['get'] })
    ]);
    expect(result).toEqual([
      workspace,
      entry('app', { secrets: ['get', 'List'] }),
      entry('new', { certificates: ['get'] })
    ]);
  });

  it('replace sets exactly the given permissions of named principals', () => {
    expect(applyPolicyOperation([workspace, app], 'replace', [entry('ws', { keys: ['get'] })])).toEqual([
      entry('ws', { keys: ['get'] }),
      app
    ]);
  });

  it('remove takes permissions away and drops an emptied entry', () => {
    expect(
      applyPolicyOperation([workspace, app], 'remove', [
        entry('app', { secrets: ['get'] }),
        entry('ws', { keys: ['wrapKey'] })
      ])
    ).toEqual([entry('ws', { keys: ['get'], secrets: ['get', 'set'] })]);
  });

  it('finds whole entries and single permissions that went missing', () => {
    const after = [entry('ws', { keys: ['get'], secrets: ['get', 'set'] })];
    expect(missingGrants([workspace, app], after)).toEqual([entry('ws', { keys: ['wrapKey'] }), app]);
    expect(missingGrants([workspace], [entry('ws', { keys: ['all'], secrets: ['all'] })])).toEqual([]);
  });

  it('does not mutate its inputs', () => {
    const before = JSON.stringify([workspace, app]);
    applyPolicyOperation([workspace, app], 'add', [entry('ws', { storage: ['get'] })]);
    expect(JSON.stringify([workspace, app])).toBe(before);
  });
});
