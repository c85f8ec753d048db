/**
 * The action against `az deployment group create` (azure-cli 2.45, Debian's, unpacked by
 * scripts/azure-cli.sh) on the same stand-in, in the same run, the two commands alternating round by round
 * (medians of BENCH_ROUNDS, default 3):
 * - first deployment of an ML workspace template with its key vault, storage and Application Insights;
 * - the same template again, unchanged (goal: 0 writes and ≤ 0.6× az's wall time);
 * - a re-deploy of a template with BENCH_VAULTS (default 800) vaults, changed so the Key Vault guard must
 *   read every vault's policies: read requests, and wall time against the same re-deploy with
 *   `key-vault-policy: off` (a plain deployment; goal ≤ 20 reads and ≤ 2×).
 * The stand-in runs with Azurite: the workspace creates its blob containers.
 * Where az cannot be unpacked (no apt), it says so and prints the action's figures alone.
 * BENCH_LATENCY=azure runs the stand-in with its realistic latency profile (BENCH_LATENCY_SCALE, default
 * 1/60) and prints the raw medians, from which two runs at different scales project Azure's wall times.
 * Run: npm run bench -- versus-az   (or: npx tsx bench/versus-az.bench.ts)
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestLogEntry } from '../emulator/index.js';
import { startAzureStandIn, type AzureStandIn } from '../emulator/stand-in.js';
import { DEFAULT_LATENCY_SCALE } from '../emulator/latency-profile.js';
import { outOfBandClients } from '../harness/azure-clients.js';
import {
  AzSession,
  ensureAzureCli,
  startManagedIdentityEndpoint
} from '../__tests__/conformance/support/azure-cli.js';
import { assertSucceeded, median, runAgainst, table, verdict } from './support/action-bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VAULTS = Number(process.env.BENCH_VAULTS ?? 800);
const LATENCY = process.env.BENCH_LATENCY === 'azure';
/** Azure seconds → stand-in seconds (default: the profile's 1/60); BENCH_LATENCY_SCALE=0.01 for 1/100. */
const SCALE = Number(process.env.BENCH_LATENCY_SCALE ?? DEFAULT_LATENCY_SCALE);
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Measured {
  ms: number;
  requests: number;
  writes: number;
  vaultReads: number;
}

const traffic = (log: RequestLogEntry[]): Omit<Measured, 'ms'> => {
  const azure = log.filter(e => e.service === 'arm');
  return {
    requests: azure.length,
    writes: azure.filter(e => e.write).length,
    vaultReads: azure.filter(
      e => e.method === 'GET' && /\/providers\/Microsoft\.KeyVault\/vaults/i.test(e.path)
    ).length
  };
};

async function measure(standIn: AzureStandIn, command: () => Promise<void>): Promise<Measured> {
  standIn.requestLog.clear();
  const started = performance.now();
  await command();
  const ms = performance.now() - started;
  return { ms, ...traffic(standIn.requestLog.entries()) };
}

/** `az` logged in to the stand-in through a managed-identity endpoint, or why that was not possible. */
async function azAgainst(
  standIn: AzureStandIn
): Promise<{ az?: AzSession; stop(): Promise<void>; why?: string }> {
  let path: string;
  try {
    path = await ensureAzureCli();
  } catch (error) {
    return { stop: async () => {}, why: (error as Error).message.split('\n')[0] };
  }
  const msi = await startManagedIdentityEndpoint(standIn);
  const az = await AzSession.open(path, standIn.facts, msi.url);
  const arm = `${standIn.facts.armEndpoint}/`;
  // As the conformance suite registers it: explicit endpoints (the stand-in's metadata endpoint wants a token).
  const steps = [
    [
      'cloud',
      'register',
      '-n',
      'StandIn',
      '--endpoint-resource-manager',
      arm,
      '--endpoint-management',
      arm,
      '--endpoint-active-directory',
      standIn.facts.authorityHost,
      '--endpoint-active-directory-resource-id',
      arm,
      '--endpoint-active-directory-graph-resource-id',
      arm,
      '--suffix-keyvault-dns',
      '.vault.azure.net',
      '--suffix-storage-endpoint',
      'core.windows.net'
    ],
    ['cloud', 'set', '-n', 'StandIn'],
    ['login', '--identity']
  ];
  for (const args of steps) {
    const result = await az.run(...args);
    if (result.code !== 0) throw new Error(`az ${args.join(' ')} failed: ${result.stderr}`);
  }
  return {
    az,
    stop: async () => {
      await az.close();
      await msi.stop();
    }
  };
}

async function azDeploy(az: AzSession, group: string, template: string, parameters: string[]): Promise<void> {
  const args = ['deployment', 'group', 'create', '-g', group, '-n', 'bench', '-f', template];
  if (parameters.length > 0) args.push('-p', ...parameters);
  const result = await az.run(...args);
  if (result.code !== 0) throw new Error(`az deployment group create failed: ${result.stderr}`);
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/**
 * An upper bound of the wall time a user would see in Azure: the stand-in's latencies are Azure's × the scale,
 * but dividing the whole wall time by it also multiplies the process's own work. Two runs at different
 * scales separate the two (docs/performance.md: wall = own work + Azure latency × scale).
 */
const projected = (ms: number): string => (LATENCY ? ` (÷ scale: ≤ ${seconds(ms / SCALE)})` : '');
const summary = (runs: Measured[]): Measured => ({
  ms: median(runs.map(r => r.ms)),
  requests: median(runs.map(r => r.requests)),
  writes: Math.max(...runs.map(r => r.writes)),
  vaultReads: median(runs.map(r => r.vaultReads))
});

const standIn = await startAzureStandIn({
  ...(LATENCY ? { latency: { profile: 'azure' as const, scale: SCALE } } : {})
});
const clients = outOfBandClients(standIn);
const azure = await azAgainst(standIn);
const rows: string[][] = [['figure', 'action', 'az (same stand-in, same run)', 'goal', '']];
let ok = true;
try {
  if (azure.why) console.log(`az is not available (${azure.why}): the action's figures alone.`);
  const workspace = mkdtempSync(join(tmpdir(), 'bench-versus-az-'));
  cpSync(join(FIXTURES, 'ml-workspace-vault.json'), join(workspace, 'ml-workspace-vault.json'));
  const group = async (name: string): Promise<string> => {
    await clients.factory.resources().resourceGroups.createOrUpdate(name, { location: 'westeurope' });
    return name;
  };
  const actionDeploy = async (rg: string, inputs: Record<string, string> = {}): Promise<void> => {
    const run = await runAgainst(standIn, workspace, {
      'resource-group': rg,
      location: 'westeurope',
      template: 'ml-workspace-vault.json',
      ...inputs
    });
    assertSucceeded(`action into ${rg}`, run);
  };

  const first = { action: [] as Measured[], az: [] as Measured[] };
  const again = { action: [] as Measured[], az: [] as Measured[] };
  for (let round = 1; round <= ROUNDS; round++) {
    const actionGroup = await group(`rg-vs-action-${round}`);
    const azGroup = await group(`rg-vs-az-${round}`);
    const template = join(workspace, 'ml-workspace-vault.json');
    const runs: [keyof typeof first, () => Promise<void>][] = [
      ['action', () => actionDeploy(actionGroup)],
      ...(azure.az
        ? [
            ['az', () => azDeploy(azure.az!, azGroup, template, [])] as [
              keyof typeof first,
              () => Promise<void>
            ]
          ]
        : [])
    ];
    // Alternate which goes first, so neither always meets a warmer stand-in.
    if (round % 2 === 0) runs.reverse();
    for (const [who, command] of runs) first[who].push(await measure(standIn, command));
    for (const [who, command] of runs) again[who].push(await measure(standIn, command));
  }
  const describe = (m: Measured): string =>
    `${seconds(m.ms)}${projected(m.ms)}, ${m.requests} requests, ${m.writes} writes`;
  const firstAction = summary(first.action);
  const againAction = summary(again.action);
  const firstAz = first.az.length ? summary(first.az) : undefined;
  const againAz = again.az.length ? summary(again.az) : undefined;
  const firstMet = !firstAz || firstAction.ms <= 1.1 * firstAz.ms;
  const againMet = againAction.writes === 0 && (!againAz || againAction.ms <= 0.6 * againAz.ms);
  rows.push([
    'first deployment, ML workspace + vault',
    describe(firstAction),
    firstAz ? `${describe(firstAz)}; ratio ${(firstAction.ms / firstAz.ms).toFixed(2)}×` : 'n/a',
    '≤ 1.1× az',
    firstMet ? 'PASS' : 'MISS'
  ]);
  rows.push([
    'the same template again, unchanged',
    describe(againAction),
    againAz ? `${describe(againAz)}; ratio ${(againAction.ms / againAz.ms).toFixed(2)}×` : 'n/a',
    '0 writes, ≤ 0.6× az',
    againMet ? 'PASS' : 'MISS'
  ]);
  ok = firstMet && againMet;

  console.log(
    `raw medians (ms) at scale ${LATENCY ? SCALE : 'none'}: action first ${firstAction.ms.toFixed(0)}, az first ${firstAz?.ms.toFixed(0) ?? 'n/a'}, ` +
      `action again ${againAction.ms.toFixed(0)}, az again ${againAz?.ms.toFixed(0) ?? 'n/a'}`
  );
  // Many vaults: deployed once (untimed), then re-deployed with a changed tag so the guard has work to do.
  const vaultsGroup = await group('rg-vs-vaults');
  const manyVaults = (tag: string): Record<string, string> => {
    const template = JSON.parse(readFileSync(join(FIXTURES, 'many-vaults.json'), 'utf8')) as {
      resources: { tags?: Record<string, string> }[];
    };
    template.resources[0]!.tags = { bench: tag };
    writeFileSync(join(workspace, 'many-vaults.json'), JSON.stringify(template));
    return { template: 'many-vaults.json', parameters: `count=${VAULTS}` };
  };
  if (VAULTS > 0) await actionDeploy(vaultsGroup, manyVaults('initial'));
  const guarded: Measured[] = [];
  const plain: Measured[] = [];
  for (let round = 1; VAULTS > 0 && round <= ROUNDS; round++) {
    const pair: [Measured[], () => Promise<void>][] = [
      [
        guarded,
        () => actionDeploy(vaultsGroup, { ...manyVaults(`g${round}`), 'key-vault-policy': 'preserve' })
      ],
      [plain, () => actionDeploy(vaultsGroup, { ...manyVaults(`p${round}`), 'key-vault-policy': 'off' })]
    ];
    if (round % 2 === 0) pair.reverse();
    for (const [into, command] of pair) into.push(await measure(standIn, command));
  }
  const guardedMedian = VAULTS > 0 ? summary(guarded) : undefined;
  const plainMedian = VAULTS > 0 ? summary(plain) : undefined;
  const vaultsMet =
    !guardedMedian ||
    !plainMedian ||
    (guardedMedian.vaultReads <= 20 && guardedMedian.ms <= 2 * plainMedian.ms);
  if (guardedMedian && plainMedian)
    rows.push([
      `re-deploy of ${VAULTS} vaults (guard on)`,
      `${seconds(guardedMedian.ms)}${projected(guardedMedian.ms)}, ${guardedMedian.vaultReads} vault reads, ${guardedMedian.requests} requests`,
      `plain (key-vault-policy: off): ${seconds(plainMedian.ms)}, ${plainMedian.vaultReads} vault reads; ratio ${(guardedMedian.ms / plainMedian.ms).toFixed(2)}×`,
      '≤ 20 reads, ≤ 2× plain',
      vaultsMet ? 'PASS' : 'MISS'
    ]);
  ok = ok && vaultsMet;
  console.log(
    `stand-in: ${LATENCY ? `latency profile 'azure' (scale ${SCALE.toFixed(4)})` : 'default timings'}; medians of ${ROUNDS}`
  );
  console.log(table(rows));
  verdict('action against az on the same stand-in', ok, ok ? 'all rows met' : 'a row missed', 'every row');
  process.exitCode = ok ? 0 : 1;
} finally {
  await azure.stop();
  clients.dispose();
  await standIn.stop();
}
