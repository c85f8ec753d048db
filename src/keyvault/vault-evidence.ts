import { AzureOperationError } from '../azure/azure-error.js';
import type { Deadline } from '../run/deadline.js';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { vaultKey } from './read-vaults.js';
import { getActiveVault, type ActiveVault, type VaultState } from './vault-state.js';

/** One source's word on whether a vault exists: a read, a confirmation GET, what-if. */
export interface ExistenceClaim {
  source: string;
  exists: boolean;
  /** What it said, for the error message: "active, 3 access policies", "not found", "what-if: Modify". */
  said: string;
}

/** Retries of a GET that contradicts earlier evidence that the vault exists (0.5 s, 1 s, 2 s apart). */
const CONFIRM_ATTEMPTS = 3;
const CONFIRM_FIRST_DELAY_MS = 500;

/**
 * Everything the run has learnt about whether each vault exists. Evidence of existence wins: once a read or
 * what-if has shown a vault, a later "not found" (a transient 404, a lagging replica) must never turn the
 * guard off — the template's policy list would then replace the vault's, and every policy would be gone.
 */
export class VaultEvidence {
  readonly #claims = new Map<string, ExistenceClaim[]>();

  record(name: string, claim: ExistenceClaim): void {
    const key = vaultKey(name);
    this.#claims.set(key, [...(this.#claims.get(key) ?? []), claim]);
  }

  recordState(name: string, source: string, state: VaultState): void {
    this.record(name, { source, exists: state.kind === 'active', said: describeState(state) });
  }

  /** The first claim that the vault exists, if any. */
  existence(name: string): ExistenceClaim | undefined {
    return this.#claims.get(vaultKey(name))?.find(claim => claim.exists);
  }

  claims(name: string): ExistenceClaim[] {
    return this.#claims.get(vaultKey(name)) ?? [];
  }
}

/**
 * The run stops before anything is written: Azure's answers disagree about a vault, and guessing could wipe
 * it. An Azure failure (not a defect of the action, not the user's configuration): the summary shows it so.
 */
export class VaultEvidenceConflictError extends AzureOperationError {
  constructor(readonly conflicts: { name: string; claims: ExistenceClaim[] }[]) {
    super(
      `read the state of Key Vault ${conflicts.map(c => `'${c.name}'`).join(', ')}`,
      undefined,
      'KeyVaultStateConflict',
      conflictMessage(conflicts),
      [],
      undefined,
      undefined
    );
    this.name = 'VaultEvidenceConflictError';
  }
}

function conflictMessage(conflicts: { name: string; claims: ExistenceClaim[] }[]): string {
  return (
    conflicts
      .map(
        ({ name, claims }) =>
          `Key Vault '${name}': Azure's answers disagree about whether it exists — ` +
          claims.map(claim => `${claim.source}: ${claim.said}`).join('; ') +
          '.'
      )
      .join('\n') +
    '\nNothing was written: deploying on the "not found" answer would let the template\'s access policy list ' +
    "replace the vault's. Re-run the workflow; if it happens again, check the vault in the portal (was it " +
    'deleted or moved to another resource group during the run?) and that the template names the resource ' +
    'group the vault lives in.'
  );
}

/**
 * For a vault now read as not active although earlier evidence showed it: reads it again with its own GET
 * (a few times, backing off, within the deadline). Returns the vault when a read finds it; otherwise
 * undefined, every attempt recorded as evidence for the error message.
 */
export async function confirmExistence(
  client: KeyVaultManagementClient,
  target: { name: string; resourceGroup: string },
  evidence: VaultEvidence,
  deadline: Deadline
): Promise<ActiveVault | undefined> {
  for (let attempt = 1; attempt <= CONFIRM_ATTEMPTS; attempt++) {
    await deadline.sleep(
      CONFIRM_FIRST_DELAY_MS * 2 ** (attempt - 1),
      `confirm Key Vault '${target.name}' exists`
    );
    const vault = await getActiveVault(client, target.resourceGroup, target.name, deadline.signal);
    evidence.recordState(
      target.name,
      `GET to confirm (attempt ${attempt} of ${CONFIRM_ATTEMPTS})`,
      vault ? { kind: 'active', vault } : { kind: 'absent' }
    );
    if (vault) return vault;
  }
  return undefined;
}

function describeState(state: VaultState): string {
  switch (state.kind) {
    case 'active':
      return `active, ${state.vault.accessPolicies.length} access polic${state.vault.accessPolicies.length === 1 ? 'y' : 'ies'}`;
    case 'soft-deleted':
      return 'soft-deleted';
    case 'absent':
      return 'not found';
  }
}
