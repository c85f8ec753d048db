import type { IncomingHttpHeaders } from 'node:http';
import type { EmulatorFacts } from '../facts.js';
import type { ArmErrorDetail, armError, HttpResult } from '../http-result.js';
import type { JwtClaims } from '../identity/jwt.js';
import type { TimingKnobs } from '../knobs.js';
import type { LroManager } from './lro.js';
import type { ResourcePath } from './resource-id.js';
import type { ResourceStore } from './resource-store.js';

/** An authenticated ARM request, as providers see it. */
export interface ArmRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** URL path without the query, as sent (not lower-cased). */
  path: string;
  query: URLSearchParams;
  apiVersion: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  /**
   * The body's text as parsed (comments kept, unquoted names quoted), which ARM's line/position in errors
   * refer to; undefined for a request without a body or one the stand-in sent itself.
   */
  bodyText?: string;
  /** The path parsed as a resource (or collection) id under a resource group, when it is one. */
  resource: ResourcePath | undefined;
  /** Claims of the caller's access token. */
  claims: JwtClaims;
}

/** A resource operation the stand-in sends to itself (a template deployment's write, a group's deletion). */
export interface InternalRequest {
  method: string;
  /** The resource id (or action path). */
  path: string;
  body?: unknown;
  apiVersion: string;
}

/** What the emulator lends a provider. */
export interface ProviderContext {
  store: ResourceStore;
  lro: LroManager;
  knobs: TimingKnobs;
  facts: EmulatorFacts;
  armError: typeof armError;
  /**
   * Routes a request exactly as one from outside (providers, then the built-in handlers), on behalf of the
   * caller of the current request: the one dispatch path, so a template-written resource gets what a direct
   * PUT of it gets.
   */
  dispatch(request: InternalRequest): Promise<HttpResult>;
  /** ARM's refusal of a resource in this namespace (unknown or not registered), or undefined. */
  namespaceRefusal(namespace: string): { status: number; error: ArmErrorDetail } | undefined;
}

/**
 * A resource provider plugged into the ARM router. Providers are asked in registration order, before the
 * built-in generic store; the first whose `matches` is true handles the request. Returning undefined from
 * `handle` passes the request on to the next provider (and finally the generic store).
 */
export interface ResourceProvider {
  name: string;
  /**
   * Namespaces this provider serves beyond Azure's known ones (a test provider's `Microsoft.Test`), so ARM's
   * namespace check lets template deployments of them through.
   */
  namespaces?: string[];
  matches(req: ArmRequest): boolean;
  handle(req: ArmRequest, ctx: ProviderContext): HttpResult | undefined | Promise<HttpResult | undefined>;
}
