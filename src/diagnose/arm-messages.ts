/**
 * Facts ARM writes only into message text, read back out: which action on which scope a principal lacks,
 * which resource provider namespace is unregistered, which quota ran out. The wording is ARM's and Azure
 * ML's (see __tests__/diagnose for the recorded messages each parser is checked on).
 */

/** A missing permission: the action the principal may not perform, on which scope. */
export interface MissingPermission {
  action: string;
  scope: string;
  /** The principal's object id, when ARM names it. */
  objectId?: string;
  /** The client (application) id, when ARM names it. */
  clientId?: string;
  /** LinkedAuthorizationFailed: the permission is missing on a scope the request links to. */
  linked: boolean;
}

/**
 * Reads AuthorizationFailed ("…does not have authorization to perform action 'A' over scope 'S'…") and
 * LinkedAuthorizationFailed ("…however it does not have permission to perform action(s) 'A' on the linked
 * scope(s) 'S'…", or "…the current tenant 'T' is not authorized to access linked subscription 'X'").
 */
export function missingPermission(message: string): MissingPermission | undefined {
  const objectId = /object id '([^']+)'/i.exec(message)?.[1];
  const clientId = /client '([^']+)'/i.exec(message)?.[1];
  const ids = { ...(objectId ? { objectId } : {}), ...(clientId ? { clientId } : {}) };
  const linked =
    /does not have permission to perform action\(s\) '([^']+)' on the linked scope\(s\) '([^']+)'/i.exec(
      message
    );
  if (linked) return { action: linked[1]!, scope: linked[2]!, linked: true, ...ids };
  const tenant = /not authorized to access linked subscription '([^']+)'/i.exec(message);
  if (tenant) {
    const action = /perform action '([^']+)'/i.exec(message)?.[1] ?? '*';
    return { action, scope: `/subscriptions/${tenant[1]}`, linked: true, ...ids };
  }
  const direct = /does not have authorization to perform action '([^']+)' over scope '([^']+)'/i.exec(
    message
  );
  if (direct) return { action: direct[1]!, scope: direct[2]!, linked: false, ...ids };
  return undefined;
}

/**
 * A built-in role that grants `action`, the narrowest commonly used one: role assignments need Owner or
 * User Access Administrator; reads need Reader; other writes need Contributor.
 */
export function roleFor(action: string): string {
  if (/^Microsoft\.Authorization\/(roleAssignments|roleDefinitions)\//i.test(action))
    return 'User Access Administrator';
  if (/\/read$/i.test(action)) return 'Reader';
  return 'Contributor';
}

/** The namespace of MissingSubscriptionRegistration / NoRegisteredProviderFound messages. */
export function unregisteredNamespace(message: string): string | undefined {
  return (
    /registered to use namespace '([^']+)'/i.exec(message)?.[1] ??
    /No registered resource provider found for location '[^']*' and API version '[^']*' for type '([^']+)'/i
      .exec(message)?.[1]
      ?.split('/')[0] ??
    /namespace '([\w.]+)'/i.exec(message)?.[1]
  );
}

/** Which quota ran out, as far as the message says. */
export interface QuotaShortfall {
  /** VM size or family (`Standard_DS3_v2`, `standardDSv2Family`). */
  what?: string;
  location?: string;
  usage?: number;
  limit?: number;
  /** Cores or instances needed beyond the limit. */
  needed?: number;
}

/** Reads Azure ML's OutOfQuota and Compute's QuotaExceeded messages. */
export function quotaShortfall(message: string): QuotaShortfall {
  const number = (pattern: RegExp): number | undefined => {
    const value = pattern.exec(message)?.[1];
    return value === undefined ? undefined : Number(value);
  };
  const what =
    /quota available for ([\w-]+)/i.exec(message)?.[1] ??
    /exceeding approved ([\w-]+)(?: Cores)? quota/i.exec(message)?.[1] ??
    /quota for ([\w-]+)/i.exec(message)?.[1];
  const location = /Location: ([\w-]+)/i.exec(message)?.[1];
  const usageLimit = /usage\/limit: (\d+)\/(\d+)/i.exec(message);
  const shortfall: QuotaShortfall = { ...(what ? { what } : {}), ...(location ? { location } : {}) };
  const usage = usageLimit ? Number(usageLimit[1]) : number(/Current Usage: (\d+)/i);
  const limit = usageLimit ? Number(usageLimit[2]) : number(/Current Limit: (\d+)/i);
  const needed = number(/Additional (?:needed|Required): (\d+)/i);
  if (usage !== undefined) shortfall.usage = usage;
  if (limit !== undefined) shortfall.limit = limit;
  if (needed !== undefined) shortfall.needed = needed;
  return shortfall;
}

/** "The Resource 'Microsoft.X/y/name' under resource group 'rg' was not found", "Resource group 'rg' could not be found". */
export function missingResource(message: string): { resource: string; resourceGroup?: string } | undefined {
  const resource = /The Resource '([^']+)' under resource group '([^']+)'/i.exec(message);
  if (resource) return { resource: resource[1]!, resourceGroup: resource[2]! };
  const group = /Resource group '([^']+)' could not be found/i.exec(message);
  if (group) return { resource: `resource group '${group[1]}'` };
  const named = /(\w[\w ]*) '([^']+)' (?:was not found|does not exist|could not be found)/i.exec(message);
  return named ? { resource: `${named[1]} '${named[2]}'` } : undefined;
}
