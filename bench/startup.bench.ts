/**
 * Start-up cost of the action: time from spawning `node dist/index.js` (as the runner does) to the first
 * request it sends to Azure — the stand-in's request log records when each request arrived — against
 * spawning `node -e 0` to its exit, the floor any JavaScript action pays. Median of BENCH_ROUNDS (default 5)
 * of each, interleaved so both see the same machine load. Target: ≤ 3× `node -e 0`.
 * "Azure request" = Entra token, ARM or blob; the GitHub OIDC ID-token request that precedes them is shown too.
 * Also prints the size of dist/ (what every workflow run downloads and parses; budget 2,048 KiB, checked in CI
 * by .ci/check-bundle-size).
 * The run itself is the cheapest real one: sign in and ensure a resource group.
 * Run: npm run bench -- startup   (or: npx tsx bench/startup.bench.ts)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureStandIn } from '../emulator/stand-in.js';
import { assertSucceeded, median, runAgainst, verdict } from './support/action-bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** The bundle runAgainst starts: dist/, or ACTION_DIST (e.g. an older build, for a before/after). */
const DIST = process.env.ACTION_DIST ?? fileURLToPath(new URL('../dist/', import.meta.url));

/** Milliseconds from spawn to exit of `node -e 0`. */
async function nodeFloorMs(): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise(resolve => child.on('close', resolve));
  return performance.now() - started;
}

function directoryBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, entry) =>
      sum +
      (entry.isDirectory() ? directoryBytes(join(dir, entry.name)) : statSync(join(dir, entry.name)).size),
    0
  );
}

const emulator = await startAzureStandIn({ blob: false });
const workspace = mkdtempSync(join(tmpdir(), 'bench-startup-'));
try {
  const floors: number[] = [];
  const toAzure: number[] = [];
  const toAny: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    floors.push(await nodeFloorMs());
    emulator.requestLog.clear();
    let spawnedAt = 0;
    const run = await runAgainst(
      emulator,
      workspace,
      { 'resource-group': `rg-startup-${round}`, location: 'westeurope' },
      () => {
        spawnedAt = Date.now();
      }
    );
    assertSucceeded(`round ${round}`, run);
    const arrivals = (services: string[]): number =>
      Math.min(
        ...emulator.requestLog
          .entries()
          .filter(e => services.includes(e.service))
          .map(e => Date.parse(e.time))
      ) - spawnedAt;
    toAzure.push(arrivals(['identity', 'arm', 'blob']));
    toAny.push(arrivals(['identity', 'arm', 'blob', 'github']));
  }
  const floor = median(floors);
  const first = median(toAzure);
  const ratio = first / floor;
  const bytes = directoryBytes(DIST);
  console.log(
    `node -e 0 (spawn → exit):                  median ${floor.toFixed(0)} ms  [${floors.map(v => v.toFixed(0)).join(', ')}]`
  );
  console.log(
    `action spawn → first request (OIDC token): median ${median(toAny).toFixed(0)} ms  [${toAny.join(', ')}]`
  );
  console.log(
    `action spawn → first Azure request:        median ${first.toFixed(0)} ms  [${toAzure.join(', ')}]`
  );
  console.log(
    `dist/: ${bytes} bytes (${(bytes / 1024 / 1024).toFixed(1)} MiB) in ${readdirSync(DIST).length} files`
  );
  verdict('dist/ size', bytes <= 2048 * 1024, `${Math.ceil(bytes / 1024)} KiB`, '≤ 2,048 KiB');
  const ok = verdict('first Azure request / node -e 0', ratio <= 3, `${ratio.toFixed(1)}×`, '≤ 3×');
  process.exitCode = ok ? 0 : 1;
} finally {
  await emulator.stop();
}
