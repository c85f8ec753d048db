import { randomUUID } from 'node:crypto';
import { coreAdapter, type ActionAdapter } from './action/core-adapter.js';
import { AzureClientFactory } from './azure/client-factory.js';
import { buildCredentialChain } from './azure/credential-chain.js';
import { Deadline } from './azure/deadline.js';
import type { ActionConfig } from './config/config.js';
import { parseConfig } from './config/parse-config.js';
import { ConfigurationError, describeProblem } from './errors.js';
import { RunReport } from './report/run-report.js';
import { renderSummary } from './report/summary-markdown.js';
import { resourceGroupStage } from './stages/resource-group.js';
import { runStages } from './stages/run-stages.js';
import { signInStage } from './stages/sign-in.js';
import type { Stage, StageResults } from './stages/stage.js';
import { infraStage } from './infra/infra-stage.js';
import { infraOutputs } from './infra/infra-outputs.js';
import { secureParameterValues } from './infra/secure-parameters.js';
import { codeStage } from './ml/code-stage.js';
import { deploymentStage } from './ml/deployment-stage.js';
import { endpointStage } from './ml/endpoint-stage.js';
import { environmentStage } from './ml/environment-stage.js';
import { mlOutputs } from './ml/ml-outputs.js';
import { modelStage } from './ml/model-stage.js';
import { trafficStage } from './ml/traffic-stage.js';

/**
 * The whole action, top to bottom: inputs → config → plan → stages → report.
 * This is the only place an error becomes a failed step; everything below throws.
 */
export async function run(adapter: ActionAdapter = coreAdapter()): Promise<void> {
  const report = new RunReport(randomUUID());
  const results: StageResults = {};
  let deadline: Deadline | undefined;
  let deploysModel = false;
  try {
    const config = await parseConfig(adapter.readInputs(), adapter.runnerContext());
    deploysModel = config.ml !== undefined;
    if (config.infra) secureParameterValues(config.infra).forEach(value => adapter.log.mask(value));
    deadline = new Deadline(config.timeoutMs);
    const activeDeadline = deadline;
    adapter.onCancel(signal =>
      activeDeadline.cancel(`The run was cancelled (${signal}) and stopped waiting.`)
    );

    const credential = buildCredentialChain(config.auth, config.azure.cloud, audience =>
      adapter.requestIdToken(audience)
    );
    const azure = new AzureClientFactory({
      credential,
      cloud: config.azure.cloud,
      subscriptionId: config.azure.subscriptionId,
      deadline,
      correlationId: report.correlationId
    });
    if (config.ml?.dryRun)
      adapter.log.warning('dry-run: the model stages upload and register, so they were skipped.');
    const stages = planStages(config, signInStage(credential));
    await runStages(stages, { config, azure, deadline, log: adapter.log, results }, report);
  } catch (error) {
    // A configuration error is found before any stage runs; stage failures were already attributed.
    const failure = report.failure ?? report.fail('configuration', error);
    // On SIGINT the SDK surfaces a bare abort ("cancelled or reached its deadline"): name the real cause, and
    // let the summary say what keeps running in Azure.
    if (deadline?.cancelled) {
      report.cancelled = deadline.cancelled;
      if (!failure.message.startsWith(deadline.cancelled))
        failure.message = `${deadline.cancelled} ${failure.message}`;
    }
    reportFailure(adapter, error, failure.message);
  } finally {
    deadline?.dispose();
    adapter.setOutputs({
      status: report.status,
      'failed-stage': report.failure?.stage ?? '',
      ...(deploysModel ? { stages: report.stagesJson() } : {}),
      ...infraOutputs(results.infra),
      ...mlOutputs(results.ml)
    });
    if (results.infra) adapter.setTemplateOutputs(results.infra.outputs);
    await adapter.writeSummary(renderSummary(report, results));
  }
}

/**
 * The stages this configuration needs, in order. The model stages follow the infra stage, which may create
 * the workspace they deploy to; traffic comes last, so it moves only after the deployment succeeded.
 */
function planStages(config: ActionConfig, signIn: Stage): Stage[] {
  const ml =
    config.ml && !config.ml.dryRun
      ? [modelStage, environmentStage, codeStage, endpointStage, deploymentStage, trafficStage]
      : [];
  return [signIn, resourceGroupStage, ...(config.infra ? [infraStage] : []), ...ml];
}

/** One annotation per configuration problem (each names its input or file); otherwise the error message. */
function reportFailure(adapter: ActionAdapter, error: unknown, message: string): void {
  if (error instanceof ConfigurationError) {
    for (const problem of error.problems) {
      adapter.log.error(describeProblem(problem), {
        title: 'Invalid configuration',
        ...(problem.file ? { file: problem.file } : {}),
        ...(problem.line ? { startLine: problem.line } : {}),
        ...(problem.column ? { startColumn: problem.column } : {})
      });
    }
    adapter.markFailed(
      `The action's configuration has ${error.problems.length} problem(s); see the errors above.`
    );
    return;
  }
  adapter.markFailed(message);
}
