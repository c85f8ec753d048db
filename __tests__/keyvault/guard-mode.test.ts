import { describe, expect, it } from '@jest/globals';
import { guardMode } from '../../src/keyvault/guard-mode.js';

describe('key-vault-policy, interpreted in one place', () => {
  it('preserve guards every vault and keeps an existing vault’s policies', () => {
    expect(guardMode('preserve')).toEqual({ guards: true, existingVault: 'preserve' });
  });
  it('skip-existing guards every vault and leaves an existing one out of the deployment', () => {
    expect(guardMode('skip-existing')).toEqual({ guards: true, existingVault: 'skip' });
  });
  it('off guards nothing: the template is deployed as written', () => {
    expect(guardMode('off')).toEqual({ guards: false, existingVault: 'unguarded' });
  });
});
