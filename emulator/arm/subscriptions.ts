import { armError, type HttpResult } from '../http-result.js';

/** The one subscription the emulator serves. */
export interface SubscriptionInfo {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
}

function subscriptionDocument(info: SubscriptionInfo): Record<string, unknown> {
  return {
    id: `/subscriptions/${info.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: info.subscriptionId,
    tenantId: info.tenantId,
    displayName: info.displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off'
    }
  };
}

/** ARM's answer when a path names a subscription other than the configured one. */
export function subscriptionNotFound(subscriptionId: string): HttpResult {
  return armError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
}

/** `GET /subscriptions` and `GET /subscriptions/{id}`; undefined for other paths. */
export function handleSubscriptions(
  method: string,
  path: string,
  info: SubscriptionInfo
): HttpResult | undefined {
  const match = /^\/subscriptions(?:\/([^/]+))?\/?$/i.exec(path);
  if (!match || method !== 'GET') return undefined;
  if (!match[1])
    return { status: 200, body: { value: [subscriptionDocument(info)], count: { type: 'Total', value: 1 } } };
  if (match[1].toLowerCase() !== info.subscriptionId.toLowerCase()) return subscriptionNotFound(match[1]);
  return { status: 200, body: subscriptionDocument(info) };
}
