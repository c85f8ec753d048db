import type { EmulatorFacts } from '../facts.js';
import { armError, type HttpResult } from '../http-result.js';

/** ARM's cloud metadata path: served without a token (`az cloud register` reads it before any sign-in). */
export const CLOUD_METADATA_PATH = /^\/metadata\/endpoints\/?$/i;

// The DNS suffixes are Azure public cloud's, as documented: the stand-in serves everything on one origin,
// so a client that builds a host name from a suffix (a vault's data plane) does not reach it anyway.
const SUFFIXES = {
  acrLoginServer: 'azurecr.io',
  attestationEndpoint: 'attest.azure.net',
  azureDataLakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
  azureDataLakeStoreFileSystem: 'azuredatalakestore.net',
  keyVaultDns: 'vault.azure.net',
  mhsmDns: 'managedhsm.azure.net',
  sqlServerHostname: 'database.windows.net',
  storage: 'core.windows.net',
  storageSyncEndpointSuffix: 'afs.azure.net',
  synapseAnalytics: 'dev.azuresynapse.net'
};

/** One cloud in the shape of api-version 2019-05-01 and later, its ARM and sign-in pointing at the stand-in. */
function cloud(facts: EmulatorFacts): Record<string, unknown> {
  const arm = `${facts.armEndpoint}/`;
  return {
    name: 'AzureStandIn',
    portal: facts.armEndpoint,
    authentication: {
      loginEndpoint: facts.authorityHost,
      audiences: [arm, facts.armEndpoint],
      tenant: 'common',
      identityProvider: 'AAD'
    },
    media: 'https://rest.media.azure.net',
    graphAudience: 'https://graph.windows.net/',
    graph: 'https://graph.windows.net/',
    microsoftGraphResourceId: 'https://graph.microsoft.com/',
    batch: 'https://batch.core.windows.net/',
    resourceManager: arm,
    gallery: 'https://gallery.azure.com/',
    sqlManagement: 'https://management.core.windows.net:8443/',
    vmImageAliasDoc:
      'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
    activeDirectoryDataLake: 'https://datalake.azure.net/',
    appInsightsResourceId: 'https://api.applicationinsights.io',
    appInsightsTelemetryChannelResourceId: 'https://dc.applicationinsights.azure.com/v2/track',
    attestationResourceId: 'https://attest.azure.net',
    synapseAnalyticsResourceId: 'https://dev.azuresynapse.net',
    logAnalyticsResourceId: 'https://api.loganalytics.io',
    ossrDbmsResourceId: 'https://ossrdbms-aad.database.windows.net',
    suffixes: SUFFIXES
  };
}

/**
 * `GET /metadata/endpoints?api-version=…`, answered as ARM does by api-version: before 2019-05-01 the legacy
 * object (`galleryEndpoint`, `graphEndpoint`, `portalEndpoint`, `authentication`); from 2019-05-01 a list of
 * clouds; from 2022-09-01 the one cloud the endpoint belongs to.
 */
export function cloudMetadata(method: string, apiVersion: string | null, facts: EmulatorFacts): HttpResult {
  if (method !== 'GET') {
    return armError(
      405,
      'MethodNotAllowed',
      `The method '${method}' is not supported on '/metadata/endpoints'.`
    );
  }
  if (!apiVersion) {
    return armError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.'
    );
  }
  const one = cloud(facts);
  const version = apiVersion;
  if (version >= '2022-09-01') return { status: 200, body: one };
  if (version >= '2019-05-01') return { status: 200, body: [one] };
  return {
    status: 200,
    body: {
      galleryEndpoint: one.gallery,
      graphEndpoint: one.graph,
      portalEndpoint: one.portal,
      authentication: one.authentication
    }
  };
}
