import type { Log } from '../run/log.js';
import type { StageResults } from '../stages/run-context.js';
import type { GitHubApi, GitHubEvent } from '../action/github-port.js';
import type { RunReport } from '../stages/run-report.js';

/** What the deployment record is built from. */
export interface DeploymentRecordInput {
  report: RunReport;
  results: StageResults;
}

/**
 * A GitHub deployment for the model deployment this run made or found: environment = the endpoint, ref = the
 * commit, and a status — success when the run succeeded (and the health gate, if any, passed), failure
 * otherwise — with the scoring URI as the environment's URL and the run as its log. The repository's
 * Environments page then shows which commit each endpoint serves. Nothing is recorded when the run never got
 * to create a deployment (a configuration, sign-in or asset failure).
 */
export async function recordDeployment(
  api: GitHubApi,
  event: GitHubEvent,
  input: DeploymentRecordInput,
  log: Log
): Promise<void> {
  const ml = input.results.ml;
  if (!ml?.deployment) return;
  // The health gate's verdict when it ran (results.health); without the gate, the run's status alone.
  const healthy = input.results.health?.healthy;
  const succeeded = input.report.status === 'succeeded' && healthy !== false;
  const { id } = await api.createDeployment({
    ref: event.sha,
    environment: ml.endpointName,
    description: `Azure ML online deployment '${ml.deployment.name}' on endpoint '${ml.endpointName}'`,
    payload: {
      workspace: ml.workspace,
      endpoint: ml.endpointName,
      deployment: ml.deployment.name,
      ...(ml.model ? { model: `${ml.model.name}:${ml.model.version}` } : {})
    }
  });
  const reason = input.report.failure
    ? `failed at stage ${input.report.failure.stage}`
    : healthy === false
      ? 'unhealthy'
      : healthy
        ? 'deployed, healthy'
        : 'deployed';
  await api.createDeploymentStatus(id, {
    state: succeeded ? 'success' : 'failure',
    description: `'${ml.deployment.name}': ${reason}`.slice(0, 140),
    ...(ml.endpoint?.scoringUri ? { environmentUrl: ml.endpoint.scoringUri } : {}),
    ...(event.runUrl ? { logUrl: event.runUrl } : {})
  });
  log.info(
    `GitHub deployment ${id} (environment '${ml.endpointName}'): ${succeeded ? 'success' : 'failure'}.`
  );
}
