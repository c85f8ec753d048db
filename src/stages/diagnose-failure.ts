import { ConfigurationError } from '../run/errors.js';
import { ScoringScriptError } from '../scoring-script/scoring-script-error.js';
import { mlScope } from '../ml/ml-workspace.js';
import type { StageName } from '../run/stage.js';
import type { RunContext } from './run-context.js';
import { buildLogLocation } from '../diagnose/build-log.js';
import { explainFailure } from '../diagnose/catalogue.js';
import { readContainerLogs } from '../ml/container-logs.js';
import type { DiagnosisEnv } from '../diagnose/diagnosis-env.js';
import { failureFacts, findCode, operationFacts, type FailureFacts } from '../diagnose/failure-facts.js';
import { fetchBuildLog } from '../ml/fetch-build-log.js';
import { redactFinding, type Finding } from '../run/finding.js';
import { localEvidence } from './local-evidence.js';

/** How long gathering evidence (logs from Azure) may take after a failure, whatever the run's deadline. */
export const GATHER_BUDGET_MS = 15_000;

/**
 * Explains a stage's failure: reads the facts out of the error, gathers evidence (container logs, the image
 * build log, the local model and code files), asks the catalogue, and adds the findings to
 * `context.findings`, redacted. Bounded by {@link GATHER_BUDGET_MS}; never throws, so a failure to gather
 * evidence never hides the original error. Configuration errors are already explained problem by problem,
 * and a cancelled run must exit quickly: neither is diagnosed.
 */
export async function diagnoseFailure(
  stage: StageName,
  error: unknown,
  context: RunContext,
  recentLog?: string
): Promise<Finding[]> {
  // A scoring script that failed on the runner was explained where it failed (src/local/script-findings.ts).
  if (
    error instanceof ConfigurationError ||
    error instanceof ScoringScriptError ||
    context.deadline.cancelled
  )
    return [];
  const facts = failureFacts(stage, error);
  let env: DiagnosisEnv = {};
  try {
    env = {
      ...localEvidence(context),
      ...(recentLog ? { recentLog: context.redactor.redact(recentLog) } : {})
    };
    // Past the run's deadline, reading more from Azure would overrun the budget the user set.
    if (!facts.deadline) await gatherRemoteEvidence(facts, env, context);
  } catch (gatherError) {
    context.log.debug(`Gathering evidence for the diagnosis failed: ${(gatherError as Error).message}`);
  }
  try {
    const findings = explainAll(facts, env).map(finding =>
      redactFinding(finding, text => context.redactor.redact(text))
    );
    findings.forEach(finding => context.findings.add(finding));
    return findings;
  } catch (explainError) {
    // A defect in an entry must not replace the stage's own error, which run() still reports.
    context.log.debug(`The failure could not be diagnosed: ${(explainError as Error).message}`);
    return [];
  }
}

/** One finding per failed resource of a template deployment, else one for the failure. */
function explainAll(facts: FailureFacts, env: DiagnosisEnv): Finding[] {
  if (facts.failedOperations.length === 0) return [explainFailure(facts, env)];
  return facts.failedOperations.map(operation => explainFailure(operationFacts(facts, operation), env));
}

/** Container logs of a failed online deployment and the build log of a failed image build, from Azure. */
async function gatherRemoteEvidence(
  facts: FailureFacts,
  env: DiagnosisEnv,
  context: RunContext
): Promise<void> {
  const deployment = context.results.ml?.deployment?.name;
  const needsLogs = facts.stage === 'deployment' && deployment && !facts.containerLogs;
  const imageBuild = findCode(facts, ['ImageBuildFailure']);
  const location = imageBuild ? buildLogLocation(imageBuild.message) : undefined;
  if (!context.config.ml || (!needsLogs && !location)) return;
  const signal = AbortSignal.timeout(GATHER_BUDGET_MS);
  const scope = { ...mlScope(context), options: { abortSignal: signal } };
  const redact = (text: string): string => context.redactor.redact(text);
  await Promise.all([
    needsLogs
      ? readContainerLogs(scope, deployment).then(logs => {
          facts.containerLogs = {
            ...(logs.storageInitializer ? { storageInitializer: redact(logs.storageInitializer) } : {}),
            ...(logs.inferenceServer ? { inferenceServer: redact(logs.inferenceServer) } : {})
          };
        })
      : undefined,
    location
      ? fetchBuildLog(scope, location, context.azure.session.credential, context.redactor).then(
          log => (env.buildLog = log),
          (fetchError: unknown) =>
            context.log.info(
              `The image build log could not be read from storage account '${location.account}' (${(fetchError as Error).message}); the finding says where it is.`
            )
        )
      : undefined
  ]);
}
