import { describe, expect, it } from '@jest/globals';
import type { ActionAdapter } from '../src/action/core-adapter.js';
import { INPUT_NAMES, type InputName } from '../src/contract/inputs.js';
import type { Outputs } from '../src/contract/outputs.js';
import type { AnnotationTarget } from '../src/run/log.js';
import { run } from '../src/main.js';

/** A recording stand-in for the runner, so run() is exercised without @actions/core. */
function fakeAdapter(inputs: Partial<Record<InputName, string>>) {
  const recorded = {
    errors: [] as { message: string; target?: AnnotationTarget }[],
    failed: [] as string[],
    outputs: {} as Outputs,
    summary: '',
    idTokenRequests: 0,
    inputReads: 0
  };
  const adapter: ActionAdapter = {
    log: {
      info: () => undefined,
      debug: () => undefined,
      warning: () => undefined,
      error: (message, target) => recorded.errors.push({ message, ...(target ? { target } : {}) }),
      mask: () => undefined
    },
    runnerContext: () => ({ workspace: process.cwd(), repository: '', runId: '', path: '' }),
    setTemplateOutputs: () => undefined,
    readInputs: () => {
      recorded.inputReads++;
      return { ...Object.fromEntries(INPUT_NAMES.map(n => [n, ''])), ...inputs } as Record<InputName, string>;
    },
    requestIdToken: async () => {
      recorded.idTokenRequests++;
      throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
    },
    setOutputs: outputs => Object.assign(recorded.outputs, outputs),
    writeSummary: async markdown => void (recorded.summary += markdown),
    markFailed: message => recorded.failed.push(message),
    onCancel: () => undefined
  };
  return { adapter, recorded };
}

const valid = {
  'subscription-id': '00000000-0000-0000-0000-000000000000',
  'resource-group': 'rg',
  audience: 'api://AzureADTokenExchange',
  'arm-endpoint': 'https://127.0.0.1:9',
  'timeout-minutes': '1',
  'deployment-mode': 'Incremental',
  'key-vault-policy': 'preserve',
  'deleted-vault': 'fail',
  'what-if': 'true',
  'dry-run': 'false'
};

describe('run', () => {
  it('reports each configuration problem once, fails the step and still writes outputs and summary', async () => {
    const { adapter, recorded } = fakeAdapter({
      ...valid,
      'subscription-id': 'nope',
      'timeout-minutes': 'soon'
    });
    await run(adapter);
    expect(recorded.errors.map(e => e.message)).toEqual([
      "input 'subscription-id': 'nope' is not a subscription id: expected a GUID like 00000000-0000-0000-0000-000000000000.",
      "input 'timeout-minutes': 'soon' is not a number of minutes between 0 and 360 (e.g. 30 or 0.5)."
    ]);
    expect(recorded.failed).toHaveLength(1);
    expect(recorded.outputs).toEqual({ status: 'failed', 'failed-stage': 'configuration' });
    expect(recorded.summary).toContain('**Failed stage:** `configuration`');
    expect(recorded.summary).toContain("input 'timeout-minutes'");
    // The configuration and the report (which must reach the PR when the configuration fails) share one read.
    expect(recorded.inputReads).toBe(1);
  });

  it('annotates at most 10 configuration problems (what GitHub shows) and lists every one in the summary', async () => {
    const { adapter, recorded } = fakeAdapter({
      ...valid,
      'subscription-id': 'nope',
      'timeout-minutes': 'soon',
      'deployment-mode': 'Sometimes',
      'key-vault-policy': 'maybe',
      'deleted-vault': 'ignore',
      'what-if': 'perhaps',
      'dry-run': 'later',
      'arm-endpoint': 'ftp://x',
      'keep-previous': 'often',
      'crash-loop': 'retry',
      preflight: 'sometimes',
      'pr-comment': 'loud',
      'template-deployment-name': 'not/a name',
      audience: '',
      location: 'west europe!',
      target: 'moon'
    });
    await run(adapter);
    expect(recorded.errors).toHaveLength(10);
    const [failed] = recorded.failed;
    const total = Number(/has (\d+) problem/.exec(failed ?? '')?.[1]);
    expect(total).toBeGreaterThan(10);
    expect(failed).toContain(`and ${total - 10} more in the job summary`);
    for (const input of ['subscription-id', 'target', 'location', 'dry-run'])
      expect(recorded.summary).toContain(`input '${input}'`);
  });

  it('attributes a sign-in failure to the sign-in stage, with the fix, before any Azure request', async () => {
    const { adapter, recorded } = fakeAdapter({
      ...valid,
      'tenant-id': '00000000-0000-0000-0000-000000000001',
      'client-id': '00000000-0000-0000-0000-000000000002'
    });
    await run(adapter);
    expect(recorded.outputs).toEqual({ status: 'failed', 'failed-stage': 'sign-in' });
    expect(recorded.failed[0]).toMatch(/GitHub OIDC federation[\s\S]*permissions: id-token: write/);
    expect(recorded.summary).toMatch(/Sign in \| ❌ failed/);
    expect(recorded.summary).toMatch(/Resource group \| ⏭️ not run/);
    expect(recorded.idTokenRequests).toBe(1);
  });
});
