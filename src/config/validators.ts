/**
 * Checks for single input values. Each returns a problem message (what is wrong and what to write instead),
 * or undefined when the value is fine, so callers can collect every problem before failing.
 */

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function checkGuid(value: string, what: string): string | undefined {
  return GUID.test(value)
    ? undefined
    : `'${value}' is not a ${what}: expected a GUID like 00000000-0000-0000-0000-000000000000.`;
}

/** Entra accepts a tenant GUID or one of its domain names (contoso.onmicrosoft.com). */
export function checkTenant(value: string): string | undefined {
  if (GUID.test(value)) return undefined;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return undefined;
  return `'${value}' is neither a tenant GUID nor a domain name such as contoso.onmicrosoft.com.`;
}

/** ARM's rule for resource group names: 1–90 letters, digits, `_ - . ( )`, not ending in a period. */
export function checkResourceGroupName(value: string): string | undefined {
  if (value.length > 90)
    return `'${value}' is ${value.length} characters long; resource group names allow at most 90.`;
  if (!/^[\p{L}\p{N}_\-.()]+$/u.test(value)) {
    return `'${value}' contains characters a resource group name cannot have: use letters, digits, '_', '-', '.', '(' and ')'.`;
  }
  if (value.endsWith('.')) return `'${value}' ends with a period, which resource group names cannot.`;
  return undefined;
}

/** Azure's location names are lower-case without spaces; the display name ("West Europe") is accepted too. */
export function normaliseLocation(value: string): { location?: string; problem?: string } {
  const location = value.toLowerCase().replace(/\s+/g, '');
  if (!/^[a-z0-9]+$/.test(location)) {
    return { problem: `'${value}' is not an Azure location name: expected e.g. 'westeurope' or 'eastus2'.` };
  }
  return { location };
}

/** An https URL with no path beyond '/', credentials, query or fragment (what an endpoint or host is). */
export function parseHttpsOrigin(value: string): { url?: URL; problem?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `'${value}' is not a URL: expected e.g. https://management.azure.com.` };
  }
  if (url.protocol !== 'https:') {
    return {
      problem: `'${value}' uses the scheme '${url.protocol.replace(/:$/, '')}'; Azure endpoints are reached over https only.`
    };
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== '/' && url.pathname !== '')
  ) {
    return {
      problem: `'${value}' must be an origin only (https://host[:port]), without path, query or credentials.`
    };
  }
  return { url };
}

/** An https URL that may have a path (a service endpoint such as a blob account URL), without credentials. */
export function parseHttpsUrl(value: string): { url?: URL; problem?: string } {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { problem: `'${value}' is not a URL: expected e.g. https://myaccount.blob.core.windows.net.` };
  }
  if (url.protocol !== 'https:') {
    return { problem: `'${value}' uses the scheme '${url.protocol.replace(/:$/, '')}'; use https.` };
  }
  if (url.username || url.password || url.search || url.hash) {
    return { problem: `'${value}' must not carry credentials, a query (SAS) or a fragment.` };
  }
  return { url };
}

/** A positive number of minutes, at most the 360 minutes a GitHub-hosted job may run. */
export function parseMinutes(value: string): { minutes?: number; problem?: string } {
  const minutes = Number(value);
  if (value === '' || !Number.isFinite(minutes) || minutes <= 0 || minutes > 360) {
    return { problem: `'${value}' is not a number of minutes between 0 and 360 (e.g. 30 or 0.5).` };
  }
  return { minutes };
}
