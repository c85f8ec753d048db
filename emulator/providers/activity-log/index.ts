import { randomUUID } from 'node:crypto';
import type { HttpResult } from '../../http-result.js';
import type { JwtClaims } from '../../identity/jwt.js';
import type { ResourceProvider } from '../../arm/provider.js';
import type { ResourceStore } from '../../arm/resource-store.js';

/**
 * The subscription's activity log (`Microsoft.Insights/eventtypes/management/values`, api-version 2015-04-01),
 * as far as the stand-in records it: every successful write to a Key Vault or its access policies, direct or
 * made by a template deployment, with caller, operation, time and correlation id — the facts a guard needs
 * to name a write someone else made while its deployment ran. Azure shows events minutes late; the stand-in
 * shows them at once. Other resource types are not recorded.
 */
export interface ActivityEvent {
  resourceId: string;
  resourceGroupName: string;
  operationName: string;
  caller: string;
  correlationId: string;
  eventTimestamp: string;
}

const PATH = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Insights\/eventtypes\/management\/values\/?$/i;

// Keyed by the store so the HTTP providers and the deployment engine lending one store share one log.
const eventsByStore = new WeakMap<ResourceStore, ActivityEvent[]>();

/** The caller Azure records: the user principal name, else the application (or object) id. */
export function callerOf(claims: JwtClaims | undefined): string {
  const c = (claims ?? {}) as Record<string, unknown>;
  return String(c.upn ?? c.appid ?? c.azp ?? c.oid ?? c.sub ?? 'unknown');
}

/** Records one successful write. */
export function recordActivity(
  store: ResourceStore,
  event: Omit<ActivityEvent, 'eventTimestamp' | 'resourceGroupName' | 'correlationId'> & {
    correlationId?: string;
  }
): void {
  const list = eventsByStore.get(store) ?? [];
  eventsByStore.set(store, list);
  list.push({
    ...event,
    correlationId: event.correlationId || randomUUID(),
    resourceGroupName: /\/resourcegroups\/([^/]+)/i.exec(event.resourceId)?.[1] ?? '',
    eventTimestamp: new Date().toISOString()
  });
}

/** `eventTimestamp ge '…' and eventTimestamp le '…' and resourceGroupName eq '…'` (resourceUri eq also). */
function matchesFilter(event: ActivityEvent, filter: string): boolean {
  const clause = /(\w+)\s+(ge|le|eq)\s+'([^']*)'/gi;
  for (let match = clause.exec(filter); match; match = clause.exec(filter)) {
    const [, field, op, value] = match;
    const name = field!.toLowerCase();
    if (name === 'eventtimestamp') {
      const at = Date.parse(event.eventTimestamp);
      const bound = Date.parse(value!);
      if (op!.toLowerCase() === 'ge' ? at < bound : at > bound) return false;
    } else if (name === 'resourcegroupname') {
      if (event.resourceGroupName.toLowerCase() !== value!.toLowerCase()) return false;
    } else if (name === 'resourceuri' || name === 'resourceid') {
      if (event.resourceId.toLowerCase() !== value!.toLowerCase()) return false;
    }
  }
  return true;
}

/** An event as Azure's EventData shows it (the fields the stand-in knows). */
function present(event: ActivityEvent): Record<string, unknown> {
  return {
    caller: event.caller,
    correlationId: event.correlationId,
    eventTimestamp: event.eventTimestamp,
    submissionTimestamp: event.eventTimestamp,
    id: `${event.resourceId}/events/${randomUUID()}`,
    eventDataId: randomUUID(),
    category: { value: 'Administrative', localizedValue: 'Administrative' },
    level: 'Informational',
    operationName: { value: event.operationName, localizedValue: event.operationName },
    resourceGroupName: event.resourceGroupName,
    resourceId: event.resourceId,
    resourceProviderName: { value: 'Microsoft.KeyVault', localizedValue: 'Microsoft.KeyVault' },
    status: { value: 'Succeeded', localizedValue: 'Succeeded' },
    subStatus: { value: '', localizedValue: '' },
    authorization: { action: event.operationName, scope: event.resourceId }
  };
}

/** The activity log provider of the stand-in. */
export function activityLogProvider(): ResourceProvider {
  return {
    name: 'Microsoft.Insights/eventtypes',
    matches: req => PATH.test(req.path),
    async handle(req, ctx): Promise<HttpResult> {
      if (req.method !== 'GET') return ctx.armError(405, 'MethodNotAllowed', `${req.method} is not allowed.`);
      const filter = req.query.get('$filter') ?? '';
      if (!/eventTimestamp\s+ge/i.test(filter)) {
        return ctx.armError(400, 'BadRequest', "The $filter must give a start time: eventTimestamp ge '…'.");
      }
      const events = (eventsByStore.get(ctx.store) ?? []).filter(e => matchesFilter(e, filter));
      return { status: 200, body: { value: events.map(present) } };
    }
  };
}
