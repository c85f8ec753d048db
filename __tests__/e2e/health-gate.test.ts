import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { copyFileSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AzureStandIn } from '../../emulator/stand-in.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const ML_FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const HEALTH_FIXTURE = fileURLToPath(new URL('../fixtures/health/', import.meta.url));
const RG = 'rg-health';
const WS = 'ws-health';
const FILES = { 'endpoint-file': 'deploy/endpoint.yml', 'deployment-file': 'deploy/deployment.yml' };
/** The linear model's answer to samples/row.json: 2·1 − 1·2 + 0.5·3 + 1. */
const EXPECTED = '{"predictions": [2.5]}';

interface HealthReportOutput {
  healthy: boolean;
  requests: number;
  correct: number;
  statuses: Record<string, number>;
  throttled: Record<string, number>;
  latencyMs?: { p50: number; p95: number; max: number };
  capacity?: { required: number; instances: number; requestTimeMs: number; formula: string };
  failures: { sample: string; status: number; kind: string; message: string }[];
}

function stageStatuses(run: ActionRun): string[] {
  const stages = JSON.parse(run.outputs.stages ?? '[]') as { name: string; status: string }[];
  return stages.map(stage => `${stage.name}: ${stage.status}`);
}

function healthReport(run: ActionRun): HealthReportOutput {
  return JSON.parse(run.outputs['health-report'] ?? 'null') as HealthReportOutput;
}

describe('health gate (dist/index.js against the stand-in)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  let ml: AzureMachineLearningWorkspaces;
  let repository: string;

  beforeAll(async () => {
    standIn = await startMlStandIn(RG, WS);
    ({ emulator, ml } = standIn);
    repository = checkout();
  });
  afterAll(async () => {
    await standIn?.stop();
  });

  /** The linear model repository with the health fixtures (samples, scoring script variants) added. */
  function checkout(): string {
    const workspace = mkdtempSync(join(tmpdir(), 'health-e2e-'));
    cpSync(ML_FIXTURE, workspace, { recursive: true });
    cpSync(HEALTH_FIXTURE, workspace, { recursive: true });
    return workspace;
  }

  function useScript(workspace: string, script: string): void {
    copyFileSync(join(workspace, 'scripts', script), join(workspace, 'src', 'score.py'));
  }

  function deploy(workspace: string, inputs: Record<string, string>): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'timeout-minutes': '3',
        'sample-request': 'samples/row.json',
        ...inputs
      },
      env: runnerEnv(emulator.facts),
      workspace
    });
  }

  async function trafficOf(endpoint: string): Promise<Record<string, number>> {
    return (await ml.onlineEndpoints.get(RG, WS, endpoint)).properties.traffic ?? {};
  }

  it('a healthy deployment passes the gate: healthy=true, latency figures in outputs and summary, traffic moved', async () => {
    const run = await deploy(repository, {
      ...FILES,
      'expected-response': EXPECTED,
      'latency-budget-ms': '10000'
    });
    expect(run.stderr).toBe('');
    expect([run.exitCode, run.outputs.status, run.outputs.healthy]).toEqual([0, 'succeeded', 'true']);
    expect(stageStatuses(run).slice(-3)).toEqual([
      'deployment: succeeded',
      'health: succeeded',
      'traffic: succeeded'
    ]);
    const report = healthReport(run);
    expect(report).toMatchObject({
      healthy: true,
      requests: 5,
      correct: 5,
      statuses: { '200': 5 },
      failures: []
    });
    const { p50, p95, max } = report.latencyMs!;
    expect(0 < p50 && p50 <= p95 && p95 <= max).toBe(true);
    expect(run.summary).toContain('### Health check: ✅ healthy');
    expect(run.summary).toContain(
      `| 5 | 1 | 5 | 200 × 5 | ${p50} ms | ${p95} ms | ${max} ms | 10000 ms ✅ |`
    );
    expect(await trafficOf('linear-ep')).toEqual({ [run.outputs['deployment-name']!]: 100 });
    // The endpoint key was masked as it arrived and appears nowhere.
    const key = (await ml.onlineEndpoints.listKeys(RG, WS, 'linear-ep')).primaryKey!;
    expect(run.masks).toContain(key);
    expect(run.visibleLog + run.summary + run.outputs['health-report']).not.toContain(key);
  });

  it('a run() that answers wrong fails the step, and traffic stays on the previous deployment', async () => {
    const before = await trafficOf('linear-ep');
    useScript(repository, 'wrong_answer.py');
    const run = await deploy(repository, { ...FILES, 'expected-response': EXPECTED });
    expect([run.exitCode, run.outputs['failed-stage'], run.outputs.healthy]).toEqual([1, 'health', 'false']);
    expect(stageStatuses(run).slice(-3)).toEqual([
      'deployment: succeeded',
      'health: failed',
      'traffic: not run'
    ]);
    expect(await trafficOf('linear-ep')).toEqual(before);
    expect(healthReport(run).failures[0]).toMatchObject({
      sample: 'samples/row.json',
      status: 200,
      kind: 'wrong-answer',
      message: "the answer differs from input 'expected-response' at $.predictions[0]: expected 2.5, got 3.5"
    });
    const annotation = run.annotations.find(
      a => a.properties.title === 'Wrong answer from the new deployment'
    );
    expect(annotation).toMatchObject({ level: 'error' });
    expect(annotation!.message).toContain('expected 2.5, got 3.5');
    expect(run.summary).toContain('### Health check: ❌ unhealthy');
    expect(run.summary).toContain('The new deployment got no traffic');
  });

  it('a run() that raises fails the step with an annotation on the failing line, and traffic stays', async () => {
    const before = await trafficOf('linear-ep');
    useScript(repository, 'raises.py');
    // Preflight would catch this script on the runner before any upload; the gate is what this test is about.
    const run = await deploy(repository, { ...FILES, preflight: 'false' });
    expect([run.exitCode, run.outputs['failed-stage'], run.outputs.healthy]).toEqual([1, 'health', 'false']);
    expect(stageStatuses(run).slice(-2)).toEqual(['health: failed', 'traffic: not run']);
    expect(await trafficOf('linear-ep')).toEqual(before);
    // Managed endpoints answer 424 when run() raises; the traceback comes from the inference server log.
    expect(healthReport(run).failures[0]).toMatchObject({ status: 424, kind: 'script-error' });
    const annotation = run.annotations.find(
      a => a.properties.title === 'Scoring script failed on a sample request'
    );
    expect(annotation).toMatchObject({ level: 'error', properties: { file: 'src/score.py', line: '15' } });
    expect(annotation!.message).toContain("KeyError: 'inputs'");
  });

  it('scores an aml_token endpoint with a token from Azure, masked', async () => {
    const workspace = checkout();
    writeFileSync(
      join(workspace, 'deploy', 'endpoint-token.yml'),
      'name: linear-token\nauth_mode: aml_token\n'
    );
    const run = await deploy(workspace, {
      'endpoint-file': 'deploy/endpoint-token.yml',
      'model-path': 'model',
      'model-name': 'linear-model',
      'scoring-script': 'src/score.py',
      'conda-file': 'env/conda.yml',
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
      'instance-type': 'Standard_DS3_v2',
      'expected-response': EXPECTED,
      'health-requests': '2'
    });
    expect([run.exitCode, run.outputs.healthy]).toEqual([0, 'true']);
    expect(healthReport(run)).toMatchObject({ correct: 2, statuses: { '200': 2 } });
    const logged = emulator.requestLog
      .entries()
      .filter(e => /onlineEndpoints\/linear-token\/(token|listKeys)$/i.test(e.path));
    expect(logged.map(e => e.path.split('/').pop())).toEqual(['token']);
    // The token was masked as it arrived; no masked value reaches the summary or the report output.
    const secrets = run.masks.filter(mask => mask.length >= 6);
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(run.summary + run.outputs['health-report']).not.toContain(secret);
  });

  it('refuses invalid health inputs at once, before any request to Azure', async () => {
    emulator.requestLog.clear();
    const run = await deploy(repository, {
      ...FILES,
      'sample-request': 'samples/missing.json',
      'health-concurrency': '50',
      'expected-response': 'status: ok'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'configuration']);
    const errors = run.annotations.filter(a => a.properties.title === 'Invalid configuration');
    expect(errors.map(e => e.message)).toEqual([
      "input 'health-concurrency': '50' is not a whole number from 1 to 20.",
      "input 'expected-response': 'ok' is not an HTTP status code (100–599).",
      expect.stringMatching(
        /^input 'sample-request': file 'samples\/missing.json' does not exist in the workspace\./
      )
    ]);
    expect(emulator.requestLog.entries().filter(e => e.service === 'arm' || e.service === 'blob')).toEqual(
      []
    );
  });

  it('a Kubernetes deployment with 1 instance and a 200 ms run() meets 503 under the burst; the summary sizes it for target-rps', async () => {
    const workspace = checkout();
    useScript(workspace, 'slow.py');
    const run = await deploy(workspace, {
      'endpoint-name': 'linear-k8s',
      compute: 'k8s-compute',
      'model-path': 'model',
      'model-name': 'linear-model',
      'scoring-script': 'src/score.py',
      'conda-file': 'env/conda.yml',
      image: 'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu20.04:latest',
      'instance-type': 'defaultinstancetype',
      'instance-count': '1',
      'health-requests': '5',
      'health-concurrency': '5',
      'target-rps': '20'
    });
    expect(run.stderr).toBe('');
    const report = healthReport(run);
    expect(report.throttled['503']).toBeGreaterThan(0);
    expect(run.summary).toMatch(/Refused for capacity under the burst and retried: 503 × \d+/);
    // The formula with its inputs: ceil(20 × requestTime / 0.7 / 1), requestTime as measured.
    const advice = report.capacity!;
    const seconds = advice.requestTimeMs / 1000;
    expect(seconds).toBeGreaterThanOrEqual(0.2);
    const required = Math.ceil((20 * seconds) / 0.7 / 1 - 1e-9);
    expect(advice).toMatchObject({ required, instances: 1 });
    expect(run.summary).toContain(`20 requests/s need **${required} instance(s)**; the deployment has 1.`);
    expect(run.summary).toContain(`ceil(20 × ${seconds} s / 0.7 / 1) = `);
    expect(run.summary).toContain("targetRps = 20 (input 'target-rps')");
    expect(run.summary).toContain('maxConcurrentRequestsPerInstance = 1');
    const warning = run.annotations.find(a => a.properties.title === 'Too few instances for 20 requests/s');
    expect(warning).toMatchObject({ level: 'warning' });
  });
});
