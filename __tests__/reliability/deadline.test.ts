import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPERATION_MS_KNOB } from '../../emulator/providers/deployments/index.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';

/**
 * Running out of `timeout-minutes` stops the action's waiting, not the template deployment it sent: the
 * summary says what still runs in Azure and how to look at it, as after a cancellation.
 */
const FIXTURES = new URL('../fixtures/reliability/', import.meta.url);
const GROUP = 'rg-deadline';
const DEPLOYMENT = 'outlives-the-deadline';

describe('deadline (timeout-minutes) during a long template deployment', () => {
  let bench: ReliabilityBench;

  beforeAll(async () => {
    bench = await startReliabilityBench();
    for (const file of ['corpus-template.json', 'corpus-template.parameters.json']) {
      copyFileSync(new URL(file, FIXTURES), join(bench.workspace, file));
    }
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it('says what still runs in Azure, with the az command to look at it', async () => {
    // Each resource operation takes 60 s: the deployment outlives a 6 s budget by far.
    bench.emulator.knobs[OPERATION_MS_KNOB] = 60_000;
    const run = await bench.run({
      'resource-group': GROUP,
      location: 'westeurope',
      template: 'corpus-template.json',
      parameters: 'corpus-template.parameters.json',
      'template-deployment-name': DEPLOYMENT,
      'timeout-minutes': '0.1'
    });
    bench.emulator.knobs[OPERATION_MS_KNOB] = 0;

    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'infra']);
    expect(run.summary).toContain('### Still running in Azure');
    expect(run.summary).toContain(
      "Running out of 'timeout-minutes' does not cancel what was already sent to Azure:"
    );
    expect(run.summary).toContain(`az deployment group show -g ${GROUP} -n ${DEPLOYMENT}`);
  }, 60_000);
});
