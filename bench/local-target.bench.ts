/**
 * How fast a broken scoring script is reported on the runner. For `target: local` and for preflight (cloud
 * target, before sign-in), time from spawning `node dist/index.js` (as the runner does) to the error
 * annotation on score.py's line, and to the step's exit. Median of BENCH_ROUNDS (default 5).
 * Target: the annotation within 10 s of the step start (issue 7).
 * Neither run needs Azure: preflight stops the run before its first request, so the inputs point at an
 * address nothing answers on.
 * Run: npm run bench -- local-target   (ACTION_DIST=<folder> to bench another bundle than dist/)
 */
import type { ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAction } from '../harness/run-action.js';
import { median } from './support/action-bench.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TARGET_MS = 10_000;
const FIXTURE = fileURLToPath(new URL('../__tests__/fixtures/ml-e2e/', import.meta.url));
const BROKEN_INIT =
  'import os\n\n\ndef init():\n    open(os.path.join(os.environ["AZUREML_MODEL_DIR"], "linear.json"))\n\n\ndef run(raw):\n    return raw\n';
const FILES = { 'endpoint-file': 'deploy/endpoint.yml', 'deployment-file': 'deploy/deployment.yml' };

const scenarios: Record<string, Record<string, string>> = {
  'target: local': { target: 'local', ...FILES },
  'preflight (target: azure)': {
    ...FILES,
    'subscription-id': '00000000-0000-0000-0000-000000000000',
    'resource-group': 'rg-bench',
    workspace: 'ws-bench',
    'arm-endpoint': 'https://127.0.0.1:9'
  }
};

/** Spawn → the `::error …file=src/score.py…` line, and spawn → exit, in milliseconds. */
async function measure(inputs: Record<string, string>): Promise<{ annotationMs: number; exitMs: number }> {
  const workspace = mkdtempSync(join(tmpdir(), 'bench-local-'));
  cpSync(FIXTURE, workspace, { recursive: true });
  writeFileSync(join(workspace, 'src', 'score.py'), BROKEN_INIT);
  let spawnedAt = 0;
  let annotatedAt = 0;
  const watch = (child: ChildProcess): void => {
    spawnedAt = performance.now();
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (!annotatedAt && /^::error [^\n]*file=src\/score\.py,line=5/m.test(buffered))
        annotatedAt = performance.now();
    });
  };
  const run = await runAction({ inputs, workspace, onStart: watch, killAfterMs: 60_000 });
  const exitMs = performance.now() - spawnedAt;
  if (run.exitCode !== 1 || !annotatedAt)
    throw new Error(
      `expected a failed step with an annotation on src/score.py:5; got exit ${run.exitCode}\n${run.stdout}`
    );
  return { annotationMs: annotatedAt - spawnedAt, exitMs };
}

let failed = false;
for (const [name, inputs] of Object.entries(scenarios)) {
  const annotation: number[] = [];
  const exit: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const timing = await measure(inputs);
    annotation.push(timing.annotationMs);
    exit.push(timing.exitMs);
  }
  const ok = median(annotation) <= TARGET_MS;
  failed ||= !ok;
  console.log(
    `${name}: annotation on score.py:5 after ${Math.round(median(annotation))} ms (median of ${ROUNDS}; max ${Math.round(Math.max(...annotation))} ms), step exit after ${Math.round(median(exit))} ms — target ≤ ${TARGET_MS} ms: ${ok ? 'met' : 'MISSED'}`
  );
}
process.exitCode = failed ? 1 : 0;
