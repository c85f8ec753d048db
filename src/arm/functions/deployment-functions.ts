import { deploymentScopeOf } from '../deployment-scope.js';
import type { EvaluationScope } from '../scope.js';
import type { TemplateJson } from '../template-file.js';
import { unknown } from '../unknown.js';
import { ArmFunctionError, type ArmObject, type ArmValue, asInt, asString } from '../values.js';
import { type ArmFunction, fn } from './types.js';

/** environment() for the public Azure cloud; DeploymentContext.environment overrides parts of it. */
const AZURE_CLOUD: ArmObject = {
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc:
    'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
    tenant: 'common',
    identityProvider: 'AAD'
  },
  suffixes: {
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net'
  }
};

function resourceGroup(scope: EvaluationScope): ArmObject {
  const { subscriptionId, resourceGroup: rg } = scope.context;
  return {
    id: rg.id ?? `/subscriptions/${subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location:
      rg.location ?? unknown(`the location of resource group '${rg.name}' is not known before deployment`),
    tags: rg.tags ?? {},
    properties: { provisioningState: 'Succeeded' }
  };
}

function deployment(scope: EvaluationScope): ArmObject {
  const template = scope.template ?? {};
  // Deployments at subscription, management-group and tenant scope have a location; resource-group ones don't.
  const atWiderScope = deploymentScopeOf(template as TemplateJson) !== 'resourceGroup';
  const location =
    scope.context.deploymentLocation ?? unknown('the deployment location is not known offline');
  return {
    name: scope.context.deploymentName,
    ...(atWiderScope ? { location } : {}),
    properties: {
      template: { contentVersion: (template.contentVersion as string | undefined) ?? '1.0.0.0' },
      templateHash: unknown('deployment().properties.templateHash is computed by Azure'),
      parameters: {},
      mode: 'Incremental',
      provisioningState: 'Accepted'
    }
  };
}

function copyIndex(args: ArmValue[], scope: EvaluationScope): number {
  const named = typeof args[0] === 'string' ? args[0] : undefined;
  const offset = named === undefined ? (args[0] ?? 0) : (args[1] ?? 0);
  const index = scope.copyIndices.get(named ?? '');
  if (index === undefined) {
    throw new ArmFunctionError(
      named ? `no copy loop named '${named}' encloses this expression` : 'used outside a copy loop'
    );
  }
  return index + asInt(offset as ArmValue, 'offset');
}

function parameter(name: string, scope: EvaluationScope): ArmValue {
  const key = Object.keys(scope.parameters).find(k => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) {
    throw new ArmFunctionError(
      `the parameter '${name}' is not defined (known: ${Object.keys(scope.parameters).join(', ')})`
    );
  }
  return scope.parameters[key]!;
}

/** Deployment and scope functions: parameters(), variables(), resourceGroup(), deployment(), copyIndex(), … */
export const deploymentFunctions: Record<string, ArmFunction> = {
  parameters: fn(1, 1, (args, { scope }) => parameter(asString(args[0]!), scope)),
  variables: fn(1, 1, (args, { scope }) => scope.variable(asString(args[0]!))),
  resourcegroup: fn(0, 0, (_, { scope }) => resourceGroup(scope)),
  subscription: fn(0, 0, (_, { scope }) => ({
    id: `/subscriptions/${scope.context.subscriptionId}`,
    subscriptionId: scope.context.subscriptionId,
    tenantId: scope.context.tenantId,
    displayName: unknown('the subscription display name is only known in Azure')
  })),
  tenant: fn(0, 0, (_, { scope }) => ({
    id: `/tenants/${scope.context.tenantId}`,
    tenantId: scope.context.tenantId,
    displayName: unknown('the tenant display name is only known in Azure'),
    countryCode: unknown('the tenant country code is only known in Azure')
  })),
  deployment: fn(0, 0, (_, { scope }) => deployment(scope)),
  environment: fn(0, 0, (_, { scope }) => ({ ...AZURE_CLOUD, ...(scope.context.environment as ArmObject) })),
  copyindex: fn(0, 2, (args, { scope }) => copyIndex(args, scope))
};
