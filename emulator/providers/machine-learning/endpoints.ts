import { randomBytes, randomUUID } from 'node:crypto';
import { AML_TOKEN_PREFIX, ENDPOINT_KEY_PREFIX } from '../../secret-shapes.js';
import type { HttpResult } from '../../http-result.js';
import type { StoredResource } from '../../arm/resource-store.js';
import { mlErrors } from './ml-errors.js';
import {
  bodyObject,
  childId,
  listResult,
  ML_NAMESPACE,
  propertiesOf,
  systemData,
  type MlRequest
} from './ml-context.js';
import type { ScoringTarget } from './scoring-server.js';

const AUTH_MODES = ['Key', 'AMLToken', 'AADToken'];
const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A 32-character key of a real endpoint key's alphabet, with a prefix that lets the test harness find a leaked
 * key in any run's output (emulator/secret-shapes.ts).
 */
function newKey(): string {
  const random = [...randomBytes(32 - ENDPOINT_KEY_PREFIX.length)];
  return ENDPOINT_KEY_PREFIX + random.map(byte => KEY_ALPHABET[byte % KEY_ALPHABET.length]).join('');
}

/** Keys and tokens of endpoints: never part of a GET, only of listKeys / token. */
export class EndpointSecrets {
  readonly #keys = new Map<string, { primaryKey: string; secondaryKey: string }>();
  readonly #tokens = new Map<string, string[]>();

  keys(id: string): { primaryKey: string; secondaryKey: string } {
    const key = id.toLowerCase();
    let keys = this.#keys.get(key);
    if (!keys) {
      keys = { primaryKey: newKey(), secondaryKey: newKey() };
      this.#keys.set(key, keys);
    }
    return keys;
  }

  regenerate(id: string, keyType: string, keyValue?: string): void {
    const keys = this.keys(id);
    if (keyType.toLowerCase() === 'secondary') keys.secondaryKey = keyValue ?? newKey();
    else keys.primaryKey = keyValue ?? newKey();
  }

  issueToken(id: string): string {
    const token = `${AML_TOKEN_PREFIX}${randomBytes(24).toString('base64url')}`;
    this.#tokens.set(id.toLowerCase(), [...(this.#tokens.get(id.toLowerCase()) ?? []), token]);
    return token;
  }

  /** What may call the endpoint in its auth mode. */
  credentials(id: string, authMode: string): string[] {
    if (authMode === 'Key') return Object.values(this.keys(id));
    return this.#tokens.get(id.toLowerCase()) ?? [];
  }

  forget(id: string): void {
    this.#keys.delete(id.toLowerCase());
    this.#tokens.delete(id.toLowerCase());
  }
}

function operationHeaders(m: MlRequest, operation: string): Record<string, string> {
  return m.state.operations.headers(
    operation,
    m.ctx.facts.armEndpoint,
    m.req.apiVersion,
    m.ctx.knobs.retryAfterSeconds
  );
}

function endpointId(m: MlRequest): string {
  return childId(m.workspaceId, 'onlineEndpoints', m.resource.names[1]);
}

/** The scoring front end's view of an endpoint, read fresh for every request. */
export function scoringTarget(
  m: Pick<MlRequest, 'ctx' | 'state'>,
  id: string,
  secrets: EndpointSecrets
): ScoringTarget | undefined {
  const doc = m.ctx.store.get(id);
  if (!doc) return undefined;
  const authMode = String(doc.properties?.authMode ?? 'Key');
  return {
    authMode,
    credentials: secrets.credentials(id, authMode),
    traffic: (doc.properties?.traffic as Record<string, number> | undefined) ?? {},
    deployment: name => m.state.runtime.get(`${id}/deployments/${name}`)
  };
}

function validateTraffic(m: MlRequest, id: string, traffic: unknown): HttpResult | undefined {
  if (traffic === undefined || traffic === null) return undefined;
  if (typeof traffic !== 'object' || Array.isArray(traffic)) {
    return mlErrors.badRequest("'traffic' must map deployment names to percentages.", 'properties.traffic');
  }
  const entries = Object.entries(traffic as Record<string, unknown>);
  const missing = entries
    .filter(([name]) => !m.ctx.store.has(`${id}/deployments/${name}`))
    .map(([name]) => name);
  if (missing.length > 0) {
    return mlErrors.badRequest(
      `Traffic cannot be set for deployment(s) that do not exist on endpoint '${m.resource.names[1]}': ${missing.join(', ')}.`,
      'properties.traffic'
    );
  }
  const total = entries.reduce((sum, [, weight]) => sum + Number(weight), 0);
  if (
    entries.some(([, weight]) => !Number.isInteger(weight) || (weight as number) < 0) ||
    (total !== 0 && total !== 100)
  ) {
    return mlErrors.badRequest(
      `Traffic percentages must be whole numbers that add up to 100 (or all be 0); they add up to ${total}.`,
      'properties.traffic'
    );
  }
  return undefined;
}

async function putEndpoint(m: MlRequest, secrets: EndpointSecrets): Promise<HttpResult> {
  const body = bodyObject(m.req);
  if (!body) return mlErrors.badRequest('The request body must be a JSON object.');
  if (!m.ctx.store.has(m.workspaceId))
    return mlErrors.workspaceNotFound(m.resource.resourceGroup, m.resource.names[0]);
  const requested = propertiesOf(body);
  if (!AUTH_MODES.includes(String(requested.authMode))) {
    return mlErrors.badRequest(`'authMode' must be one of ${AUTH_MODES.join(', ')}.`, 'properties.authMode');
  }
  const id = endpointId(m);
  const invalid = validateTraffic(m, id, requested.traffic);
  if (invalid) return invalid;
  const existing = m.ctx.store.get(id);
  await m.state.scoring.start();
  const [workspace, endpoint] = m.resource.names;
  const context = { ctx: m.ctx, state: m.state };
  const scoringUri = m.state.scoring.route(workspace, endpoint, () => scoringTarget(context, id, secrets));
  secrets.keys(id);
  delete requested.provisioningState;
  const document: Partial<StoredResource> = {
    location: (body.location as string | undefined) ?? existing?.location ?? 'westeurope',
    tags: (body.tags as Record<string, string> | undefined) ?? {},
    kind: (body.kind as string | undefined) ?? (requested.compute ? 'K8S' : 'Managed'),
    identity: (existing?.identity as object | undefined) ?? {
      type: 'SystemAssigned',
      principalId: randomUUID(),
      tenantId: m.ctx.facts.tenantId
    },
    systemData: systemData(m.req, existing),
    properties: {
      publicNetworkAccess: 'Enabled',
      mirrorTraffic: {},
      ...requested,
      traffic: (requested.traffic as object | undefined) ?? {},
      scoringUri,
      swaggerUri: m.state.scoring.swaggerUri(workspace, endpoint),
      provisioningState: existing ? 'Updating' : 'Creating'
    }
  };
  const { resource } = m.ctx.store.put(id, document);
  const operation = m.state.operations.startTimed(
    m.resource.subscriptionId,
    m.ctx.knobs.lroDurationMs,
    () => {
      m.ctx.store.update(id, doc => {
        doc.properties = { ...doc.properties, provisioningState: 'Succeeded' };
      });
    }
  );
  return { status: existing ? 200 : 201, headers: operationHeaders(m, operation), body: resource };
}

async function deleteEndpoint(m: MlRequest, secrets: EndpointSecrets): Promise<HttpResult> {
  const id = endpointId(m);
  if (!m.ctx.store.has(id)) return { status: 204 };
  m.ctx.store.update(id, doc => {
    doc.properties = { ...doc.properties, provisioningState: 'Deleting' };
  });
  await m.state.runtime.stopUnder(id);
  const operation = m.state.operations.startTimed(
    m.resource.subscriptionId,
    m.ctx.knobs.lroDurationMs,
    () => {
      m.ctx.store.delete(id);
      secrets.forget(id);
      m.state.scoring.unroute(m.resource.names[0], m.resource.names[1]);
    }
  );
  return { status: 202, headers: operationHeaders(m, operation) };
}

/** POST listKeys | regenerateKeys | token on an endpoint. */
function endpointAction(m: MlRequest, secrets: EndpointSecrets, action: string): HttpResult {
  const id = endpointId(m);
  const doc = m.ctx.store.get(id);
  if (!doc) return mlErrors.notFound('Online endpoint', m.resource.names[1], m.resource.names[0]);
  if (m.req.method !== 'POST') return mlErrors.methodNotAllowed(m.req.method, m.resource.type);
  switch (action) {
    case 'listkeys':
      if (doc.properties?.authMode !== 'Key') {
        return mlErrors.badRequest(
          `Endpoint '${m.resource.names[1]}' uses ${String(doc.properties?.authMode)} auth and has no keys.`
        );
      }
      return { status: 200, body: { ...secrets.keys(id) } };
    case 'regeneratekeys': {
      const request = bodyObject(m.req) ?? {};
      secrets.regenerate(id, String(request.keyType ?? 'Primary'), request.keyValue as string | undefined);
      const operation = m.state.operations.startTimed(m.resource.subscriptionId, 0);
      return { status: 202, headers: operationHeaders(m, operation) };
    }
    case 'token': {
      if (doc.properties?.authMode !== 'AMLToken') {
        return mlErrors.badRequest(
          `Endpoint '${m.resource.names[1]}' uses ${String(doc.properties?.authMode)} auth; tokens are for AMLToken.`
        );
      }
      const now = Math.floor(Date.now() / 1000);
      return {
        status: 200,
        body: {
          accessToken: secrets.issueToken(id),
          tokenType: 'Bearer',
          expiryTimeUtc: now + 3600,
          refreshAfterTimeUtc: now + 1800
        }
      };
    }
    default:
      return mlErrors.methodNotAllowed(m.req.method, m.resource.type);
  }
}

/** Online endpoints: PUT (LRO), GET, list, DELETE (LRO), listKeys, regenerateKeys, token. */
export async function handleEndpoint(m: MlRequest, secrets: EndpointSecrets): Promise<HttpResult> {
  const { resource } = m;
  if (resource.types.length === 2 && resource.isCollection) {
    if (m.req.method !== 'GET') return mlErrors.methodNotAllowed(m.req.method, resource.type);
    return listResult(
      m.ctx.store.list({ under: m.workspaceId, type: `${ML_NAMESPACE}/workspaces/onlineEndpoints` })
    );
  }
  if (resource.types.length === 3 && resource.isCollection) {
    return endpointAction(m, secrets, resource.types[2].toLowerCase());
  }
  switch (m.req.method) {
    case 'PUT':
      return putEndpoint(m, secrets);
    case 'GET': {
      const doc = m.ctx.store.get(endpointId(m));
      return doc
        ? { status: 200, body: doc }
        : mlErrors.notFound('Online endpoint', resource.name, resource.names[0]);
    }
    case 'DELETE':
      return deleteEndpoint(m, secrets);
    default:
      return mlErrors.methodNotAllowed(m.req.method, resource.type);
  }
}
