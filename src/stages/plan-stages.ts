import type { ActionConfig } from '../config/config.js';
import { healthStage } from '../health/health-stage.js';
import { infraStage } from '../infra/infra-stage.js';
import { codeStage } from '../ml/code-stage.js';
import { deploymentStage } from '../ml/deployment-stage.js';
import { endpointStage } from '../ml/endpoint-stage.js';
import { environmentStage } from '../ml/environment-stage.js';
import { modelStage } from '../ml/model-stage.js';
import { trafficStage } from '../ml/traffic-stage.js';
import { localDeploymentStage } from '../local/local-stage.js';
import { preflightStage } from '../local/preflight-stage.js';
import { resourceGroupStage } from './resource-group.js';
import type { RunStage } from './run-context.js';

/**
 * The stages this configuration needs, in order. The model stages follow the infra stage, which may create
 * the workspace they deploy to; traffic comes last, so it moves only after the deployment succeeded and the
 * health gate passed. Without `sample-request` there is no health gate (the model summary says so).
 */
export function planStages(config: ActionConfig, signIn: RunStage): RunStage[] {
  const local = config.target?.kind === 'local';
  const cloud = [
    modelStage,
    environmentStage,
    codeStage,
    endpointStage,
    deploymentStage,
    ...(config.health ? [healthStage] : []),
    trafficStage
  ];
  const ml = config.ml && !config.ml.dryRun ? (local ? [localDeploymentStage] : cloud) : [];
  // Preflight needs no Azure: it goes first, so a broken scoring script stops the run before any request.
  const preflight = config.target?.preflight ? [preflightStage] : [];
  // `target: local` without a template never talks to Azure: no sign-in, no resource group.
  const azure =
    !local || config.infra ? [signIn, resourceGroupStage, ...(config.infra ? [infraStage] : [])] : [];
  return [...preflight, ...azure, ...ml];
}
