/**
 * Time to diagnosis of a crash loop. The stand-in is set to keep a crash-looping deployment in progress for
 * 120 s after its first crash (mlCrashLoopWindowMs), as Azure keeps one for a long time, and the scoring
 * script's init() always raises. The action (`crash-loop: fail-fast`, the default) reads the container log while
 * it waits and stops at the repeated traceback. Prints, per round, the time from the first crash (the
 * timestamp of the inference server's "init function failed" record in the stand-in's log) to the action's exit,
 * and its ratio to the stand-in's LRO failure time, measured in the same run with `crash-loop: wait`
 * (BENCH_BASELINE=0 skips that 2-minute run and compares with the configured 120 s instead).
 * Targets: within 15 s of the first crash; ratio ≤ 1/8.
 * Run: npm run bench -- crash-loop   (or: npx tsx bench/crash-loop-diagnosis.bench.ts)
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../emulator/index.js';
import { startAzureStandIn } from '../emulator/stand-in.js';
import { outOfBandClients } from '../harness/azure-clients.js';
import { median, runAgainst, table, verdict } from './support/action-bench.js';

const FIXTURE = fileURLToPath(new URL('../__tests__/fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-bench-crash';
const WS = 'ws-bench-crash';
const WINDOW_MS = 120_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASELINE = process.env.BENCH_BASELINE !== '0';
const BROKEN_SCORE_PY =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';
/** `2026-11-25 12:36:27,881 E [18559] azmlinfsrv - User's init function failed`: the server's local time. */
const FIRST_CRASH =
  /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3}) E \[\d+\] azmlinfsrv - User's init function failed/m;

interface Measurement {
  endpoint: string;
  crashToExitMs: number;
  exitCode: number | null;
  failedStage: string;
  stateAtExit: string;
  diagnosed: boolean;
}

type Clients = ReturnType<typeof outOfBandClients>;

async function measure(
  emulator: Emulator,
  clients: Clients,
  endpoint: string,
  crashLoop: string
): Promise<Measurement> {
  const workspace = mkdtempSync(join(tmpdir(), 'bench-crash-'));
  cpSync(FIXTURE, workspace, { recursive: true });
  writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_SCORE_PY);
  const run = await runAgainst(emulator, workspace, {
    'resource-group': RG,
    workspace: WS,
    'endpoint-file': 'deploy/endpoint.yml',
    'deployment-file': 'deploy/deployment.yml',
    'endpoint-name': endpoint,
    'blob-endpoint': emulator.facts.blobEndpoint,
    'crash-loop': crashLoop,
    // The local preflight would catch this init() before anything is deployed; the crash loop is Azure's.
    preflight: 'false',
    'timeout-minutes': '5'
  });
  const exitedAt = Date.now();
  const ml = clients.factory.machineLearning();
  const deployments = [];
  for await (const deployment of ml.onlineDeployments.list(RG, WS, endpoint)) deployments.push(deployment);
  const deployment = deployments[0];
  if (!deployment)
    throw new Error(`No deployment was created on '${endpoint}':\n${run.visibleLog}\n${run.stderr}`);
  const log = await ml.onlineDeployments.getLogs(RG, WS, endpoint, deployment.name!, {
    containerType: 'InferenceServer'
  });
  const first = FIRST_CRASH.exec(log.content ?? '');
  if (!first) throw new Error(`The stand-in's log of '${endpoint}' shows no crash:\n${log.content}`);
  // Python's logging writes local time without a zone; Date parses such a string as local time too.
  const crashedAt = new Date(`${first[1]}T${first[2]}.${first[3]}`).getTime();
  const measurement = {
    endpoint,
    crashToExitMs: exitedAt - crashedAt,
    exitCode: run.exitCode,
    failedStage: run.outputs['failed-stage'] ?? '',
    stateAtExit: deployment.properties.provisioningState ?? '',
    diagnosed: /FileNotFoundError/.test(run.summary) && /src\/score\.py line 5/.test(run.summary)
  };
  // Stop the container loop so it does not take the CPU from the next round.
  await ml.onlineDeployments.beginDeleteAndWait(RG, WS, endpoint, deployment.name!, {
    updateIntervalInMs: 100
  });
  return measurement;
}

const emulator = await startAzureStandIn({ knobs: { mlCrashLoopWindowMs: WINDOW_MS } });
const clients = outOfBandClients(emulator);
try {
  console.log(
    `stand-in timings: ${Object.entries(emulator.knobs)
      .map(([name, value]) => `${name}=${value}`)
      .join(', ')}`
  );
  await clients.factory.resources().resourceGroups.createOrUpdate(RG, { location: 'westeurope' });
  await clients.factory
    .machineLearning()
    .workspaces.beginCreateOrUpdateAndWait(RG, WS, { location: 'westeurope' }, { updateIntervalInMs: 50 });
  const rounds: Measurement[] = [];
  for (let n = 1; n <= ROUNDS; n++)
    rounds.push(await measure(emulator, clients, `crash-ff-${n}`, 'fail-fast'));
  const baseline = BASELINE ? await measure(emulator, clients, 'crash-wait', 'wait') : undefined;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    table([
      [
        'run',
        'crash-loop',
        'first crash → exit',
        'exit',
        'failed stage',
        'deployment at exit',
        'traceback in summary'
      ],
      ...[...rounds, ...(baseline ? [baseline] : [])].map((m, i) => [
        m.endpoint,
        i < rounds.length ? 'fail-fast' : 'wait',
        seconds(m.crashToExitMs),
        String(m.exitCode),
        m.failedStage,
        m.stateAtExit,
        m.diagnosed ? 'yes' : 'no'
      ])
    ])
  );
  const diagnosis = median(rounds.map(m => m.crashToExitMs));
  const reference = baseline?.crashToExitMs ?? WINDOW_MS;
  const ratio = diagnosis / reference;
  console.log(
    `\nmedian time to diagnosis ${seconds(diagnosis)}; the stand-in's LRO failure time ${seconds(reference)} ` +
      `(${baseline ? "measured with 'crash-loop: wait'" : 'configured window'}); ratio 1/${(1 / ratio).toFixed(1)} ` +
      `(${ratio.toFixed(3)}); ratio to the configured ${seconds(WINDOW_MS)}: ${(diagnosis / WINDOW_MS).toFixed(3)}`
  );
  const ok = [
    verdict(
      'every fail-fast run failed the deployment stage with the traceback while the LRO still ran',
      rounds.every(
        m => m.exitCode === 1 && m.failedStage === 'deployment' && m.diagnosed && m.stateAtExit === 'Creating'
      ),
      rounds
        .map(m => `${m.failedStage}/${m.stateAtExit}/${m.diagnosed ? 'traceback' : 'no traceback'}`)
        .join(', '),
      'deployment/Creating/traceback'
    ),
    verdict(
      'time from the first crash to the diagnosis (median)',
      diagnosis <= 15_000,
      seconds(diagnosis),
      '≤ 15 s'
    ),
    verdict('ratio to the LRO failure time', ratio <= 1 / 8, ratio.toFixed(3), '≤ 0.125')
  ].every(Boolean);
  process.exitCode = ok ? 0 : 1;
} finally {
  clients.dispose();
  await emulator.stop();
}
