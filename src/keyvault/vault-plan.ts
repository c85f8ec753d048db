import type { AccessPolicyEntry } from './access-policies.js';
import type { VaultState } from './vault-state.js';

/** A JSON path into a template: property names and array indexes. */
export type JsonPath = readonly (string | number)[];

/**
 * A `Microsoft.KeyVault/vaults` resource as declared in the template: one node, which a copy loop may turn
 * into several vaults. Paths let the guard edit exactly that node and the template whose expression scope it
 * lives in (the root, or an inner-scope nested template).
 */
export interface VaultNode {
  /** Path of the resource object in the root template. */
  resourcePath: JsonPath;
  /** Path of the template object whose parameters/variables its expressions see ([] is the root). */
  scopePath: JsonPath;
  /** Where it is declared, for messages and annotations. */
  file: string;
  line: number;
  /** The vaults this node deploys, by resolved name (one unless it has a copy loop). */
  instances: VaultInstance[];
  /** Set when the node has a copy loop: its name, which the guard's own loops must not reuse. */
  copyName?: string;
}

export interface VaultInstance {
  /** Resolved vault name, or why it cannot be known before deploying. */
  name: string | { unknown: string };
  resourceGroup: string;
  /** False when the instance's condition is false (ARM will not deploy it). */
  deployed: boolean | 'unknown';
  /**
   * The vault as the template declares it, evaluated as far as possible before deploying (`location`, `tags`,
   * `properties`); values only known at deployment are marked unknown by `isUnknownValue`.
   */
  declared(): { location?: unknown; tags?: unknown; properties?: unknown };
}

/** What the guard does with one vault. */
export type VaultAction =
  | 'create' // absent: the template creates it as written
  | 'preserve' // active: existing policies kept verbatim, the template's merged in per principal
  | 'skip' // active, skip-existing: not deployed at all
  | 'recover' // soft-deleted, deleted-vault: recover
  | 'refuse-soft-deleted' // soft-deleted, deleted-vault: fail
  | 'rbac' // active, RBAC-authorised: policies do not apply, deployed as written
  | 'unguarded'; // key-vault-policy: off

export interface VaultDecision {
  name: string;
  resourceGroup: string;
  node: VaultNode;
  state: VaultState;
  action: VaultAction;
  /** Policies found before the run (active vaults), the baseline the verification checks against. */
  policiesBefore: AccessPolicyEntry[];
  /** Protection flags the template would have turned off, removed from it. */
  protectedFlags: string[];
  /**
   * True when the template declares nothing that differs from the active vault (access policies aside): the
   * vault is then not written at all, and only the template's own policies are added. A re-run changes nothing,
   * and a policy someone adds while the run is under way cannot be overwritten.
   */
  unchanged: boolean;
  /** True when every entry the template declares is known and already granted: nothing to add either. */
  ownPoliciesPresent: boolean;
}
