import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_MS_KNOB } from '../../emulator/providers/deployments/index.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { CANARY, visibleText } from './support/canary.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';

/**
 * Cancellation: the runner cancels a job with SIGINT (then SIGKILL a few seconds later). The action must stop
 * waiting at once, still write the job summary — saying that the deployment keeps running in Azure and how to
 * resume — and exit 1 well before the runner's kill. A re-run with the same inputs must then wait for the
 * deployment the cancelled run left behind instead of colliding with it (ARM: 409 DeploymentActive).
 */

const FIXTURES = new URL('../fixtures/reliability/', import.meta.url);
const GROUP = 'rg-cancel';
const DEPLOYMENT = 'cancel-me';
/** Each resource operation of the template deployment takes this long, so the deployment is in flight. */
const SLOW_OPERATION_MS = 12_000;
/**
 * ARM's Retry-After on the deployment and its status: the SDK's poller sleeps that long between polls, and
 * that sleep does not listen to the abort signal — the action must not wait it out after a SIGINT.
 */
const RETRY_AFTER_SECONDS = 30;
/** The runner sends SIGKILL some seconds after SIGINT; the action must be gone before. */
const EXIT_BUDGET_MS = 7_000;

const DEPLOYMENT_PUT = new RegExp(
  `^/subscriptions/[^/]+/resourcegroups/${GROUP}/providers/Microsoft\\.Resources/deployments/${DEPLOYMENT}$`,
  'i'
);

describe('cancellation (SIGINT during a long template deployment)', () => {
  let bench: ReliabilityBench;
  let cancelled: ActionRun;
  let signalToExitMs: number;

  const inputs = (): Record<string, string> => ({
    'resource-group': GROUP,
    location: 'westeurope',
    template: 'corpus-template.json',
    parameters: 'corpus-template.parameters.json',
    'template-deployment-name': DEPLOYMENT,
    'timeout-minutes': '1'
  });

  beforeAll(async () => {
    bench = await startReliabilityBench();
    for (const file of ['corpus-template.json', 'corpus-template.parameters.json']) {
      copyFileSync(new URL(file, FIXTURES), join(bench.workspace, file));
    }
  });
  afterAll(async () => {
    await bench?.stop();
  });

  /** Runs the action like the bench does, but hands the child over so the test can signal it. */
  function runWithChild(onStart: (child: ChildProcess) => void): Promise<ActionRun> {
    const facts = bench.emulator.facts;
    return runAction({
      inputs: { ...bench.azureInputs(), ...inputs() },
      env: {
        NODE_EXTRA_CA_CERTS: facts.caCertPath,
        ACTIONS_ID_TOKEN_REQUEST_URL: facts.idTokenRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: facts.idTokenRequestToken
      },
      workspace: bench.workspace,
      killAfterMs: 30_000,
      onStart
    });
  }

  /** Resolves once the stand-in has answered the deployment PUT (polls its request log). */
  async function deploymentPutSent(): Promise<void> {
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      if (bench.emulator.requestLog.entries().some(e => e.method === 'PUT' && DEPLOYMENT_PUT.test(e.path)))
        return;
      await new Promise(resolve => setTimeout(resolve, 25));
    }
    throw new Error('The action never sent the deployment PUT.');
  }

  it('SIGINT once the deployment PUT was sent: exit 1 within 7 s, summary says what still runs in Azure', async () => {
    bench.emulator.knobs[OPERATION_MS_KNOB] = SLOW_OPERATION_MS;
    bench.emulator.knobs.retryAfterSeconds = RETRY_AFTER_SECONDS;
    bench.emulator.requestLog.clear();
    let signalledAt = 0;
    cancelled = await runWithChild(child => {
      void deploymentPutSent().then(() => {
        signalledAt = Date.now();
        child.kill('SIGINT');
      });
    });
    signalToExitMs = Date.now() - signalledAt;

    expect(signalledAt).toBeGreaterThan(0);
    expect(cancelled.signal).toBeNull();
    expect(cancelled.exitCode).toBe(1);
    // Well before the 30 s the poller was told to sleep, and before the runner's kill.
    expect(signalToExitMs).toBeLessThan(EXIT_BUDGET_MS);
    expect(cancelled.outputs.status).toBe('failed');
    expect(cancelled.outputs['failed-stage']).toBe('infra');

    // The summary was written, says the run was cancelled, and that the deployment goes on in Azure.
    expect(cancelled.summary).toContain('failed');
    expect(cancelled.summary).toMatch(/cancelled \(SIGINT\)/);
    expect(cancelled.summary).toMatch(/still running in Azure/i);
    expect(cancelled.summary).toContain(`'${DEPLOYMENT}'`);
    expect(cancelled.summary).toMatch(/re-run/i);
    const error = cancelled.annotations.find(a => a.level === 'error');
    expect(error?.message).toMatch(/cancelled \(SIGINT\)/);

    // The secure parameter was masked and shown nowhere.
    expect(cancelled.masks).toContain(CANARY);
    expect(visibleText(cancelled)).not.toContain(CANARY);

    // The deployment really is still running in Azure: cancelling the step does not cancel it there.
    const deployment = await bench.clients.factory.deployments().deployments.get(GROUP, DEPLOYMENT);
    expect(deployment.properties?.provisioningState).toBe('Running');
  });

  it('a re-run with the same inputs waits for the in-flight deployment, then converges', async () => {
    // The stand-in finishes the cancelled deployment's current operation, then the rest at once.
    bench.emulator.knobs[OPERATION_MS_KNOB] = 0;
    bench.emulator.knobs.retryAfterSeconds = 0;
    bench.emulator.requestLog.clear();
    const again = await bench.run(inputs());

    expect(again.stderr).toBe('');
    expect([again.exitCode, again.outputs.status]).toEqual([0, 'succeeded']);
    expect(again.visibleLog).toMatch(
      new RegExp(`Deployment '${DEPLOYMENT}' from an earlier attempt is still`)
    );
    // No conflicting deployment was started: no 409 (DeploymentActive) at all.
    expect(bench.emulator.requestLog.entries().filter(e => e.status === 409)).toEqual([]);
    const puts = bench.emulator.requestLog
      .entries()
      .filter(e => e.method === 'PUT' && DEPLOYMENT_PUT.test(e.path));
    // One PUT, accepted (200: it updates the deployment the cancelled run left), after the wait.
    expect(puts.map(e => e.status)).toEqual([200]);
    const deployment = await bench.clients.factory.deployments().deployments.get(GROUP, DEPLOYMENT);
    expect(deployment.properties?.provisioningState).toBe('Succeeded');
    expect(visibleText(again)).not.toContain(CANARY);
    console.log(
      `cancellation: SIGINT → exit ${signalToExitMs} ms (budget ${EXIT_BUDGET_MS} ms); ` +
        `re-run waited and succeeded in ${again.durationMs} ms`
    );
  });
});
