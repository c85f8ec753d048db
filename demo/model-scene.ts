import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { outOfBandClients, postScoring } from '../harness/azure-clients.js';
import { runAction, type ActionRun } from '../harness/run-action.js';
import type { DemoStage, Scene, SceneResult } from './scene.js';

const RESOURCE_GROUP = 'rg-demo-mlops';
/** The workspace examples/infra/ml-workspace.json creates (`mlw-<prefix>`, output `workspaceName`). */
const WORKSPACE = 'mlw-mlops';
const SCRIPT = 'src/score.py';

/** The model step of examples/workflows/deploy-on-pr.yml (health gate included), pointed at the stand-in. */
function deployModel(stage: DemoStage, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: {
      ...stage.azureInputs,
      'resource-group': RESOURCE_GROUP,
      workspace: WORKSPACE,
      'endpoint-file': 'deploy/endpoint.yml',
      'deployment-file': 'deploy/deployment.yml',
      traffic: 'blue-green',
      'sample-request': 'sample-request.json',
      'expected-response': 'expected-response.json',
      'health-requests': '10',
      // The stand-in's storage is Azurite behind its HTTPS proxy, not <account>.blob.core.windows.net.
      'blob-endpoint': stage.emulator.facts.blobEndpoint,
      'timeout-minutes': '3',
      ...extra
    },
    env: stage.runnerEnv,
    workspace: stage.workspace
  });
}

/**
 * A typo a reviewer easily misses: init() opens a file the model folder does not have. The container starts,
 * init() raises FileNotFoundError, the container restarts until Azure gives up — the classic crash loop.
 * Returns the line of the failing `open(` in the broken script, where the traceback must point.
 */
function breakScoringScript(workspace: string): number {
  const file = join(workspace, SCRIPT);
  const broken = readFileSync(file, 'utf8').replace('"linear.json"', '"weights.json"');
  writeFileSync(file, broken);
  return broken.split('\n').findIndex(line => line.includes('with open(path')) + 1;
}

interface EndpointView {
  traffic: Record<string, number>;
  predictions: unknown;
}

/** The endpoint as its users see it: Azure's traffic map (`onlineEndpoints.get`) and the answer to a request. */
async function endpointView(stage: DemoStage, endpoint: string): Promise<EndpointView> {
  if (!endpoint) return { traffic: {}, predictions: 'no endpoint' };
  const clients = outOfBandClients(stage.emulator);
  try {
    const ml = clients.factory.machineLearning();
    const found = await ml.onlineEndpoints.get(RESOURCE_GROUP, WORKSPACE, endpoint);
    const keys = await ml.onlineEndpoints.listKeys(RESOURCE_GROUP, WORKSPACE, endpoint);
    const request: unknown = JSON.parse(readFileSync(join(stage.workspace, 'sample-request.json'), 'utf8'));
    const reply = await postScoring(stage.emulator, found.properties.scoringUri!, keys.primaryKey!, request);
    return {
      traffic: found.properties.traffic ?? {},
      predictions: reply.status === 200 ? JSON.parse(reply.text) : `HTTP ${reply.status}: ${reply.text}`
    };
  } catch (error) {
    // A scene reports what it saw; an endpoint that cannot be read fails its checks, not the whole demo.
    return { traffic: {}, predictions: `unreadable: ${(error as Error).message}` };
  } finally {
    clients.dispose();
  }
}

function stagesOf(run: ActionRun): string {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; status: string }[];
  return stages
    .filter(stage => stage.status !== 'succeeded')
    .map(stage => `${stage.name}: ${stage.status}`)
    .join(', ');
}

/** A message cut to fit a digest line, absolute paths in it shortened to their last two parts. */
function shorten(text = '', max = 100): string {
  const short = text.replace(/'\/[^']*\/([^/']+\/[^/']+)'/g, "'…/$1'");
  return short.length <= max ? short : `${short.slice(0, max - 1)}…`;
}

const show = (traffic: Record<string, number>): string =>
  Object.entries(traffic)
    .map(([name, percent]) => `${name} ${percent}%`)
    .join(', ') || 'none';

/** The error annotation on the scoring script, as the pull request shows it: `src/score.py:17`. */
function scriptAnnotation(run: ActionRun): string {
  const annotation = run.annotations.find(a => a.level === 'error' && a.properties.file === SCRIPT);
  return annotation
    ? `${annotation.properties.file}:${annotation.properties.line}`
    : 'no annotation on the script';
}

/**
 * Scene 4: a healthy deployment serves; a broken score.py is caught on the runner before anything is uploaded
 * (preflight), and, with preflight off, diagnosed in Azure from its crash loop; traffic never moves to it.
 */
export const brokenScoringScriptScene: Scene = {
  title:
    'a broken score.py: caught before upload, then diagnosed from its crash loop in Azure; traffic stays on the healthy one',
  async play(stage): Promise<SceneResult> {
    const expected: unknown = JSON.parse(
      readFileSync(join(stage.workspace, 'expected-response.json'), 'utf8')
    );
    const healthy = await deployModel(stage);
    const blue = healthy.outputs['deployment-name'] ?? '';
    const endpoint = healthy.outputs['endpoint-name'] ?? '';
    const before = healthy.exitCode === 0 ? await endpointView(stage, endpoint) : undefined;
    const latency = (JSON.parse(healthy.outputs['health-report'] || '{}') as { latencyMs?: { p95?: number } })
      .latencyMs;

    const brokenLine = breakScoringScript(stage.workspace);
    const writesBefore = stage.emulator.requestLog.writes().length;
    const caught = await deployModel(stage);
    const writesByCaught = stage.emulator.requestLog.writes().length - writesBefore;
    // As if the script needed something only the cloud image has: preflight off, the deployment runs in Azure.
    const broken = await deployModel(stage, { preflight: 'false' });
    const green = broken.outputs['deployment-name'] ?? '';
    const after = await endpointView(stage, endpoint);
    const expectedAt = `${SCRIPT}:${brokenLine}`;
    return {
      runs: [healthy, caught, broken],
      digest: [
        `healthy: ${blue} serves (${show(before?.traffic ?? {})}); health gate healthy=${healthy.outputs.healthy}, p95 ${latency?.p95 ?? '?'} ms; ${JSON.stringify(before?.predictions)}`,
        `broken score.py, preflight: failed-stage=${caught.outputs['failed-stage']} after ${(caught.durationMs / 1000).toFixed(1)} s, ${writesByCaught} write(s) to Azure, annotation → ${scriptAnnotation(caught)}`,
        `broken score.py, preflight off: failed-stage=${broken.outputs['failed-stage']} (${stagesOf(broken)}) after ${(broken.durationMs / 1000).toFixed(1)} s, annotation → ${scriptAnnotation(broken)}`,
        shorten(broken.annotations.find(a => a.properties.file === SCRIPT)?.message.split('\n')[0], 110),
        `after: ${show(after.traffic)} (onlineEndpoints.get); the endpoint answers ${JSON.stringify(after.predictions)}`
      ],
      checks: [
        {
          expectation:
            'the healthy model deploys, passes the health gate and answers the sample request as expected-response.json',
          ok:
            healthy.exitCode === 0 &&
            healthy.outputs.healthy === 'true' &&
            JSON.stringify(before?.traffic) === JSON.stringify({ [blue]: 100 }) &&
            JSON.stringify(before?.predictions) === JSON.stringify(expected),
          detail: healthy.visibleLog.slice(-800)
        },
        {
          expectation: `preflight stops the broken script on the runner, annotated at ${expectedAt}, with nothing written to Azure`,
          ok:
            caught.exitCode === 1 &&
            caught.outputs['failed-stage'] === 'preflight' &&
            scriptAnnotation(caught) === expectedAt &&
            writesByCaught === 0,
          detail: `${scriptAnnotation(caught)}; ${writesByCaught} write(s); ${caught.visibleLog.slice(-600)}`
        },
        {
          expectation: `without preflight, the crash loop in Azure fails the deployment stage, annotated at ${expectedAt}`,
          ok:
            broken.exitCode === 1 &&
            broken.outputs['failed-stage'] === 'deployment' &&
            green !== blue &&
            scriptAnnotation(broken) === expectedAt &&
            broken.summary.includes('FileNotFoundError'),
          detail: `${scriptAnnotation(broken)}; ${broken.visibleLog.slice(-600)}`
        },
        {
          expectation: 'the job summary names the failed stage and says traffic was not moved',
          ok:
            /Failed stage:\*\* `deployment`/.test(broken.summary) &&
            broken.summary.includes('Traffic was not moved'),
          detail: broken.summary.slice(0, 600)
        },
        {
          expectation: `traffic stays 100% on ${blue}, which still answers as expected-response.json`,
          ok:
            after.traffic[blue] === 100 &&
            (after.traffic[green] ?? 0) === 0 &&
            JSON.stringify(after.predictions) === JSON.stringify(expected),
          detail: `${show(after.traffic)}; ${JSON.stringify(after.predictions)}`
        }
      ]
    };
  }
};
