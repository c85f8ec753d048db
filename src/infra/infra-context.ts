import type { AzureClientFactory } from '../azure/client-factory.js';
import type { ActionConfig } from '../config/config.js';
import type { ResourceGroupState, StageServices } from '../run/stage.js';
import type { InfraResult } from './infra-result.js';

/** What the infra stage needs: the configuration, the Azure clients, the group it deploys into; it fills `infra`. */
export interface InfraContext extends StageServices {
  config: ActionConfig;
  azure: AzureClientFactory;
  results: {
    /** From the sign-in token (subscription().tenantId in the template). */
    tenantId?: string;
    resourceGroup?: ResourceGroupState;
    infra?: InfraResult;
  };
}
