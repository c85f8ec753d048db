import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fault } from '../../emulator/index.js';
import type { ActionRun } from '../../harness/run-action.js';
import { CanaryWatch } from './support/canary.js';
import { lostGrants, type PolicyEntry } from './support/policy-grants.js';
import { startReliabilityBench, type ReliabilityBench } from './support/reliability-bench.js';
import { faultMatrixTable } from './support/fault-matrix-table.js';

/**
 * Fault matrix: every class of Azure call the action makes today × six faults, each cell one run of
 * dist/index.js against the stand-in. A cell passes when the run either succeeded — and the resource group,
 * the vault and its access policies really are there, and the deployment really Succeeded — or failed with an
 * error annotation that names the operation and a correlation id the user can quote — and then a re-run of
 * the same deployment without the fault succeeds. A run reported as a success over a half-done state, an
 * unexplained failure, or a lost access policy fails the cell. Cells `ok` = succeeded and verified,
 * `failed ✓` = failed clearly and a re-run converged.
 * The matrix (class × fault → outcome) is printed at the end.
 */

const FIXTURES = new URL('../fixtures/reliability/', import.meta.url);
const OUT_OF_BAND: PolicyEntry = {
  tenantId: '',
  objectId: '0b0b0b0b-0000-4000-8000-00000000f417',
  permissions: { secrets: ['get', 'list'], keys: ['unwrapKey'] }
};
const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

interface CallClass {
  name: string;
  /** `existing`: the group, the vault (with an out-of-band policy) and a deployment exist before the run. */
  setup: 'fresh' | 'existing';
  method: string;
  path: (group: string) => string | RegExp;
  /** How the action names this operation in words, or the request it failed on. */
  names: RegExp;
  /** A long-running operation's poll: the 401 fault comes mid-poll. */
  poll?: boolean;
  /** Matching requests let through before the fault (1: the second call of this kind in the run). */
  after?: number;
}

/** The scripted faults of one cell: `count` consecutive matching requests, after the class's `after`. */
function faultsFor(cls: CallClass, group: string, kind: FaultKind): Fault[] {
  return Array.from({ length: kind.count }, (_, i) => ({
    method: cls.method,
    path: cls.path(group),
    ...kind.action,
    nth: (cls.after ?? 0) + i + 1
  }));
}

const CLASSES: CallClass[] = [
  {
    name: 'resource group GET',
    setup: 'existing',
    method: 'GET',
    path: g => `/subscriptions/*/resourcegroups/${g}`,
    names: /read resource group|GET \/subscriptions\/[^ ]+\/resourcegroups\/rg-/i
  },
  {
    name: 'resource group PUT',
    setup: 'fresh',
    method: 'PUT',
    path: g => `/subscriptions/*/resourcegroups/${g}`,
    names: /create resource group|PUT \/subscriptions\/[^ ]+\/resourcegroups\/rg-/i
  },
  {
    name: 'validate POST',
    setup: 'existing',
    method: 'POST',
    path: g => `/subscriptions/*/resourcegroups/${g}/providers/Microsoft.Resources/deployments/*/validate`,
    names: /validate template deployment|POST \/[^ ]+\/validate/i
  },
  {
    name: 'what-if POST',
    setup: 'existing',
    method: 'POST',
    path: g => `/subscriptions/*/resourcegroups/${g}/providers/Microsoft.Resources/deployments/*/whatIf`,
    names: /what-if|POST \/[^ ]+\/whatIf/i
  },
  {
    name: 'what-if poll',
    setup: 'existing',
    method: 'GET',
    path: () => '/subscriptions/*/providers/Microsoft.Resources/locations/*/operationResults/*',
    names: /what-if|operationResults/i,
    poll: true
  },
  {
    name: 'deployment PUT',
    setup: 'existing',
    method: 'PUT',
    path: g =>
      new RegExp(
        `^/subscriptions/[^/]+/resourcegroups/${g}/providers/Microsoft\\.Resources/deployments/[^/]+$`
      ),
    names: /deploy template deployment|Template deployment '[^']+' failed|PUT \/[^ ]+\/deployments\//i
  },
  {
    name: 'deployment poll',
    setup: 'existing',
    method: 'GET',
    path: g =>
      `/subscriptions/*/resourcegroups/${g}/providers/Microsoft.Resources/deployments/*/operationStatuses/*`,
    names: /deploy template deployment|Template deployment '[^']+' failed|operationStatuses/i,
    poll: true
  },
  {
    // The guard reads a group's vaults with one list (src/keyvault/read-vaults.ts), not one GET per vault.
    name: 'Key Vault list',
    setup: 'existing',
    method: 'GET',
    path: g => `/subscriptions/*/resourcegroups/${g}/providers/Microsoft.KeyVault/vaults`,
    names: /list the Key Vaults|GET \/[^ ]+\/vaults\b/i
  },
  {
    name: 'Key Vault list (again)',
    setup: 'existing',
    method: 'GET',
    path: g => `/subscriptions/*/resourcegroups/${g}/providers/Microsoft.KeyVault/vaults`,
    names: /list the Key Vaults|GET \/[^ ]+\/vaults\b/i,
    // The first list plans the guard; the second is read again right before the deployment is sent.
    after: 1
  },
  {
    name: 'deleted vaults list',
    setup: 'fresh',
    method: 'GET',
    path: () => '/subscriptions/*/providers/Microsoft.KeyVault/deletedVaults',
    names: /soft-deleted Key Vaults|deletedVaults/i
  }
];

interface FaultKind {
  name: string;
  /** What the faulted requests get. */
  action: Omit<Fault, 'method' | 'path' | 'nth' | 'times'>;
  /** How many matching requests in a row get it (after the class's `after`). */
  count: number;
  inputs?: Record<string, string>;
}

const FAULTS: FaultKind[] = [
  {
    name: '429 retry-after-ms',
    action: { status: 429, headers: { 'retry-after-ms': '50' } },
    count: 1
  },
  {
    name: '429 Retry-After past deadline',
    action: { status: 429, headers: { 'Retry-After': '3600' } },
    count: 1,
    inputs: { 'timeout-minutes': '1' }
  },
  { name: 'two 500s', action: { status: 500, code: 'InternalServerError' }, count: 2 },
  { name: 'connection reset', action: { reset: true }, count: 1 },
  { name: 'truncated 200', action: { truncate: true }, count: 1 },
  {
    name: '401 (mid-poll for polls)',
    action: { status: 401, code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
    count: 1
  }
];

/**
 * Cells that reveal a defect, by `${class} × ${fault}`: none left. (The 429-past-the-deadline cells once named the
 * raw request and no correlation id; the live check now requires both.)
 */
const DEFECTS: Record<string, string> = {};

type Outcome = 'succeeded' | 'failed clearly';
const matrix = new Map<string, string>();

describe(`fault matrix: ${CLASSES.length} call classes × ${FAULTS.length} faults through dist/index.js`, () => {
  let bench: ReliabilityBench;
  const canaries = new CanaryWatch();
  const prepared = new Set<string>();

  beforeAll(async () => {
    bench = await startReliabilityBench();
    OUT_OF_BAND.tenantId = bench.emulator.facts.tenantId;
    for (const name of ['corpus-template.json', 'corpus-template.parameters.json'])
      copyFileSync(new URL(name, FIXTURES), join(bench.workspace, name));
  });
  afterAll(async () => {
    console.log(`Fault matrix (class × fault → outcome):\n${faultMatrixTable(CLASSES, FAULTS, matrix)}`);
    await bench?.stop();
  });

  const groupOf = (cls: CallClass): string => `rg-${cls.name.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  const vaults = () => bench.clients.factory.keyVault().vaults;
  const vaultName = async (group: string): Promise<string | undefined> => {
    for await (const vault of vaults().listByResourceGroup(group)) return vault.name;
    return undefined;
  };
  const deploy = (group: string, name: string, inputs: Record<string, string> = {}) =>
    bench.run({
      'resource-group': group,
      location: 'westeurope',
      template: 'corpus-template.json',
      parameters: 'corpus-template.parameters.json',
      'template-deployment-name': name,
      ...inputs
    });

  /** For `existing` classes: one clean deployment per class, and a policy someone added by hand. */
  async function prepare(cls: CallClass, group: string): Promise<void> {
    if (cls.setup !== 'existing' || prepared.has(group)) return;
    const run = canaries.watch(`${cls.name} setup`, await deploy(group, 'setup'), true);
    expect([run.exitCode, run.exitCode ? run.stdout.slice(-2000) : '']).toEqual([0, '']);
    await vaults().updateAccessPolicy(group, (await vaultName(group))!, 'add', {
      properties: { accessPolicies: [OUT_OF_BAND] }
    });
    prepared.add(group);
  }

  /** Succeeded means done: the group, the vault, its policies and the deployment are really there. */
  async function expectReallyDone(cls: CallClass, group: string, deployment: string): Promise<void> {
    const name = await vaultName(group);
    expect(name).toMatch(/^kv-corpus-/);
    const policies = ((await vaults().get(group, name!)).properties.accessPolicies ?? []) as PolicyEntry[];
    if (cls.setup === 'existing') expect(lostGrants([OUT_OF_BAND], policies)).toEqual([]);
    const recorded = await bench.clients.factory.deployments().deployments.get(group, deployment);
    expect(recorded.properties?.provisioningState).toBe('Succeeded');
  }

  /** The error annotation names the operation and a correlation id (`known` DEFECT cells: not the id). */
  function expectClearFailure(cls: CallClass, run: ActionRun, known?: string): void {
    const error = run.annotations
      .filter(a => a.level === 'error')
      .map(a => a.message)
      .join('\n');
    expect({
      failedStage: run.outputs['failed-stage'],
      namesOperation: cls.names.test(error) ? 'yes' : error,
      correlationId: known || (/correlation id/i.test(error) && GUID.test(error)) ? 'yes' : error
    }).toEqual({
      failedStage: expect.stringMatching(/^(sign-in|resource-group|infra)$/),
      namesOperation: 'yes',
      correlationId: 'yes'
    });
  }

  const cells = CLASSES.flatMap(cls =>
    FAULTS.map(fault => ({ cls, fault, key: `${cls.name} × ${fault.name}` }))
  );

  it.each(cells.map(c => [c.key, c] as const))('%s', async (key, { cls, fault }) => {
    const group = cls.setup === 'fresh' ? `${groupOf(cls)}-${FAULTS.indexOf(fault)}` : groupOf(cls);
    await prepare(cls, group);
    const deployment = `cell-${FAULTS.indexOf(fault)}`;
    faultsFor(cls, group, fault).forEach(f => bench.emulator.faults.add(f));
    bench.emulator.requestLog.clear();
    let run: ActionRun;
    try {
      run = canaries.watch(key, await deploy(group, deployment, fault.inputs), true);
    } finally {
      bench.emulator.faults.clear();
    }
    const hit = bench.emulator.requestLog.entries().some(e => e.fault !== undefined);
    matrix.set(key, 'BAD');
    expect({ key, faultHit: hit }).toEqual({ key, faultHit: true });
    const outcome: Outcome | 'unclear' =
      run.exitCode === 0 && run.outputs.status === 'succeeded'
        ? 'succeeded'
        : run.exitCode === 1 && run.outputs.status === 'failed'
          ? 'failed clearly'
          : 'unclear';
    expect({ key, outcome, log: outcome === 'unclear' ? run.stdout.slice(-2000) : '' }).not.toMatchObject({
      outcome: 'unclear'
    });
    if (outcome === 'succeeded') await expectReallyDone(cls, group, deployment);
    else expectClearFailure(cls, run, DEFECTS[key]);
    // A wait that cannot fit the deadline fails at once instead of sleeping until the job is killed.
    if (fault.inputs?.['timeout-minutes']) expect(run.durationMs).toBeLessThan(15_000);
    // Whatever happened, a policy that was there before the run is there after it.
    if (cls.setup === 'existing') {
      const policies = ((await vaults().get(group, (await vaultName(group))!)).properties.accessPolicies ??
        []) as PolicyEntry[];
      expect(lostGrants([OUT_OF_BAND], policies)).toEqual([]);
    }
    // A failed attempt leaves nothing a re-run of the same deployment cannot finish.
    if (outcome !== 'succeeded') {
      const again = canaries.watch(`${key} re-run`, await deploy(group, deployment), true);
      expect({ key, rerun: again.exitCode, log: again.exitCode ? again.stdout.slice(-2000) : '' }).toEqual({
        key,
        rerun: 0,
        log: ''
      });
      await expectReallyDone(cls, group, deployment);
    }
    matrix.set(key, outcome === 'succeeded' ? 'ok' : DEFECTS[key] ? 'failed, DEFECT' : 'failed ✓');
  });

  it('never shows the canary across all the faulted runs', () => {
    expect(canaries.count).toBeGreaterThanOrEqual(cells.length);
    expect(canaries.violations()).toEqual([]);
  });
});
