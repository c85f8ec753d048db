/** Shared by the local-server tests: fixture paths and a bounded HTTP client for 127.0.0.1. */
import http from 'node:http';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/local/', import.meta.url));
export const MODEL_DIR = `${FIXTURES}model`;
export const scriptPath = (name: string): string => `${FIXTURES}scripts/${name}.py`;

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request, no keep-alive, failing after `timeoutMs` so a hung server cannot hang the suite. */
export function request(
  url: string,
  options: { method?: string; body?: string; timeoutMs?: number } = {}
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const req = http.request(
      url,
      {
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        agent: false,
        timeout: options.timeoutMs ?? 10_000,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8')
          })
        );
      }
    );
    req.on('timeout', () =>
      req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 10_000} ms`))
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The server's log once it holds `text`. The server writes a traceback before it answers, but its output pipe and
 * the HTTP socket are read by separate events, so a test that reads the log right after the answer can run first.
 */
export async function logsContaining(
  server: { logs(): string[] },
  text: string,
  timeoutMs = 10_000
): Promise<string> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const log = server.logs().join('\n');
    if (log.includes(text) || Date.now() >= until) return log;
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
