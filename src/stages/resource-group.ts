import { azureCall, AzureOperationError } from '../azure/azure-error.js';
import { ConfigurationError } from '../run/errors.js';
import type { RunContext, RunStage } from './run-context.js';

/**
 * Makes sure the target resource group exists. An existing group is left exactly as it is (a re-run writes
 * nothing); a missing one is created only when the user named a location, because guessing a region would
 * put their resources somewhere they did not choose.
 */
export const resourceGroupStage: RunStage = {
  name: 'resource-group',
  title: 'Resource group',
  async run({ config, azure, deadline, log, results }: RunContext): Promise<string> {
    const { resourceGroup, location, subscriptionId } = config.azure;
    const client = azure.resources();
    const options = { abortSignal: deadline.signal };
    const existing = await findResourceGroup(
      () => client.resourceGroups.get(resourceGroup, options),
      resourceGroup
    );
    if (existing) {
      if (location && existing.location.toLowerCase() !== location) {
        log.warning(
          `Resource group '${resourceGroup}' exists in '${existing.location}', not in '${location}' (input 'location'); ` +
            `it is used as it is. Resources that follow the group's location go to '${existing.location}'.`
        );
      }
      results.resourceGroup = { name: resourceGroup, location: existing.location, exists: true };
      return `'${resourceGroup}' exists in ${existing.location}; left unchanged`;
    }
    if (!location) {
      throw new ConfigurationError([
        {
          input: 'location',
          message: `is empty and resource group '${resourceGroup}' does not exist in subscription ${subscriptionId}.`,
          fix: "Set 'location' (e.g. westeurope) to let the action create it, or create the group first."
        }
      ]);
    }
    results.resourceGroup = { name: resourceGroup, location, exists: false };
    if (config.infra?.dryRun)
      return `'${resourceGroup}' does not exist; it would be created in ${location} (dry run)`;
    await azureCall(`create resource group '${resourceGroup}' in ${location}`, () =>
      client.resourceGroups.createOrUpdate(resourceGroup, { location }, options)
    );
    results.resourceGroup.exists = true;
    return `'${resourceGroup}' created in ${location}`;
  }
};

async function findResourceGroup(
  get: () => Promise<{ location: string }>,
  name: string
): Promise<{ location: string } | undefined> {
  try {
    return await azureCall(`read resource group '${name}'`, get);
  } catch (error) {
    if (error instanceof AzureOperationError && error.status === 404) return undefined;
    throw error;
  }
}
