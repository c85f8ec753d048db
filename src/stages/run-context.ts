import type { AzureClientFactory } from '../azure/client-factory.js';
import type { ActionConfig } from '../config/config.js';
import type { HealthReport } from '../health/health-report.js';
import type { InfraResult } from '../infra/infra-result.js';
import type { LocalRunResult } from '../local/local-result.js';
import type { MlResult } from '../ml/ml-result.js';
import type { ResourceGroupState, Stage, StageServices } from '../run/stage.js';

/** What stages learn and later stages, outputs and the summary read. Filled in as the run goes. */
export interface StageResults {
  /** From the sign-in token: the tenant the run deploys in (subscription().tenantId). */
  tenantId?: string;
  resourceGroup?: ResourceGroupState;
  infra?: InfraResult;
  ml?: MlResult;
  /** What the preflight stage ran on the runner (init(), a sample request), before anything was uploaded. */
  preflight?: LocalRunResult;
  /** `target: local`: the deployment as it ran on the runner. */
  local?: LocalRunResult;
  /** The health gate's verdict and figures (the `healthy` and `health-report` outputs). */
  health?: HealthReport;
}

/**
 * The whole run's context. Every stage's own context (InfraContext, MlContext, HealthContext, LocalContext)
 * is a part of it, so any stage runs with it. Stages get typed config, never inputs or the process
 * environment.
 */
export interface RunContext extends StageServices {
  config: ActionConfig;
  azure: AzureClientFactory;
  results: StageResults;
}

/** A stage as the runner holds it: any stage whose own context the run's context satisfies. */
export type RunStage = Stage<RunContext>;
