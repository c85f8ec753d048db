import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import type { Emulator } from '../../emulator/index.js';

/** A response as the test client saw it. */
export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

/** Sends one HTTPS request to the emulator, trusting its CA explicitly (NODE_EXTRA_CA_CERTS is read at boot). */
export function send(
  emulator: Emulator,
  method: string,
  path: string,
  options: {
    token?: string;
    body?: unknown;
    form?: Record<string, string>;
    headers?: Record<string, string>;
  } = {}
): Promise<Reply> {
  const url = new URL(path, emulator.facts.armEndpoint);
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | undefined;
  if (options.form) {
    payload = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, ca: readFileSync(emulator.facts.caCertPath) }, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = undefined;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** An ARM access token from the emulator's token endpoint, via the secret app. */
export async function armToken(emulator: Emulator): Promise<string> {
  const { facts } = emulator;
  const reply = await send(emulator, 'POST', `/${facts.tenantId}/oauth2/v2.0/token`, {
    form: {
      grant_type: 'client_credentials',
      client_id: facts.secretClientId,
      client_secret: facts.clientSecret,
      scope: `${facts.armEndpoint}/.default`
    }
  });
  if (reply.status !== 200) throw new Error(`token request failed: ${reply.text}`);
  return reply.body.access_token as string;
}

/** Runs an ES module snippet in a fresh node with the emulator's CA trusted, from the project root. */
export function runNode(
  emulator: Emulator,
  script: string,
  env: Record<string, string> = {}
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        cwd: process.cwd(),
        env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: emulator.facts.caCertPath, ...env },
        timeout: 60_000
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr })
    );
  });
}
