import { armError, type ArmErrorDetail, type HttpResult } from '../http-result.js';

/**
 * Resource provider namespaces of Azure's public cloud the stand-in accepts (a subset: those templates of
 * the kind this project deploys use, and their common neighbours). ARM refuses any other namespace.
 */
const KNOWN_NAMESPACES = [
  'Microsoft.AlertsManagement',
  'Microsoft.ApiManagement',
  'Microsoft.App',
  'Microsoft.AppConfiguration',
  'Microsoft.Authorization',
  'Microsoft.Automation',
  'Microsoft.AzureStackHCI',
  'Microsoft.Batch',
  'Microsoft.Cache',
  'Microsoft.Cdn',
  'Microsoft.CognitiveServices',
  'Microsoft.Compute',
  'Microsoft.ContainerInstance',
  'Microsoft.ContainerRegistry',
  'Microsoft.ContainerService',
  'Microsoft.DataFactory',
  'Microsoft.Databricks',
  'Microsoft.DBforMySQL',
  'Microsoft.DBforPostgreSQL',
  'Microsoft.DocumentDB',
  'Microsoft.EventGrid',
  'Microsoft.EventHub',
  'Microsoft.HDInsight',
  'Microsoft.Insights',
  'Microsoft.KeyVault',
  'Microsoft.Kusto',
  'Microsoft.Logic',
  'Microsoft.MachineLearningServices',
  'Microsoft.ManagedIdentity',
  'Microsoft.Network',
  'Microsoft.OperationalInsights',
  'Microsoft.OperationsManagement',
  'Microsoft.PolicyInsights',
  'Microsoft.Purview',
  'Microsoft.RecoveryServices',
  'Microsoft.Resources',
  'Microsoft.Search',
  'Microsoft.Security',
  'Microsoft.ServiceBus',
  'Microsoft.SignalRService',
  'Microsoft.Sql',
  'Microsoft.Storage',
  'Microsoft.Synapse',
  'Microsoft.Web'
];

const PROVIDERS_PATH = /^\/subscriptions\/([^/]+)\/providers(?:\/([^/]+)(?:\/(register|unregister))?)?\/?$/i;

/**
 * The subscription's resource provider registrations: every known namespace starts `Registered` (the
 * stand-in's subscription is a working one); `POST …/providers/{ns}/unregister` makes one `NotRegistered`,
 * as in ARM, so clients can meet `MissingSubscriptionRegistration`.
 */
export class ProviderRegistrations {
  readonly #state = new Map(KNOWN_NAMESPACES.map(ns => [ns.toLowerCase(), 'Registered']));
  readonly #spelling = new Map(KNOWN_NAMESPACES.map(ns => [ns.toLowerCase(), ns]));

  /** Makes a namespace known and registered (a plugged-in provider's). */
  add(namespace: string): void {
    this.#state.set(namespace.toLowerCase(), 'Registered');
    this.#spelling.set(namespace.toLowerCase(), namespace);
  }

  /** ARM's refusal of a request for a resource in `namespace`, or undefined when it is served. */
  refusal(namespace: string): { status: number; error: ArmErrorDetail } | undefined {
    const state = this.#state.get(namespace.toLowerCase());
    if (state === undefined) {
      return {
        status: 400,
        error: {
          code: 'InvalidResourceNamespace',
          message: `The resource namespace '${namespace}' is invalid.`
        }
      };
    }
    if (state === 'Registered') return undefined;
    const message =
      `The subscription is not registered to use namespace '${this.#spelling.get(namespace.toLowerCase())}'. ` +
      'See https://aka.ms/rps-not-found for how to register subscriptions.';
    return {
      status: 409,
      error: {
        code: 'MissingSubscriptionRegistration',
        message,
        details: [{ code: 'MissingSubscriptionRegistration', target: namespace, message }]
      }
    };
  }

  /** `GET …/providers`, `GET …/providers/{ns}`, `POST …/providers/{ns}/register|unregister`. */
  handle(method: string, path: string): HttpResult | undefined {
    const match = PROVIDERS_PATH.exec(path);
    if (!match) return undefined;
    const [, subscription, namespace, action] = match;
    if (!namespace) {
      if (method !== 'GET') return undefined;
      return { status: 200, body: { value: KNOWN_NAMESPACES.map(ns => this.#document(subscription!, ns)) } };
    }
    const known = this.#spelling.get(namespace.toLowerCase());
    if (!known) {
      return armError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`);
    }
    if (action && method === 'POST') {
      this.#state.set(
        known.toLowerCase(),
        action.toLowerCase() === 'register' ? 'Registered' : 'NotRegistered'
      );
    } else if (action || method !== 'GET') {
      return undefined;
    }
    return { status: 200, body: this.#document(subscription!, known) };
  }

  #document(subscriptionId: string, namespace: string): Record<string, unknown> {
    return {
      id: `/subscriptions/${subscriptionId}/providers/${namespace}`,
      namespace,
      registrationState: this.#state.get(namespace.toLowerCase()),
      registrationPolicy: 'RegistrationRequired',
      resourceTypes: []
    };
  }
}
