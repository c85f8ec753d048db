import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ArmRouter } from './arm/router.js';
import { handleControl, type ControlTargets } from './control/control-api.js';
import { faultKind, type Fault, type FaultScript } from './faults.js';
import { armError, HttpResultError, readBody, writeResult, type HttpResult } from './http-result.js';
import type { EntraAuthority } from './identity/entra.js';
import { isIdentityPath } from './identity/entra.js';
import { aadError } from './identity/aad-error.js';
import type { GitHubOidcEndpoint } from './identity/github-oidc.js';
import { isBlobPath, proxyToAzurite } from './blob/proxy.js';
import { isWriteRequest, type RequestLog, type ServiceName } from './request-log.js';

/** Everything the request dispatcher routes to. */
export interface DispatcherDeps {
  origin: () => string;
  requestLog: RequestLog;
  faults: FaultScript;
  arm: ArmRouter;
  entra: EntraAuthority;
  github: GitHubOidcEndpoint;
  control: () => ControlTargets;
  storageAccountName: string;
  /** Azurite's URL, or undefined when blob storage is off. */
  azuriteUrl: () => string | undefined;
}

function classify(path: string, deps: DispatcherDeps): ServiceName {
  if (/^\/_emulator(\/|$)/i.test(path)) return 'control';
  if (/^\/_github(\/|$)/i.test(path)) return 'github';
  if (isBlobPath(path, deps.storageAccountName)) return 'blob';
  if (isIdentityPath(path)) return 'identity';
  return 'arm';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function faultResult(fault: Fault, status: number, service: ServiceName): HttpResult {
  // Entra answers in OAuth's shape (`error`, `error_description` starting with the AADSTS code), not ARM's.
  if (service === 'identity') {
    const [, code, text] = /^AADSTS(\d+): ?([\s\S]*)$/.exec(fault.message ?? '') ?? [];
    const result = aadError(
      status as 400,
      fault.code ?? 'temporarily_unavailable',
      Number(code ?? 50000),
      text ?? fault.message ?? `Scripted fault: HTTP ${status}.`
    );
    return { ...result, headers: fault.headers };
  }
  const result = armError(
    status,
    fault.code ?? (status === 429 ? 'TooManyRequests' : 'InjectedFault'),
    fault.message ?? `Scripted fault: HTTP ${status}.`
  );
  return { ...result, headers: fault.headers };
}

/**
 * Builds the request handler: common ARM headers, the request log, scripted faults (checked before
 * routing), then routing by service.
 */
export function createDispatcher(deps: DispatcherDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const started = Date.now();
    const url = new URL(req.url ?? '/', deps.origin());
    const method = (req.method ?? 'GET').toUpperCase();
    const service = classify(url.pathname, deps);
    const requestId = randomUUID();
    const correlationId = headerValue(req.headers['x-ms-correlation-request-id']) ?? randomUUID();
    const common: Record<string, string> = {
      'x-ms-request-id': requestId,
      'x-ms-correlation-request-id': correlationId,
      'x-ms-routing-request-id': `LOCAL:${new Date().toISOString().replace(/[-:]|\.\d{3}/g, '')}:${requestId}`
    };
    const clientRequestId = headerValue(req.headers['x-ms-client-request-id']);
    if (clientRequestId) common['x-ms-client-request-id'] = clientRequestId;
    let fault: Fault | undefined;
    let logged = false;
    const log = () => {
      if (logged) return;
      logged = true;
      deps.requestLog.record({
        time: new Date(started).toISOString(),
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: res.headersSent ? res.statusCode : 0,
        durationMs: Date.now() - started,
        service,
        write: isWriteRequest(service, method, url.pathname),
        requestId,
        ...(fault ? { fault: faultKind(fault) } : {})
      });
    };
    res.on('finish', log);
    res.on('close', log);
    void serve();

    async function serve(): Promise<void> {
      try {
        fault = service === 'control' ? undefined : deps.faults.match(method, url.pathname);
        if (fault?.delayMs) await sleep(fault.delayMs);
        if (fault?.reset) {
          req.socket.destroy();
          return;
        }
        const truncateTo = !fault?.truncate ? undefined : fault.truncate === true ? 'half' : fault.truncate;
        if (fault && faultKind(fault) === 'status') {
          req.resume();
          return send(faultResult(fault, fault.status as number, service));
        }
        if (service === 'blob') {
          const upstream = deps.azuriteUrl();
          if (!upstream) return send(armError(503, 'BlobServiceDisabled', 'Blob storage was not started.'));
          proxyToAzurite(upstream, req, res, common, truncateTo);
          return;
        }
        const result = await route();
        send(result, truncateTo);
      } catch (error) {
        if (error instanceof HttpResultError) return send(error.result);
        send(
          armError(500, 'InternalServerError', `The local Azure stand-in failed: ${(error as Error).message}`)
        );
      }
    }

    async function route(): Promise<HttpResult> {
      if (service === 'arm') return deps.arm.handle(req, url);
      const body = (await readBody(req)).toString('utf8');
      if (service === 'control') return handleControl(method, url.pathname, body, deps.control());
      if (service === 'github') {
        return (
          deps.github.handle(method, url, headerValue(req.headers.authorization)) ?? {
            status: 404,
            body: { message: 'Not Found' }
          }
        );
      }
      const correlation = headerValue(req.headers['client-request-id']);
      return (
        deps.entra.handle(method, url, body, correlation) ?? {
          status: 404,
          body: { error: 'invalid_request', error_description: 'Unknown endpoint.' }
        }
      );
    }

    function send(result: HttpResult, truncateTo?: number | 'half'): void {
      if (res.headersSent || res.destroyed) return;
      writeResult(req, res, { ...result, headers: { ...common, ...result.headers } }, truncateTo);
    }
  };
}
