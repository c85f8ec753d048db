import type { TemplateOutput } from '../contract/outputs.js';
import type { VaultAction } from '../keyvault/vault-plan.js';
import type { ChangeOverview } from './what-if-changes.js';

/** One vault in the `key-vaults` output and the summary's Key Vault table. */
export interface VaultReport {
  name: string;
  resourceId: string;
  /** What was found before the run: absent, active, soft-deleted, rbac. */
  stateFound: 'absent' | 'active' | 'soft-deleted' | 'rbac';
  action: VaultAction;
  /** One sentence: what happened to it and why. */
  explanation: string;
  policiesBefore: number;
  /** Entries present before and after (null in a dry run or before verification). */
  policiesKept: number | null;
  /** Entries the template added (its own `accessPolicies`). */
  policiesAdded: number;
  /** Entries that went missing and were put back. */
  policiesRestored: number;
  /** Protection flags the template would have turned off, left on. */
  protectedFlags: string[];
}

/** A failed resource of the deployment, located in the template. */
export interface FailedResourceReport {
  resourceType: string;
  resourceName: string;
  code: string;
  message: string;
  file?: string;
  line?: number;
}

/** What the infra stage did, for outputs and the summary; filled in as it goes, so a failure still shows. */
export interface InfraResult {
  deploymentName: string;
  templateFile: string;
  dryRun: boolean;
  vaults: VaultReport[];
  changes?: ChangeOverview;
  outputs: Record<string, TemplateOutput>;
  failedResources: FailedResourceReport[];
  /**
   * The template deployment was not sent again: its last successful run had the same template and parameters
   * and what-if found nothing to change (unchanged-deployment.ts).
   */
  unchanged?: boolean;
}
