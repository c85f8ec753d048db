import type { CloudEndpoints } from './clouds.js';
import type { HealthConfig } from './health-config.js';
import type { InfraConfig } from './infra-config.js';
import type { MlConfig } from './ml-config.js';
import type { ReportingConfig } from './reporting-config.js';
import type { TargetConfig } from './target-config.js';

/**
 * The action's typed configuration: everything the run needs, validated, with every file already read.
 * Stages receive this (or the part they need); nothing below `src/action/` reads inputs or the environment.
 */
export interface ActionConfig {
  azure: AzureTarget;
  auth: AuthConfig;
  /** One budget for the whole run; every Azure call and wait honours it. */
  timeoutMs: number;
  /** The ARM template stage; absent when no template was given. */
  infra?: InfraConfig;
  /** The model stages (model → environment → code → endpoint → deployment → traffic); absent without model inputs. */
  ml?: MlConfig;
  /** The health gate (sample requests, expected answer, latency budget, target load); absent without `sample-request`. */
  health?: HealthConfig;
  /** Input `target` (azure or local), the local inference server and preflight; absent means azure, no preflight. */
  target?: TargetConfig;
  /** The PR comment, check run and GitHub deployment record (`github-token`, `pr-comment`). */
  reporting: ReportingConfig;
}

/** Where resources go. */
export interface AzureTarget {
  subscriptionId: string;
  resourceGroup: string;
  /** Normalised (`westeurope`); when set, a missing resource group is created there. */
  location?: string;
  cloud: CloudEndpoints;
}

/** How to sign in; which credential is used is decided by the credential chain (src/azure/credential-chain.ts). */
export interface AuthConfig {
  tenantId?: string;
  clientId?: string;
  /** Audience of the GitHub OIDC token exchanged for an Entra token. */
  audience: string;
}
