import type { KeyVaultPolicyMode } from '../config/infra-config.js';

/** What `key-vault-policy` asks of the guard. */
export interface GuardMode {
  /**
   * False under `off`: the template is deployed as written (it may replace policies), a vault's name need not
   * be known before deploying, and nothing is verified afterwards.
   */
  guards: boolean;
  /** What the deployment does with a vault that exists and uses access policies. */
  existingVault: 'preserve' | 'skip' | 'unguarded';
}

/**
 * The one place the input's value is interpreted: every part of the guard (naming, deciding, rewriting,
 * verifying, the offline checks) asks this, so a mode cannot mean one thing in one file and another elsewhere.
 */
export function guardMode(policy: KeyVaultPolicyMode): GuardMode {
  switch (policy) {
    case 'preserve':
      return { guards: true, existingVault: 'preserve' };
    case 'skip-existing':
      return { guards: true, existingVault: 'skip' };
    case 'off':
      return { guards: false, existingVault: 'unguarded' };
  }
}
