/**
 * Sovereign clouds differ in their ARM host, their token audience and their Entra host. A user names only
 * the ARM endpoint (`arm-endpoint`); the rest follows from it here. Any other endpoint (Azure Stack Hub, the
 * local stand-in) takes its own origin as audience and needs `authority-host` unless Entra's public host is right.
 */
export interface CloudEndpoints {
  /** Name shown to the user. */
  name: string;
  armEndpoint: string;
  /** The scope asked of Entra for ARM tokens. */
  tokenScope: string;
  authorityHost: string;
  /** True for Microsoft's own clouds, whose Entra hosts MSAL knows (instance discovery works). */
  wellKnown: boolean;
}

const WELL_KNOWN_CLOUDS: readonly CloudEndpoints[] = [
  {
    name: 'AzureCloud',
    armEndpoint: 'https://management.azure.com',
    tokenScope: 'https://management.azure.com/.default',
    authorityHost: 'https://login.microsoftonline.com',
    wellKnown: true
  },
  {
    name: 'AzureUSGovernment',
    armEndpoint: 'https://management.usgovcloudapi.net',
    tokenScope: 'https://management.usgovcloudapi.net/.default',
    authorityHost: 'https://login.microsoftonline.us',
    wellKnown: true
  },
  {
    name: 'AzureChinaCloud',
    armEndpoint: 'https://management.chinacloudapi.cn',
    tokenScope: 'https://management.chinacloudapi.cn/.default',
    authorityHost: 'https://login.chinacloudapi.cn',
    wellKnown: true
  }
];

export const PUBLIC_ARM_ENDPOINT = WELL_KNOWN_CLOUDS[0]!.armEndpoint;

/**
 * The endpoints for an ARM endpoint URL (already validated as https). `authorityHost` overrides the Entra
 * host the cloud implies.
 */
export function cloudFor(armEndpoint: URL, authorityHost?: URL): CloudEndpoints {
  const origin = armEndpoint.origin;
  const known = WELL_KNOWN_CLOUDS.find(cloud => cloud.armEndpoint === origin);
  const base: CloudEndpoints = known ?? {
    name: `custom (${origin})`,
    armEndpoint: origin,
    tokenScope: `${origin}/.default`,
    authorityHost: WELL_KNOWN_CLOUDS[0]!.authorityHost,
    wellKnown: false
  };
  if (!authorityHost) return base;
  const host = authorityHost.origin;
  const hostIsKnown = WELL_KNOWN_CLOUDS.some(cloud => cloud.authorityHost === host);
  return { ...base, authorityHost: host, wellKnown: hostIsKnown };
}
