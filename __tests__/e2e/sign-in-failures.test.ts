import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../../emulator/index.js';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { azureInputs, runnerEnv } from './support/action-against-emulator.js';

/**
 * A token endpoint that refuses: the failure names Entra's answer (HTTP status, AADSTS code, description) and
 * the credential in use, never a bare "RequestFailed:". dist/index.js against the stand-in's identity endpoint.
 */
describe('sign-in failures (dist/index.js against the stand-in)', () => {
  let emulator: Emulator;
  let workspace: string;

  beforeAll(async () => {
    emulator = await startAzureStandIn({ blob: false });
    workspace = mkdtempSync(join(tmpdir(), 'sign-in-e2e-'));
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  function run(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...azureInputs(emulator.facts),
        'resource-group': 'rg-sign-in',
        location: 'westeurope',
        ...inputs
      },
      env: { ...runnerEnv(emulator.facts), ...env },
      workspace
    });
  }

  it('names the OIDC credential and Entra answer when the app is unknown (AADSTS700016)', async () => {
    const failed = await run({ 'client-id': '0c0c0c0c-0000-4000-8000-000000000000' });
    expect([failed.exitCode, failed.outputs['failed-stage']]).toEqual([1, 'sign-in']);
    const error = failed.annotations.find(a => a.level === 'error')!.message;
    expect(error).toContain('GitHub OIDC federation');
    expect(error).toContain('HTTP 400');
    expect(error).toContain('AADSTS700016');
    expect(error).toContain(
      "Application with identifier '0c0c0c0c-0000-4000-8000-000000000000' was not found"
    );
    expect(error).not.toMatch(/RequestFailed:\s*$/m);
  });

  it('names the client secret credential and Entra answer when the token endpoint refuses it', async () => {
    emulator.faults.add({
      method: 'POST',
      path: '/*/oauth2/v2.0/token',
      status: 401,
      code: 'invalid_client',
      message: 'AADSTS7000215: Invalid client secret provided.'
    });
    try {
      const withoutOidc = { ...azureInputs(emulator.facts), 'client-id': '', 'tenant-id': '' };
      const failed = await runAction({
        inputs: { ...withoutOidc, 'resource-group': 'rg-sign-in', location: 'westeurope' },
        env: {
          NODE_EXTRA_CA_CERTS: emulator.facts.caCertPath,
          AZURE_TENANT_ID: emulator.facts.tenantId,
          AZURE_CLIENT_ID: emulator.facts.secretClientId,
          AZURE_CLIENT_SECRET: emulator.facts.clientSecret,
          PATH: '/usr/bin:/bin'
        },
        workspace
      });
      expect(failed.exitCode).toBe(1);
      const error = failed.annotations.find(a => a.level === 'error')!.message;
      expect(error).toMatch(/service principal .*client secret/);
      expect(error).toContain('HTTP 401');
      expect(error).toContain('AADSTS7000215');
      expect(error).toContain('Invalid client secret provided.');
    } finally {
      emulator.faults.clear();
    }
  });
});
