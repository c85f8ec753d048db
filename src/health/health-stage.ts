import { azureCall } from '../azure/azure-error.js';
import { readEndpoint } from '../ml/endpoint-stage.js';
import { mlScope, type MlScope } from '../ml/ml-workspace.js';
import { describeTraffic } from '../ml/traffic-plan.js';
import type { Stage } from '../run/stage.js';
import type { HealthContext } from './health-context.js';
import { deploymentCapacity } from './deployment-capacity.js';
import { HealthGateFailedError } from './health-gate-failure.js';
import { runHealthGate } from './health-gate.js';
import { describeHealth } from './health-report.js';
import type { ScoringTarget } from './scoring-target.js';

/** Lines of the inference server log read when run() failed: enough to hold the traceback of one request. */
const SERVER_LOG_LINES = 200;

/**
 * The health gate in Azure: after the deployment stage succeeded and before the traffic stage, the samples go
 * to the new deployment only (`azureml-model-deployment`), with the endpoint's key or token. An unhealthy
 * deployment fails the run here, so the traffic stage does not run and the deployments that served keep serving.
 */
export const healthStage: Stage<HealthContext> = {
  name: 'health',
  title: 'Health',
  async run(context: HealthContext): Promise<string> {
    // Planned only with `sample-request` (plan-stages.ts).
    const settings = context.config.health!;
    const scope = mlScope(context);
    const deployment = scope.result.deployment!.name;
    const target = await deploymentTarget(context, scope, deployment);
    const code = scope.config.deployment.codeConfiguration?.code;
    const timeout = scope.config.deployment.requestSettings?.requestTimeoutMs;
    const report = await runHealthGate(target, settings, {
      deadline: context.deadline,
      log: context.log,
      findings: context.findings,
      redactor: context.redactor,
      capacity: deploymentCapacity(scope.config.deployment),
      serverLog: () => serverLog(scope, deployment),
      situation: {
        deployment,
        endpointKind: scope.config.endpoint.kind,
        ...(timeout !== undefined ? { requestTimeoutMs: timeout } : {})
      },
      ...(code?.kind === 'path' ? { codeFolder: code } : {})
    });
    context.results.health = report;
    if (!report.healthy) {
      const endpoint = await readEndpoint(scope, scope.result.endpointName).catch(() => undefined);
      const serving = `traffic stays ${describeTraffic(endpoint?.properties.traffic ?? {})}`;
      throw new HealthGateFailedError(report, deployment, serving);
    }
    return describeHealth(report);
  }
};

/** The endpoint's scoring URI, with its key (auth mode key) or token (aml_token), masked as it arrives. */
async function deploymentTarget(
  context: HealthContext,
  scope: MlScope,
  deployment: string
): Promise<ScoringTarget> {
  const endpointName = scope.result.endpointName;
  const uri = scope.result.endpoint?.scoringUri;
  if (!uri)
    throw new Error(`Online endpoint '${endpointName}' has no scoring URI to send the health check to.`);
  const { client, resourceGroup, workspace, options } = scope;
  const secret =
    scope.config.endpoint.authMode === 'aml_token'
      ? (
          await azureCall(`get a scoring token of online endpoint '${endpointName}'`, () =>
            client.onlineEndpoints.getToken(resourceGroup, workspace, endpointName, options)
          )
        ).accessToken
      : (
          await azureCall(`read the keys of online endpoint '${endpointName}'`, () =>
            client.onlineEndpoints.listKeys(resourceGroup, workspace, endpointName, options)
          )
        ).primaryKey;
  if (!secret) throw new Error(`Online endpoint '${endpointName}' returned no key or token to score with.`);
  context.redactor.add(secret);
  const timeout = scope.config.deployment.requestSettings?.requestTimeoutMs;
  return {
    uri,
    headers: { authorization: `Bearer ${secret}`, 'azureml-model-deployment': deployment },
    label: `deployment '${deployment}' of endpoint '${endpointName}'`,
    // The front end answers 408/504 after request_timeout_ms; wait a little longer than that for its answer.
    ...(timeout ? { requestTimeoutMs: timeout + 30_000 } : {}),
    ...(context.azure.session.trustedCaPem ? { trustedCaPem: context.azure.session.trustedCaPem } : {})
  };
}

async function serverLog(scope: MlScope, deployment: string): Promise<string> {
  const logs = await azureCall(`read the inference server log of deployment '${deployment}'`, () =>
    scope.client.onlineDeployments.getLogs(
      scope.resourceGroup,
      scope.workspace,
      scope.result.endpointName,
      deployment,
      { containerType: 'InferenceServer', tail: SERVER_LOG_LINES },
      scope.options
    )
  );
  return logs.content ?? '';
}
