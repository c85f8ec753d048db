import type { ActionConfig } from '../config/config.js';
import { infraStage } from '../infra/infra-stage.js';
import { codeStage } from '../ml/code-stage.js';
import { deploymentStage } from '../ml/deployment-stage.js';
import { endpointStage } from '../ml/endpoint-stage.js';
import { environmentStage } from '../ml/environment-stage.js';
import { modelStage } from '../ml/model-stage.js';
import { trafficStage } from '../ml/traffic-stage.js';
import { resourceGroupStage } from './resource-group.js';
import type { Stage } from './stage.js';

/**
 * The stages this configuration needs, in order. The model stages follow the infra stage, which may create
 * the workspace they deploy to; traffic comes last, so it moves only after the deployment succeeded.
 */
export function planStages(config: ActionConfig, signIn: Stage): Stage[] {
  const ml =
    config.ml && !config.ml.dryRun
      ? [modelStage, environmentStage, codeStage, endpointStage, deploymentStage, trafficStage]
      : [];
  return [signIn, resourceGroupStage, ...(config.infra ? [infraStage] : []), ...ml];
}
