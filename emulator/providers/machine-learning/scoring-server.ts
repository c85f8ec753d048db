import { randomUUID, timingSafeEqual } from 'node:crypto';
import { rm, appendFile } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createTlsMaterial } from '../../tls.js';
import type { ComputeType, DeploymentRun } from './deployment-runtime.js';

/** What the scoring front end needs to know about one endpoint when a request arrives. */
export interface ScoringTarget {
  authMode: string;
  /** Keys (Key auth) or issued tokens (AMLToken auth) that may call the endpoint. */
  credentials: string[];
  traffic: Record<string, number>;
  /** Deployment name → its live run (undefined: deployment unknown or never started). */
  deployment(name: string): DeploymentRun | undefined;
}

type Reply = { status: number; headers?: Record<string, string>; body: string };

function json(status: number, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ message })
  };
}

function matches(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function pickByTraffic(traffic: Record<string, number>): string | undefined {
  const weighted = Object.entries(traffic).filter(([, weight]) => weight > 0);
  const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
  let roll = Math.random() * total;
  for (const [name, weight] of weighted) {
    roll -= weight;
    if (roll < 0) return name;
  }
  return weighted.at(-1)?.[0];
}

/**
 * The scoring front end (azureml-fe): a loopback HTTPS listener serving every endpoint's scoring URI,
 * `https://127.0.0.1:<port>/<workspace>/<endpoint>/score`. It checks the key or token, picks a deployment
 * (the `azureml-model-deployment` header, else the traffic map), forwards to that deployment's inference
 * server and maps the answer to the status codes of managed or Kubernetes endpoints.
 *
 * It has its own CA: the emulator core does not lend its CA key to providers, and ARM's router would demand
 * an ARM token for any path on the main port. {@link trust} appends this CA to a PEM bundle (the emulator's
 * caCertPath) so clients that trust the emulator trust scoring URIs too.
 */
export class ScoringServer {
  #server: Server | undefined;
  #origin = '';
  #caPem = '';
  #tlsDir = '';
  #starting: Promise<void> | undefined;
  readonly #routes = new Map<string, () => ScoringTarget | undefined>();

  /** Starts the listener once; later calls wait for the first. */
  start(): Promise<void> {
    this.#starting ??= (async () => {
      const tls = await createTlsMaterial();
      this.#caPem = tls.caCertPem;
      this.#tlsDir = tls.dir;
      const server = createServer({ cert: tls.serverCertPem, key: tls.serverKeyPem }, (req, res) => {
        void this.#serve(req, res);
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      this.#server = server;
      this.#origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    })();
    return this.#starting;
  }

  /** PEM of the CA that signed the scoring certificate (after {@link start}). */
  get caCertPem(): string {
    return this.#caPem;
  }

  /** Appends the scoring CA to a PEM bundle file, once per file. */
  async trust(bundlePath: string): Promise<void> {
    await this.start();
    await appendFile(bundlePath, `\n${this.#caPem}`);
  }

  /** Registers an endpoint's route; returns its scoring URI. */
  route(workspace: string, endpoint: string, target: () => ScoringTarget | undefined): string {
    const key = `${workspace}/${endpoint}`.toLowerCase();
    this.#routes.set(key, target);
    return `${this.#origin}/${encodeURIComponent(workspace)}/${encodeURIComponent(endpoint)}/score`;
  }

  /** The swagger URI that goes with a scoring URI. */
  swaggerUri(workspace: string, endpoint: string): string {
    return `${this.#origin}/${encodeURIComponent(workspace)}/${encodeURIComponent(endpoint)}/swagger.json`;
  }

  unroute(workspace: string, endpoint: string): void {
    this.#routes.delete(`${workspace}/${endpoint}`.toLowerCase());
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      const closed = new Promise<void>(resolve => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    }
    if (this.#tlsDir) await rm(this.#tlsDir, { recursive: true, force: true });
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let reply: Reply;
    try {
      reply = await this.#answer(req, body, requestId);
    } catch (error) {
      reply = json(500, `The emulated scoring front end failed: ${(error as Error).message}`);
    }
    const payload = Buffer.from(reply.body);
    res.writeHead(reply.status, {
      'x-request-id': requestId,
      'x-ms-request-id': requestId,
      ...reply.headers,
      'content-length': String(payload.length)
    });
    res.end(payload);
  }

  async #answer(req: IncomingMessage, body: Buffer, requestId: string): Promise<Reply> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const match = /^\/([^/]+)\/([^/]+)\/(score|swagger\.json)$/.exec(url.pathname);
    const target = match
      ? this.#routes.get(`${decodeURIComponent(match[1])}/${decodeURIComponent(match[2])}`.toLowerCase())?.()
      : undefined;
    if (!match || !target) return json(404, 'Endpoint not found.');
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!presented || !target.credentials.some(credential => matches(presented, credential))) {
      return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: '' };
    }
    const requested = req.headers['azureml-model-deployment'];
    const name =
      typeof requested === 'string' && requested !== '' ? requested : pickByTraffic(target.traffic);
    const run = name ? target.deployment(name) : undefined;
    if (!name || !run) {
      return json(
        404,
        'No valid deployments to route to. Please check that the endpoint has at least one deployment with ' +
          'positive weight values or use a deployment specific header to route.'
      );
    }
    const deploymentHeader = { 'azureml-model-deployment': name };
    if (!run.server) return json(503, `Deployment '${name}' is not ready.`, deploymentHeader);
    const path = match[3] === 'score' ? `/score${url.search}` : `/swagger.json${url.search}`;
    const upstream = await forward(run.server.port, req, path, body, requestId);
    const mapped = mapStatus(run.spec.compute, upstream);
    return { ...mapped, headers: { ...upstream.headers, ...mapped.headers, ...deploymentHeader } };
  }
}

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function forward(
  port: number,
  req: IncomingMessage,
  path: string,
  body: Buffer,
  requestId: string
): Promise<Upstream> {
  const headers: Record<string, string> = { 'x-request-id': requestId };
  for (const name of ['content-type', 'x-ms-client-request-id', 'accept']) {
    const value = req.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      { host: '127.0.0.1', port, method: req.method, path, headers, agent: false },
      answer => {
        const parts: Buffer[] = [];
        answer.on('data', chunk => parts.push(chunk as Buffer));
        answer.on('end', () => {
          const kept: Record<string, string> = {};
          for (const [key, value] of Object.entries(answer.headers)) {
            if (
              typeof value === 'string' &&
              !['content-length', 'connection', 'date', 'server'].includes(key)
            )
              kept[key] = value;
          }
          resolve({
            status: answer.statusCode ?? 502,
            headers: kept,
            body: Buffer.concat(parts).toString('utf8')
          });
        });
      }
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function isTimeout(upstream: Upstream): boolean {
  return upstream.status === 500 && upstream.body.includes('Scoring timeout');
}

function isCapacityRejection(upstream: Upstream): boolean {
  return upstream.body.includes('Too many requests: the server is at max concurrency and queue.');
}

/**
 * The front end's view of the container's answer. Managed: non-2xx from the model → 424 with
 * `ms-azureml-model-error-statuscode`, overrun of request_timeout_ms → 408, more than 2 × capacity in flight
 * → 429. Kubernetes: run() failure → 502, timeout → 504, above capacity → 503.
 */
function mapStatus(
  compute: ComputeType,
  upstream: Upstream
): { status: number; headers?: Record<string, string>; body: string } {
  if (upstream.status < 300) return upstream;
  if (compute === 'Kubernetes') {
    if (isCapacityRejection(upstream)) return { ...upstream, status: 503 };
    if (isTimeout(upstream)) return { ...upstream, status: 504 };
    if (upstream.status >= 500) return { ...upstream, status: 502 };
    return upstream;
  }
  if (upstream.status === 429 && isCapacityRejection(upstream)) {
    return {
      status: 429,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message:
          'Too many pending requests. The deployment is getting more requests than 2 × max_concurrent_requests_per_instance × instance_count.'
      })
    };
  }
  if (isTimeout(upstream))
    return {
      status: 408,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'Request timeout: the model took longer than request_timeout_ms.' })
    };
  return {
    status: 424,
    headers: {
      ...upstream.headers,
      'ms-azureml-model-error-statuscode': String(upstream.status),
      'ms-azureml-model-error-reason': 'model_error'
    },
    body: upstream.body
  };
}
