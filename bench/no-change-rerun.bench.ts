/**
 * The full pipeline — an infra template with a Key Vault (in one variant also a secret from a securestring,
 * whose value ARM never returns, so the template deployment is always sent again), then the staged
 * model deployment (model, environment, code, endpoint, deployment, traffic) from az ml files into a workspace,
 * as __tests__/e2e/ml-deployment.test.ts drives it — run twice against the local stand-in with its default
 * timings: a first run, then an immediate re-run with nothing changed. The resource group and the workspace
 * are created beforehand out of band, as in the e2e test: the stand-in's ML provider serves a workspace it
 * created itself (with its default datastore), not one a template deployment stored. Prints
 * - the wall time of both and their ratio (target: re-run ≤ 15% of the first run),
 * - the write requests of the re-run (target: 0 without secure parameters; 1, the template deployment, with),
 * - the ARM requests of the first (full) deployment counted by method and resource type, to keep throttling
 *   headroom visible (ARM's classic limits: 1,200 writes and 12,000 reads an hour per subscription and
 *   principal).
 * BENCH_ROUNDS (default 3) pairs, each into a fresh group and workspace; the ratio is their median.
 * Exits 1 when a target is missed.
 * Run: npm run bench -- no-change-rerun   (or: npx tsx bench/no-change-rerun.bench.ts)
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator, RequestLogEntry } from '../emulator/index.js';
import { startAzureStandIn } from '../emulator/stand-in.js';
import { outOfBandClients } from '../harness/azure-clients.js';
import type { ActionRun } from '../harness/run-action.js';
import { assertSucceeded, median, runAgainst, table, verdict } from './support/action-bench.js';

const FIXTURES = fileURLToPath(new URL('../__tests__/fixtures/', import.meta.url));

/** `GET Microsoft.KeyVault/vaults`, `PUT …/onlineEndpoints/deployments`, `POST …/listSecrets`, `GET (LRO poll)`. */
export function requestType(entry: RequestLogEntry): string {
  if (entry.service === 'blob') return `${entry.method} blob`;
  if (entry.service !== 'arm') return `${entry.method} ${entry.service}`;
  const path = entry.path;
  if (
    /\/(operationStatuses|operationResults|mfeOperationsStatus|mfeOperationResults)\//i.test(path) ||
    /\/operations\/[^/]+$/i.test(path)
  )
    return `${entry.method} (LRO poll)`;
  const providers = path.split(/\/providers\//i);
  if (providers.length < 2) {
    return `${entry.method} ${/\/resourcegroups\/[^/]+$/i.test(path) ? 'Microsoft.Resources/resourceGroups' : path.replace(/^\/subscriptions\/[^/]+/, '/subscriptions/…')}`;
  }
  // Provider namespace, then every second segment (the types); a trailing odd segment is an action (POST).
  const segments = providers[providers.length - 1]!.split('/').filter(Boolean);
  const namespace = segments[0]!;
  const rest = segments.slice(1);
  const types: string[] = [];
  for (let i = 0; i < rest.length; i += 2) types.push(rest[i]!);
  const action = rest.length % 2 === 1 && entry.method === 'POST' ? ` → ${types.pop()}` : '';
  return `${entry.method} ${namespace}/${types.join('/')}${action}`;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface Round {
  first: ActionRun;
  again: ActionRun;
  firstLog: RequestLogEntry[];
  againLog: RequestLogEntry[];
}

/** The reliability corpus template, with or without its securestring parameter and the secret that uses it. */
interface Variant {
  label: string;
  secure: boolean;
}
const VARIANTS: Variant[] = [
  { label: 'no secure parameters', secure: false },
  { label: 'with a securestring parameter', secure: true }
];

function withoutSecrets(workspace: string): void {
  const template = JSON.parse(
    readFileSync(join(workspace, 'corpus-template.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '')
  ) as { parameters: Record<string, unknown>; resources: { type: string }[] };
  delete template.parameters.adminPassword;
  template.resources = template.resources.filter(r => r.type !== 'Microsoft.KeyVault/vaults/secrets');
  writeFileSync(join(workspace, 'corpus-template.json'), JSON.stringify(template, null, 2));
  writeFileSync(
    join(workspace, 'corpus-template.parameters.json'),
    JSON.stringify({ parameters: { prefix: { value: 'corpus' } } })
  );
}

/** One pair of runs into a fresh resource group and workspace (so the first run really starts from nothing). */
async function round(
  emulator: Emulator,
  clients: ReturnType<typeof outOfBandClients>,
  n: number,
  variant: Variant
): Promise<Round> {
  const group = `rg-bench-rerun-${variant.secure ? 's' : 'p'}${n}`;
  const ws = `ws-bench-rerun-${variant.secure ? 's' : 'p'}${n}`;
  await clients.factory.resources().resourceGroups.createOrUpdate(group, { location: 'westeurope' });
  await clients.factory
    .machineLearning()
    .workspaces.beginCreateOrUpdateAndWait(group, ws, { location: 'westeurope' }, { updateIntervalInMs: 50 });
  const workspace = mkdtempSync(join(tmpdir(), 'bench-rerun-'));
  cpSync(join(FIXTURES, 'ml-e2e'), workspace, { recursive: true });
  for (const file of ['corpus-template.json', 'corpus-template.parameters.json'])
    cpSync(join(FIXTURES, 'reliability', file), join(workspace, file));
  if (!variant.secure) withoutSecrets(workspace);
  const inputs = {
    'resource-group': group,
    location: 'westeurope',
    template: 'corpus-template.json',
    parameters: 'corpus-template.parameters.json',
    workspace: ws,
    'endpoint-file': 'deploy/endpoint.yml',
    'deployment-file': 'deploy/deployment.yml',
    'blob-endpoint': emulator.facts.blobEndpoint,
    'timeout-minutes': '5'
  };
  emulator.requestLog.clear();
  const first = await runAgainst(emulator, workspace, inputs);
  assertSucceeded(`round ${n}: first run`, first);
  const firstLog = emulator.requestLog.entries().filter(e => e.service !== 'control');
  emulator.requestLog.clear();
  const again = await runAgainst(emulator, workspace, inputs);
  assertSucceeded(`round ${n}: no-change re-run`, again);
  const againLog = emulator.requestLog.entries().filter(e => e.service !== 'control');
  return { first, again, firstLog, againLog };
}

/** `stages` output → name → duration. */
function stageDurations(run: ActionRun): Map<string, number> {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; durationMs: number }[];
  return new Map(stages.map(stage => [stage.name, stage.durationMs]));
}

function requestTable({ firstLog, againLog }: Round): string {
  const counts = new Map<string, { first: number; again: number }>();
  for (const [log, key] of [
    [firstLog, 'first'],
    [againLog, 'again']
  ] as const) {
    for (const entry of log) {
      const row = counts.get(requestType(entry)) ?? { first: 0, again: 0 };
      row[key]++;
      counts.set(requestType(entry), row);
    }
  }
  const arm = (log: RequestLogEntry[], writes = false): string =>
    String(log.filter(e => e.service === 'arm' && (!writes || e.write)).length);
  return table([
    ['request (method + resource type)', 'first run', 're-run'],
    ...[...counts.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, row]) => [type, String(row.first), String(row.again)]),
    ['ARM requests', arm(firstLog), arm(againLog)],
    ['ARM writes', arm(firstLog, true), arm(againLog, true)]
  ]);
}

/** Prints the figures of one variant; true when its targets are met. */
function report(rounds: Round[], variant: Variant): boolean {
  console.log('\nRequests of one full deployment (round 1), by type:');
  console.log(requestTable(rounds[0]!));

  const firstStages = stageDurations(rounds[0]!.first);
  const againStages = stageDurations(rounds[0]!.again);
  console.log('\nWhere the time goes (round 1, ms):');
  console.log(
    table([
      ['stage', 'first run', 're-run'],
      ...[...firstStages.keys()].map(name => [
        name,
        String(firstStages.get(name)),
        String(againStages.get(name) ?? '')
      ]),
      ['process (spawn → exit)', String(rounds[0]!.first.durationMs), String(rounds[0]!.again.durationMs)]
    ])
  );

  const ratios = rounds.map(r => r.again.durationMs / r.first.durationMs);
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `\nfirst runs ${rounds.map(r => seconds(r.first.durationMs)).join(', ')}; ` +
      `re-runs ${rounds.map(r => seconds(r.again.durationMs)).join(', ')}; ` +
      `ratios ${ratios.map(r => `${(r * 100).toFixed(1)}%`).join(', ')}`
  );
  const againWrites = rounds.flatMap(r => r.againLog.filter(e => e.write));
  const writesPerRerun = Math.max(...rounds.map(r => r.againLog.filter(e => e.write).length));
  if (againWrites.length > 0) {
    const distinct = [...new Set(againWrites.map(e => requestType(e)))];
    console.log(`re-run writes: ${distinct.join('; ')}`);
  }
  const ratio = median(ratios);
  // A securestring's value cannot be compared (ARM never returns it): its template deployment is always sent.
  const allowedWrites = variant.secure ? 1 : 0;
  return [
    verdict('re-run / first run wall time (median)', ratio <= 0.15, `${(ratio * 100).toFixed(1)}%`, '≤ 15%'),
    verdict(
      'write requests of a re-run (most in any round)',
      writesPerRerun <= allowedWrites,
      String(writesPerRerun),
      String(allowedWrites)
    )
  ].every(Boolean);
}

const emulator = await startAzureStandIn();
const clients = outOfBandClients(emulator);
try {
  const knobs = Object.entries(emulator.knobs)
    .map(([name, value]) => `${name}=${value}`)
    .join(', ');
  console.log(`stand-in timings (defaults, the same for every run): ${knobs}`);
  let ok = true;
  for (const variant of VARIANTS) {
    console.log(`\n### Template ${variant.label}`);
    const rounds: Round[] = [];
    for (let n = 1; n <= ROUNDS; n++) rounds.push(await round(emulator, clients, n, variant));
    ok = report(rounds, variant) && ok;
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  clients.dispose();
  await emulator.stop();
}
