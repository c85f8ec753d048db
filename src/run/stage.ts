import type { AzureClientFactory } from '../azure/client-factory.js';
import type { Deadline } from './deadline.js';
import type { ActionConfig } from '../config/config.js';
import type { Findings } from './finding.js';
import type { HealthReport } from '../health/health-report.js';
import type { InfraResult } from '../infra/infra-result.js';
import type { LocalRunResult } from '../local/local-result.js';
import type { Log } from './log.js';
import type { MlResult } from '../ml/ml-result.js';
import type { Redactor } from './redaction.js';

/**
 * Names of the stages in the order a run goes through them. `configuration` and `sign-in` come first so a
 * failure there is attributed too (the `failed-stage` output).
 */
export type StageName =
  | 'configuration'
  | 'preflight'
  | 'sign-in'
  | 'resource-group'
  | 'infra'
  | 'model'
  | 'environment'
  | 'code'
  | 'endpoint'
  | 'deployment'
  | 'traffic'
  | 'local'
  | 'health';

/** What stages learn and later stages, outputs and the summary read. Filled in as the run goes. */
export interface StageResults {
  /** From the sign-in token: the tenant the run deploys in (subscription().tenantId). */
  tenantId?: string;
  resourceGroup?: { name: string; location: string; exists: boolean };
  infra?: InfraResult;
  ml?: MlResult;
  /** What the preflight stage ran on the runner (init(), a sample request), before anything was uploaded. */
  preflight?: LocalRunResult;
  /** `target: local`: the deployment as it ran on the runner. */
  local?: LocalRunResult;
  /** The health gate's verdict and figures (the `healthy` and `health-report` outputs). */
  health?: HealthReport;
}

/** Everything a stage may use. Stages get typed config, never inputs or the process environment. */
export interface RunContext {
  config: ActionConfig;
  azure: AzureClientFactory;
  deadline: Deadline;
  log: Log;
  results: StageResults;
  /** Explained problems for the summary, the PR comment and the annotations (src/diagnose/). */
  findings: Findings;
  /** Register every secret obtained (keys, tokens) here: it is masked in the log and redacted everywhere else. */
  redactor: Redactor;
}

/** One step of the pipeline. `run` returns a one-line account of what it did, for the summary. */
export interface Stage {
  name: StageName;
  /** Shown in the log group and the summary, e.g. "Resource group". */
  title: string;
  run(context: RunContext): Promise<string>;
}
