import type { IncomingMessage } from 'node:http';
import type { EmulatorFacts } from '../facts.js';
import { armError, HttpResultError, readBody, type HttpResult } from '../http-result.js';
import type { SigningKey } from '../identity/jwt.js';
import type { TimingKnobs } from '../knobs.js';
import { authenticateArm } from './auth.js';
import { ProviderRegistrations } from './namespaces.js';
import { LenientJsonError, parseLenientJson } from './lenient-json.js';
import { CLOUD_METADATA_PATH, cloudMetadata } from './cloud-metadata.js';
import { handleGenericResource } from './generic-resources.js';
import type { LroManager } from './lro.js';
import type { ArmRequest, InternalRequest, ProviderContext, ResourceProvider } from './provider.js';
import { handleResourceGroups } from './resource-groups.js';
import { parseResourcePath } from './resource-id.js';
import type { ResourceStore } from './resource-store.js';
import { handleSubscriptions, subscriptionNotFound } from './subscriptions.js';

/** What the ARM router needs from the emulator. */
export interface ArmRouterDeps {
  facts: () => EmulatorFacts;
  subscriptionDisplayName: string;
  tokenKey: SigningKey;
  store: ResourceStore;
  lro: LroManager;
  knobs: TimingKnobs;
}

async function parseJsonBody(req: IncomingMessage): Promise<{ body: unknown; bodyText?: string }> {
  const raw = await readBody(req);
  if (raw.length === 0) return { body: undefined };
  try {
    const { value, text } = parseLenientJson(raw.toString('utf8'));
    return { body: value, bodyText: text };
  } catch (error) {
    const where = error instanceof LenientJsonError ? ` '${error.message}'` : '';
    throw new HttpResultError(
      armError(
        400,
        'InvalidRequestContent',
        `The request content was invalid and could not be deserialized:${where || ' the body is not JSON'}.`
      )
    );
  }
}

/**
 * Routes ARM requests: authentication, api-version, subscription, then operation polls, registered
 * providers, subscriptions, resource groups and finally the generic resource store.
 */
export class ArmRouter {
  readonly #providers: ResourceProvider[] = [];
  readonly #registrations = new ProviderRegistrations();

  constructor(private readonly deps: ArmRouterDeps) {}

  /** Adds a provider; providers are asked in registration order, before the built-in handlers. */
  register(provider: ResourceProvider): void {
    this.#providers.push(provider);
    for (const namespace of provider.namespaces ?? []) this.#registrations.add(namespace);
  }

  /** Answers one ARM request. */
  async handle(req: IncomingMessage, url: URL): Promise<HttpResult> {
    const facts = this.deps.facts();
    if (CLOUD_METADATA_PATH.test(url.pathname)) {
      req.resume();
      return cloudMetadata((req.method ?? 'GET').toUpperCase(), url.searchParams.get('api-version'), facts);
    }
    const auth = authenticateArm(req.headers, {
      tokenKey: this.deps.tokenKey,
      audience: facts.armEndpoint,
      authorizationUri: `${facts.authorityHost}/${facts.tenantId}`
    });
    if ('failure' in auth) return auth.failure;
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.'
      );
    }
    const method = (req.method ?? 'GET').toUpperCase();
    // ARM tolerates empty segments (the SDK sends `providers/Microsoft.Web//sites` for an empty parent path).
    const path = url.pathname.replace(/\/{2,}/g, '/');
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1];
    if (
      subscription &&
      decodeURIComponent(subscription).toLowerCase() !== facts.subscriptionId.toLowerCase()
    ) {
      return subscriptionNotFound(decodeURIComponent(subscription));
    }
    const poll = this.deps.lro.handlePoll(method, path);
    if (poll) return poll;
    const request: ArmRequest = {
      method,
      path,
      query: url.searchParams,
      apiVersion,
      headers: req.headers,
      ...(await parseJsonBody(req)),
      resource: parseResourcePath(path),
      claims: auth.claims
    };
    return this.#route(request, facts);
  }

  /** Providers in registration order, then the built-in handlers. */
  async #route(request: ArmRequest, facts: EmulatorFacts): Promise<HttpResult> {
    const context: ProviderContext = {
      store: this.deps.store,
      lro: this.deps.lro,
      knobs: this.deps.knobs,
      facts,
      armError,
      dispatch: internal => this.#route(this.#internalRequest(internal, request), facts),
      namespaceRefusal: namespace => this.#registrations.refusal(namespace)
    };
    for (const provider of this.#providers) {
      if (!provider.matches(request)) continue;
      const answer = await provider.handle(request, context);
      if (answer) return answer;
    }
    // ARM answers for an unknown or unregistered namespace itself; a plugged-in provider's namespace is known.
    const refused = request.resource && this.#registrations.refusal(request.resource.namespace);
    if (refused) {
      return armError(refused.status, refused.error.code, refused.error.message, refused.error.details);
    }
    return this.#builtIn(request, context);
  }

  #internalRequest(internal: InternalRequest, onBehalfOf: ArmRequest): ArmRequest {
    const path = internal.path.replace(/\/{2,}/g, '/');
    return {
      method: internal.method.toUpperCase(),
      path,
      query: new URLSearchParams({ 'api-version': internal.apiVersion }),
      apiVersion: internal.apiVersion,
      headers: { 'x-ms-correlation-request-id': onBehalfOf.headers['x-ms-correlation-request-id'] },
      body: internal.body,
      resource: parseResourcePath(path),
      claims: onBehalfOf.claims
    };
  }

  async #builtIn(request: ArmRequest, ctx: ProviderContext): Promise<HttpResult> {
    const { facts } = ctx;
    const { method, path, body, apiVersion } = request;
    const info = {
      subscriptionId: facts.subscriptionId,
      tenantId: facts.tenantId,
      displayName: this.deps.subscriptionDisplayName
    };
    const answer =
      handleSubscriptions(method, path, info) ??
      this.#registrations.handle(method, path) ??
      (await handleResourceGroups(method, path, body, apiVersion, ctx));
    if (answer) return answer;
    if (request.resource) {
      return handleGenericResource(method, request.resource, body, this.deps.store, this.deps.lro);
    }
    return armError(404, 'NotFound', `The local Azure stand-in does not serve '${method} ${path}'.`);
  }
}
