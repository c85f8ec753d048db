import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { applyPolicyOperation, missingGrants, type AccessPolicyEntry } from './access-policies.js';
import { listGroupVaults, vaultKey, type VaultTarget } from './read-vaults.js';

/** An entry someone else granted while the deployment ran, and when the watch first saw it. */
export interface SeenGrant {
  entry: AccessPolicyEntry;
  firstSeen: Date;
}

/** First look soon after the deployment is sent, then less and less often (Azure allows 12,000 reads an hour). */
const FIRST_INTERVAL_MS = 250;
const MAX_INTERVAL_MS = 5000;
const GROWTH = 1.5;

/**
 * Watches the vaults a deployment rewrites while it runs (one list per resource group a round) and keeps
 * every grant that appears beyond the list the guard sent. ARM's vault PUT carries the list read before the
 * deployment was submitted, so a grant someone adds in between is overwritten; what the watch saw is put
 * back afterwards (verify-policies.ts) and reported with vault, principal and the time it was seen. A grant
 * added and overwritten between two looks leaves no trace in the vault: the activity log reports those.
 */
export class PolicyWatch {
  readonly #seen = new Map<string, SeenGrant[]>();
  #stopped = false;
  #round: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: KeyVaultManagementClient,
    private readonly targets: readonly (VaultTarget & { baseline: AccessPolicyEntry[] })[],
    private readonly signal: AbortSignal
  ) {}

  start(): void {
    if (this.targets.length > 0) this.#schedule(FIRST_INTERVAL_MS);
  }

  /** Stops watching; the grants seen per vault (by vault key). */
  async stop(): Promise<Map<string, SeenGrant[]>> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#round;
    return this.#seen;
  }

  #schedule(interval: number): void {
    this.#timer = setTimeout(() => {
      this.#round = this.#look().then(() => {
        if (!this.#stopped) this.#schedule(Math.min(MAX_INTERVAL_MS, interval * GROWTH));
      });
    }, interval);
  }

  async #look(): Promise<void> {
    const groups = [...new Set(this.targets.map(t => t.resourceGroup.toLowerCase()))];
    // Best effort: a failed look is not a failed deployment; the verification and the activity log still run.
    const lists = await Promise.all(
      groups.map(group => listGroupVaults(this.client, group, this.signal).catch(() => undefined))
    );
    const now = new Date();
    for (const target of this.targets) {
      const list = lists[groups.indexOf(target.resourceGroup.toLowerCase())];
      const vault = list?.get(vaultKey(target.name));
      if (vault) this.#record(target, vault.accessPolicies, now);
    }
  }

  #record(target: VaultTarget & { baseline: AccessPolicyEntry[] }, current: AccessPolicyEntry[], now: Date) {
    const key = vaultKey(target.name);
    const seen = this.#seen.get(key) ?? [];
    const known = applyPolicyOperation(
      target.baseline,
      'add',
      seen.map(s => s.entry)
    );
    for (const entry of missingGrants(current, known)) seen.push({ entry, firstSeen: now });
    if (seen.length > 0) this.#seen.set(key, seen);
  }
}
