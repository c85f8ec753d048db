import { randomUUID } from 'node:crypto';
import { coreAdapter, type ActionAdapter } from './action/core-adapter.js';
import type { Outputs } from './contract/outputs.js';
import { AzureClientFactory } from './azure/client-factory.js';
import { buildCredentialChain } from './azure/credential-chain.js';
import { Deadline } from './run/deadline.js';
import { parseConfig } from './config/parse-config.js';
import { ConfigurationError, describeProblem } from './run/errors.js';
import { RunReport } from './stages/run-report.js';
import { planStages } from './stages/plan-stages.js';
import { runStages } from './stages/run-stages.js';
import { signInStage } from './stages/sign-in.js';
import type { StageResults } from './stages/run-context.js';
import { infraOutputs } from './infra/infra-outputs.js';
import { offlineProblems } from './infra/plan-infra.js';
import { publishedTemplateOutputs } from './infra/template-outputs.js';
import { registerSecureParameters } from './infra/secure-parameters.js';
import { mlOutputs } from './ml/ml-outputs.js';
import { healthOutputs } from './health/health-outputs.js';
import { ANNOTATION_LIMIT, Findings } from './run/finding.js';
import { publishReport } from './report/publish-report.js';
import { redactedRun } from './report/redacted-run.js';
import { Redactor } from './run/redaction.js';

/**
 * The whole action, top to bottom: inputs → config → plan → stages → report.
 * This is the only place an error becomes a failed step; everything below throws.
 */
export async function run(adapter: ActionAdapter = coreAdapter()): Promise<void> {
  // Read once: the configuration and the report (which must reach the PR even when the configuration fails).
  const inputs = adapter.readInputs();
  const report = new RunReport(randomUUID());
  const results: StageResults = {};
  const findings = new Findings();
  const redactor = new Redactor(secret => adapter.log.mask(secret));
  let deadline: Deadline | undefined;
  let deploysModel = false;
  try {
    const config = await parseConfig(
      inputs,
      adapter.runnerContext(),
      adapter.undeclaredInputs?.() ?? [],
      offlineProblems
    );
    report.endpointName = config.ml?.endpoint.name;
    deploysModel = config.ml !== undefined;
    if (config.infra) registerSecureParameters(config.infra, redactor, adapter.log);
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
    await runStages(
      stages,
      { config, azure, deadline, log: adapter.log, results, findings, redactor },
      report
    );
  } catch (error) {
    // A configuration error is found before any stage runs; stage failures were already attributed.
    const failure = report.failure ?? report.fail('configuration', error);
    if (error instanceof ConfigurationError) report.endpointName ??= error.endpointName;
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
    // Outputs are read by later steps and printed by them: they are made from the redacted run (a secure
    // value that reached a stage outcome or a resource name is gone before JSON encoding), then redacted
    // again as text. Template outputs come after and can never overwrite the action's own.
    const shown = redactedRun(report, results, redactor);
    const outputs: Outputs = {
      status: report.status,
      'failed-stage': report.failure?.stage ?? '',
      ...(deploysModel ? { stages: shown.report.stagesJson() } : {}),
      ...infraOutputs(shown.results.infra),
      ...mlOutputs(shown.results.ml),
      ...healthOutputs(shown.results.health)
    };
    adapter.setOutputs(
      Object.fromEntries(Object.entries(outputs).map(([name, value]) => [name, redactor.redact(value)]))
    );
    const template = publishedTemplateOutputs(results.infra?.outputs ?? {}, redactor);
    template.warnings.forEach(warning => adapter.log.warning(warning, { title: 'Template output' }));
    adapter.setTemplateOutputs(template.outputs);
    await publishReport(adapter, { inputs, report, results, findings, redactor });
  }
}

/**
 * One annotation per configuration problem (each names its input or file), as many as GitHub shows; every
 * problem is in the summary. Otherwise the error message.
 */
function reportFailure(adapter: ActionAdapter, error: unknown, message: string): void {
  if (error instanceof ConfigurationError) {
    for (const problem of error.problems.slice(0, ANNOTATION_LIMIT)) {
      adapter.log.error(describeProblem(problem), {
        title: 'Invalid configuration',
        ...(problem.file ? { file: problem.file } : {}),
        ...(problem.line ? { startLine: problem.line } : {}),
        ...(problem.column ? { startColumn: problem.column } : {})
      });
    }
    const more = error.problems.length - ANNOTATION_LIMIT;
    adapter.markFailed(
      `The action's configuration has ${error.problems.length} problem(s); see the errors above${more > 0 ? ` and ${more} more in the job summary` : ''}.`
    );
    return;
  }
  adapter.markFailed(message);
}
