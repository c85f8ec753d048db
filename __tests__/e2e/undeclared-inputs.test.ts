import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startInfraBench, type InfraBench } from './support/infra-bench.js';

/**
 * An input action.yml does not declare is passed by the runner anyway (it only warns): `dry_run: true` must not
 * deploy for real. The run ends with a configuration error naming the input and the closest declared one, and
 * the stand-in sees no request at all — not even a sign-in.
 */
describe('undeclared inputs (dist/index.js against the stand-in)', () => {
  let bench: InfraBench;

  beforeAll(async () => {
    bench = await startInfraBench([]);
  });
  afterAll(async () => {
    await bench?.stop();
  });

  it.each([
    ['dry_run', { dry_run: 'true' }, 'dry-run'],
    ['templat', { template: '', templat: 'ml-workspace.json' }, 'template']
  ])('refuses `%s` with "did you mean", before any request', async (name, inputs, suggestion) => {
    bench.emulator.requestLog.clear();
    const run = await bench.deploy('rg-undeclared', inputs);
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ status: 'failed', 'failed-stage': 'configuration' });
    const errors = run.annotations.filter(a => a.level === 'error').map(a => a.message);
    expect(errors[0]).toContain(`input '${name}': is not an input of this action`);
    expect(errors[0]).toContain(`Did you mean \`${suggestion}\`?`);
    expect(run.summary).toContain(`Did you mean \`${suggestion}\`?`);
    expect(bench.emulator.requestLog.entries()).toEqual([]);
  });
});
