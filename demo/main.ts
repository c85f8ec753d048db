import { randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAzureStandIn } from '../emulator/stand-in.js';
import { renderSummaryPage } from '../harness/render-summary.js';
import { describeProcesses, descendantsOf, stillRunning, type StartedProcess } from './processes.js';
import type { DemoStage, Scene } from './scene.js';
import { SCENES } from './scenes.js';

/**
 * `npm run demo`: starts the local Azure stand-in, runs the bundled action (dist/index.js) through each scene
 * as the GitHub runner would, prints a digest per scene, writes each job summary to .demo/ as markdown and as
 * a rendered page, and exits 0 only when every scene behaved as expected. Every process it starts is stopped.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, '.demo');

async function main(): Promise<number> {
  const started = Date.now();
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const workspace = mkdtempSync(join(tmpdir(), 'demo-workspace-'));
  cpSync(join(ROOT, 'examples'), workspace, { recursive: true });
  // tsx's own esbuild service is a child too, and outlives main(): only what the demo starts is counted.
  const before = new Set(descendantsOf().map(p => p.pid));
  // Scene 4's crash loop: Azure retries a crashing container for minutes before it gives up; so does the
  // stand-in here (2 minutes), and the action stops waiting at the second identical crash.
  const emulator = await startAzureStandIn({
    knobs: { mlImageBuildMs: 300, mlCrashLoopWindowMs: 120_000, mlCrashLoopBackoffMs: 200 }
  });
  const stage: DemoStage = {
    emulator,
    workspace,
    azureInputs: {
      'subscription-id': emulator.facts.subscriptionId,
      'tenant-id': emulator.facts.tenantId,
      'client-id': emulator.facts.clientId,
      'arm-endpoint': emulator.facts.armEndpoint,
      'authority-host': emulator.facts.authorityHost
    },
    secret: `demo-secret-${randomBytes(6).toString('hex')}`,
    runnerEnv: {
      NODE_EXTRA_CA_CERTS: emulator.facts.caCertPath,
      ACTIONS_ID_TOKEN_REQUEST_URL: emulator.facts.idTokenRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: emulator.facts.idTokenRequestToken
    }
  };
  let failures = 0;
  const children: StartedProcess[] = [];
  try {
    for (const [index, scene] of SCENES.entries()) {
      failures += (await playScene(index + 1, scene, stage)) ? 0 : 1;
      const known = new Set([...before, ...children.map(p => p.pid)]);
      children.push(...descendantsOf().filter(p => !known.has(p.pid)));
    }
  } finally {
    await emulator.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
  const left = await stillRunning(children);
  console.log(
    left.length === 0
      ? `\n✔ every process the demo started has stopped (${describeProcesses(children)})`
      : `\n✘ still running after the demo: ${left.map(p => `${p.command} (pid ${p.pid})`).join(', ')}`
  );
  const stopped = left.length === 0;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\n${failures === 0 ? '✅ every scene behaved as expected' : `❌ ${failures} scene(s) misbehaved`} (${seconds} s). Summaries: .demo/`
  );
  return failures === 0 && stopped ? 0 : 1;
}

async function playScene(number: number, scene: Scene, stage: DemoStage): Promise<boolean> {
  console.log(`\n── Scene ${number}: ${scene.title}`);
  stage.emulator.requestLog.clear();
  const result = await scene.play(stage);
  for (const line of result.digest) console.log(`   ${line}`);
  for (const check of result.checks) {
    console.log(
      `   ${check.ok ? '✔' : '✘'} ${check.expectation}${check.ok || !check.detail ? '' : ` — ${check.detail}`}`
    );
  }
  result.runs.forEach((run, i) => {
    const name = `${String(number).padStart(2, '0')}-run${i + 1}`;
    writeFileSync(join(OUT, `${name}.md`), run.summary);
    writeFileSync(
      join(OUT, `${name}.html`),
      readablePage(renderSummaryPage(run.summary, `Scene ${number}: ${scene.title}`))
    );
  });
  return result.checks.every(check => check.ok);
}

/**
 * GitHub scrolls a wide code block sideways; a picture of the page (scripts/render-summaries.sh) cannot, so
 * long lines wrap here, and names such as `kv-mlops-aq2tr7` are not split at their hyphens.
 */
function readablePage(html: string): string {
  const style =
    '<style>pre { white-space: pre-wrap; overflow-wrap: anywhere; } :not(pre) > code { white-space: nowrap; }</style>';
  return html.replace('</head>', `${style}</head>`);
}

process.exitCode = await main();
