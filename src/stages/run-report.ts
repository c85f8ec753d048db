import { AzureOperationError } from '../azure/azure-error.js';
import { DeadlineExceededError } from '../run/deadline.js';
import { CredentialChainError } from '../azure/credential-chain.js';
import { ConfigurationError, type ConfigurationProblem } from '../run/errors.js';
import { TemplateDeploymentFailedError } from '../infra/arm-deployment.js';
import { ScoringScriptError } from '../scoring-script/scoring-script-error.js';
import type { StageName } from '../run/stage.js';

export type StageStatus = 'succeeded' | 'failed' | 'not run';

/** What happened in one stage, for the summary and the outputs. */
export interface StageRecord {
  name: StageName;
  title: string;
  status: StageStatus;
  durationMs: number;
  /** One line: what was done or reused, or why it failed. */
  outcome: string;
}

/** Kinds of failure the report tells apart, because each calls for a different next step. */
export type FailureKind =
  | 'configuration'
  | 'sign-in'
  | 'azure'
  | 'deadline'
  /** The user's scoring script failed on the runner (preflight, `target: local`): their code to fix. */
  | 'scoring-script'
  | 'internal';

export interface FailureRecord {
  kind: FailureKind;
  stage: StageName;
  message: string;
  problems?: readonly ConfigurationProblem[];
  operation?: string;
  code?: string;
  correlationId?: string;
}

/** The run as the report layer sees it; filled in as stages go, read once at the end. */
export class RunReport {
  readonly stages: StageRecord[] = [];
  failure: FailureRecord | undefined;
  /** Why the run was cancelled (SIGINT/SIGTERM from the runner), when it was: the summary then says what goes on in Azure. */
  cancelled: string | undefined;
  /**
   * The endpoint the run deploys to, as the configuration read it (also when the configuration was refused for
   * another reason): it names the check run and the PR comment, so no file is read again to name them.
   */
  endpointName: string | undefined;

  constructor(
    /** The `x-ms-correlation-request-id` every Azure request of this run carries. */
    readonly correlationId: string,
    readonly startedAt: number = Date.now()
  ) {}

  get status(): 'succeeded' | 'failed' {
    return this.failure ? 'failed' : 'succeeded';
  }

  /** The `stages` output: every stage in order with its status, duration and outcome. */
  stagesJson(): string {
    return JSON.stringify(
      this.stages.map(({ name, status, durationMs, outcome }) => ({ name, status, durationMs, outcome }))
    );
  }

  record(stage: StageRecord): void {
    this.stages.push(stage);
  }

  /** Records the failure that ended the run, attributed to `stage`. */
  fail(stage: StageName, error: unknown): FailureRecord {
    this.failure = classifyFailure(stage, error, this.correlationId);
    return this.failure;
  }
}

function classifyFailure(stage: StageName, error: unknown, runCorrelationId: string): FailureRecord {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ConfigurationError)
    return { kind: 'configuration', stage, message, problems: error.problems };
  if (error instanceof CredentialChainError) return { kind: 'sign-in', stage, message };
  if (error instanceof ScoringScriptError) return { kind: 'scoring-script', stage, message };
  if (error instanceof DeadlineExceededError)
    return { kind: 'deadline', stage, message, correlationId: runCorrelationId };
  if (error instanceof TemplateDeploymentFailedError) {
    return {
      kind: 'azure',
      stage,
      message,
      operation: `deploy template deployment '${error.deploymentName}'`,
      code: error.failure.code,
      correlationId: error.failure.correlationId ?? runCorrelationId
    };
  }
  if (error instanceof AzureOperationError) {
    return {
      kind: 'azure',
      stage,
      message,
      operation: error.operation,
      code: error.code,
      correlationId: error.correlationId ?? runCorrelationId
    };
  }
  return {
    kind: 'internal',
    stage,
    message: `${message}\nThis looks like a defect in the action; please report it with the log of this step.`,
    correlationId: runCorrelationId
  };
}
