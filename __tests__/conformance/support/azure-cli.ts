import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatorFacts } from '../../../emulator/index.js';
import { armToken } from '../../emulator/client.js';
import type { Emulator } from '../../../emulator/index.js';

/** What one `az` command did. */
export interface AzResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (az's default output), or undefined when empty or not JSON. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<AzResult> {
  return new Promise(resolve => {
    execFile(file, args, { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** Unpacks Debian's azure-cli into the cache on first use (scripts/azure-cli.sh) and returns the `az` path. */
export async function ensureAzureCli(): Promise<string> {
  const result = await run('bash', ['scripts/azure-cli.sh'], process.env, 15 * 60_000);
  if (result.code !== 0) throw new Error(`scripts/azure-cli.sh failed (${result.code}):\n${result.stderr}`);
  return result.stdout.trim().split('\n').pop() as string;
}

/**
 * A managed-identity token endpoint as a VM extension serves it (`MSI_ENDPOINT`: POST with form `resource`,
 * header `Metadata: true`). az's `--identity` login reaches it without MSAL: MSAL's service-principal login
 * validates any authority that is not Microsoft's at login.microsoftonline.com (instance discovery), which is
 * out of reach offline. Tokens come from the stand-in's Entra endpoint (the secret app, client credentials).
 */
export async function startManagedIdentityEndpoint(
  emulator: Emulator
): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (req.headers.metadata !== 'true' || !form.get('resource')) {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            error: 'invalid_request',
            error_description: 'Required metadata header not specified'
          })
        );
        return;
      }
      armToken(emulator).then(
        token => {
          const expiresOn = Math.floor(Date.now() / 1000) + 3600;
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify({
              access_token: token,
              expires_in: '3600',
              expires_on: String(expiresOn),
              not_before: String(expiresOn - 3600),
              resource: form.get('resource'),
              token_type: 'Bearer'
            })
          );
        },
        (error: Error) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: 'unknown', error_description: error.message }));
        }
      );
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/oauth2/token`,
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}

/** An az configuration of its own (AZURE_CONFIG_DIR in a temp folder) that trusts the stand-in's CA. */
export class AzSession {
  private constructor(
    private readonly az: string,
    readonly configDir: string,
    private readonly env: NodeJS.ProcessEnv
  ) {}

  static async open(az: string, facts: EmulatorFacts, msiEndpoint: string): Promise<AzSession> {
    const configDir = await mkdtemp(join(tmpdir(), 'az-conformance-'));
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: configDir,
      AZURE_CONFIG_DIR: configDir,
      REQUESTS_CA_BUNDLE: facts.caCertPath,
      MSI_ENDPOINT: msiEndpoint,
      AZURE_CORE_COLLECT_TELEMETRY: 'no',
      AZURE_CORE_NO_COLOR: 'true',
      AZURE_CORE_SURVEY_MESSAGE: 'no',
      AZURE_CORE_ONLY_SHOW_ERRORS: 'true',
      // Keeps az from asking PyPI for a newer version (no internet here).
      AZURE_CORE_CHECK_FOR_UPGRADE: 'no',
      NO_PROXY: '127.0.0.1,localhost'
    };
    return new AzSession(az, configDir, env);
  }

  /** Runs `az <args>`; the default output is JSON. */
  run(...args: string[]): Promise<AzResult> {
    return run(this.az, args, this.env, 5 * 60_000);
  }

  close(): Promise<void> {
    return rm(this.configDir, { recursive: true, force: true });
  }
}
