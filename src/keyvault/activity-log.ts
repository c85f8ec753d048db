/** A write to a guarded vault made by someone else while the deployment could overwrite it. */
export interface ForeignWrite {
  vault: string;
  /** Who wrote: Azure's `caller` (user principal name, or application/object id). */
  caller: string;
  operation: string;
  time: Date;
  correlationId: string;
}

/** Reads one page of the activity log at `url`: Azure's `EventDataCollection`. */
export type ActivityLogPage = (url: string) => Promise<{ value?: unknown[]; nextLink?: string }>;

interface EventData {
  caller?: string;
  correlationId?: string;
  eventTimestamp?: string;
  resourceId?: string;
  operationName?: { value?: string };
  status?: { value?: string };
}

const API_VERSION = '2015-04-01';
const VAULT_WRITES = new Set([
  'microsoft.keyvault/vaults/write',
  'microsoft.keyvault/vaults/accesspolicies/write'
]);

/**
 * Writes to the given vaults in the window by anyone but this run, from the subscription's activity log
 * (`Microsoft.Insights/eventtypes/management/values`, one query per resource group). This run's own writes —
 * direct, or made by ARM for its deployment — carry its correlation id. A write after this run's own vault PUT
 * cannot have been overwritten by it and is left out. These are the writes whose effect the guard cannot
 * reconstruct: the activity log says who changed the vault and when, not what they granted.
 */
export async function foreignVaultWrites(
  readPage: ActivityLogPage,
  where: { armEndpoint: string; subscriptionId: string; ownCorrelationId: string },
  vaults: readonly { name: string; resourceGroup: string; id: string }[],
  window: { from: Date; to: Date }
): Promise<ForeignWrite[]> {
  const groups = [...new Set(vaults.map(v => v.resourceGroup.toLowerCase()))];
  const pages = await Promise.all(groups.map(group => readEvents(readPage, where, group, window)));
  const events = pages.flat();
  const writes: ForeignWrite[] = [];
  for (const vault of vaults) {
    const mine = events.filter(e => isWriteTo(e, vault.id));
    const ownPut = mine
      .filter(
        e =>
          e.correlationId === where.ownCorrelationId &&
          e.operationName?.value?.toLowerCase() === 'microsoft.keyvault/vaults/write'
      )
      .map(e => Date.parse(e.eventTimestamp ?? ''))
      .sort((a, b) => a - b)
      .at(-1);
    for (const event of mine) {
      const time = Date.parse(event.eventTimestamp ?? '');
      if (event.correlationId === where.ownCorrelationId || (ownPut !== undefined && time > ownPut)) continue;
      writes.push({
        vault: vault.name,
        caller: event.caller ?? 'unknown caller',
        operation: event.operationName?.value ?? 'write',
        time: new Date(time),
        correlationId: event.correlationId ?? ''
      });
    }
  }
  return writes.sort((a, b) => a.time.getTime() - b.time.getTime());
}

async function readEvents(
  readPage: ActivityLogPage,
  where: { armEndpoint: string; subscriptionId: string },
  group: string,
  window: { from: Date; to: Date }
): Promise<EventData[]> {
  const filter =
    `eventTimestamp ge '${window.from.toISOString()}' and eventTimestamp le '${window.to.toISOString()}' ` +
    `and resourceGroupName eq '${group}'`;
  const base = where.armEndpoint.replace(/\/+$/, '');
  let url: string | undefined =
    `${base}/subscriptions/${encodeURIComponent(where.subscriptionId)}/providers/Microsoft.Insights/eventtypes/management/values` +
    `?api-version=${API_VERSION}&$filter=${encodeURIComponent(filter)}`;
  const events: EventData[] = [];
  for (let page = 0; url && page < 50; page++) {
    const answer = await readPage(url);
    events.push(...((answer.value ?? []) as EventData[]));
    url = answer.nextLink;
  }
  return events;
}

/** A succeeded write (Azure logs Started and Succeeded) to the vault or its access policies. */
function isWriteTo(event: EventData, vaultId: string): boolean {
  const id = (event.resourceId ?? '').toLowerCase();
  const vault = vaultId.toLowerCase();
  if (id !== vault && !id.startsWith(`${vault}/`)) return false;
  const status = event.status?.value?.toLowerCase();
  if (status !== undefined && status !== 'succeeded') return false;
  return VAULT_WRITES.has(event.operationName?.value?.toLowerCase() ?? '');
}
