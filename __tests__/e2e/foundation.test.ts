import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { Emulator } from '../../emulator/index.js';
import { startAzureStandIn } from '../../emulator/stand-in.js';
import { runAction } from '../../harness/run-action.js';
import { azureInputs, runnerEnv } from './support/action-against-emulator.js';

/** The foundation end to end: `node dist/index.js` as the runner runs it, against the local Azure stand-in. */
describe('foundation (dist/index.js against the stand-in)', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startAzureStandIn();
  });
  afterAll(async () => {
    await emulator?.stop();
  });
  beforeEach(() => {
    emulator.requestLog.clear();
    emulator.faults.clear();
  });

  const armRequests = () => emulator.requestLog.entries().filter(e => e.service === 'arm');

  it('signs in with GitHub OIDC, creates a missing resource group, and a re-run writes nothing', async () => {
    const inputs = {
      ...azureInputs(emulator.facts),
      'resource-group': 'rg-e2e-create',
      location: 'West Europe'
    };
    const first = await runAction({ inputs, env: runnerEnv(emulator.facts) });
    expect(first.stderr).toBe('');
    expect([first.exitCode, first.outputs]).toEqual([0, { status: 'succeeded', 'failed-stage': '' }]);

    const log = emulator.requestLog.entries();
    expect(log.filter(e => e.service === 'github').length).toBeGreaterThanOrEqual(1);
    expect(log.filter(e => e.service === 'identity' && e.method === 'POST').length).toBeGreaterThanOrEqual(1);
    expect(armRequests().map(e => `${e.method} ${e.path.toLowerCase()} ${e.status}`)).toEqual([
      `GET /subscriptions/${emulator.facts.subscriptionId}/resourcegroups/rg-e2e-create 404`,
      `PUT /subscriptions/${emulator.facts.subscriptionId}/resourcegroups/rg-e2e-create 201`
    ]);
    expect(first.summary).toContain('| Resource group | ✅ succeeded |');
    expect(first.summary).toContain("'rg-e2e-create' created in westeurope");

    emulator.requestLog.clear();
    const second = await runAction({ inputs, env: runnerEnv(emulator.facts) });
    expect(second.exitCode).toBe(0);
    expect(emulator.requestLog.writes().filter(e => e.service === 'arm')).toEqual([]);
    expect(second.summary).toContain('exists in westeurope; left unchanged');
  });

  it('asks GitHub for a fresh ID token for every Entra token, so short-lived tokens never expire mid-run', async () => {
    const lifetimes = {
      token: emulator.knobs.tokenLifetimeSeconds,
      idToken: emulator.knobs.idTokenLifetimeSeconds
    };
    emulator.knobs.tokenLifetimeSeconds = 2;
    emulator.knobs.idTokenLifetimeSeconds = 2;
    try {
      const issuedBefore = emulator.idTokensIssued();
      const run = await runAction({
        inputs: { ...azureInputs(emulator.facts), 'resource-group': 'rg-e2e-tokens', location: 'westeurope' },
        env: runnerEnv(emulator.facts)
      });
      expect(run.exitCode).toBe(0);
      const entraTokens = emulator.requestLog
        .entries()
        .filter(e => e.service === 'identity' && e.method === 'POST').length;
      expect(entraTokens).toBeGreaterThanOrEqual(2);
      expect(emulator.idTokensIssued() - issuedBefore).toBeGreaterThanOrEqual(entraTokens);
    } finally {
      emulator.knobs.tokenLifetimeSeconds = lifetimes.token;
      emulator.knobs.idTokenLifetimeSeconds = lifetimes.idToken;
    }
  });

  it('refuses an invalid input set with one error per problem and no request at all', async () => {
    const run = await runAction({
      inputs: {
        ...azureInputs(emulator.facts),
        'subscription-id': 'not-a-guid',
        'resource-group': '',
        'arm-endpoint': 'ftp://127.0.0.1:1'
      },
      env: runnerEnv(emulator.facts)
    });
    expect(run.exitCode).toBe(1);
    const problems = run.annotations.filter(
      a => a.level === 'error' && a.properties.title === 'Invalid configuration'
    );
    expect(problems.map(a => a.message.split(':')[0])).toEqual([
      "input 'subscription-id'",
      "input 'resource-group'",
      "input 'arm-endpoint'"
    ]);
    expect(run.outputs['failed-stage']).toBe('configuration');
    expect(emulator.requestLog.entries()).toEqual([]);
  });

  it('explains a missing resource group when no location is given, without writing', async () => {
    const run = await runAction({
      inputs: { ...azureInputs(emulator.facts), 'resource-group': 'rg-e2e-missing' },
      env: runnerEnv(emulator.facts)
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['failed-stage']).toBe('resource-group');
    const errors = run.annotations.filter(a => a.level === 'error').map(a => a.message);
    expect(errors[0]).toMatch(
      /input 'location': is empty and resource group 'rg-e2e-missing' does not exist.*Set 'location'/
    );
    expect(emulator.requestLog.writes().filter(e => e.service === 'arm')).toEqual([]);
  });

  it('survives a 429 with retry-after-ms and two 500s on the resource group PUT', async () => {
    const path = '*/resourcegroups/rg-e2e-faults';
    emulator.faults.add({ method: 'PUT', path, nth: 1, status: 429, headers: { 'retry-after-ms': '200' } });
    emulator.faults.add({ method: 'PUT', path, nth: 2, status: 500 });
    emulator.faults.add({ method: 'PUT', path, nth: 3, status: 500 });
    const run = await runAction({
      inputs: { ...azureInputs(emulator.facts), 'resource-group': 'rg-e2e-faults', location: 'westeurope' },
      env: runnerEnv(emulator.facts)
    });
    expect([run.exitCode, run.outputs.status]).toEqual([0, 'succeeded']);
    const puts = armRequests()
      .filter(e => e.method === 'PUT')
      .map(e => e.status);
    expect(puts).toEqual([429, 500, 500, 201]);
  });

  it('fails promptly, saying so, when Retry-After is longer than the remaining deadline', async () => {
    emulator.faults.add({
      method: 'PUT',
      path: '*/resourcegroups/rg-e2e-slow',
      status: 429,
      headers: { 'retry-after': '900' }
    });
    const run = await runAction({
      inputs: {
        ...azureInputs(emulator.facts),
        'resource-group': 'rg-e2e-slow',
        location: 'westeurope',
        'timeout-minutes': '2'
      },
      env: runnerEnv(emulator.facts)
    });
    expect(run.exitCode).toBe(1);
    expect(run.durationMs).toBeLessThan(60_000);
    expect(run.outputs['failed-stage']).toBe('resource-group');
    expect(run.stdout).toMatch(
      /HTTP 429; Azure asked to retry in 15 min, but only .* remain of the run's 2 min budget/
    );
    expect(armRequests().filter(e => e.method === 'PUT')).toHaveLength(1);
  });
});
