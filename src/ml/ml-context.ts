import type { AzureClientFactory } from '../azure/client-factory.js';
import type { ActionConfig } from '../config/config.js';
import type { StageServices } from '../run/stage.js';
import type { MlResult } from './ml-result.js';

/** What the model stages (model … traffic) need: the configuration and the Azure clients; they fill `ml`. */
export interface MlContext extends StageServices {
  config: ActionConfig;
  azure: AzureClientFactory;
  results: { ml?: MlResult };
}
