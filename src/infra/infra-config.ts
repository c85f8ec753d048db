import type { DeletedVaultMode, KeyVaultPolicyMode } from '../keyvault/decide-vaults.js';
import type { WorkspaceFile } from '../config/workspace-files.js';

/** The infra stage's configuration: the template, its parameters, and how to treat Key Vaults. */
export interface InfraConfig {
  templateFile: WorkspaceFile;
  /** The template as JSON (Bicep already compiled). */
  template: Record<string, unknown>;
  /** Parameter values from files and inline overrides, typed, before defaults are applied. */
  parameterValues: Record<string, unknown>;
  /** Where each parameter value came from, for messages: `file:line` or `input 'parameters' line N`. */
  parameterSources: Record<string, string>;
  deploymentName: string;
  mode: 'Incremental' | 'Complete';
  keyVaultPolicy: KeyVaultPolicyMode;
  deletedVault: DeletedVaultMode;
  whatIf: boolean;
  dryRun: boolean;
}
