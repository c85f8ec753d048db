/**
 * The health gate against real scoring servers on 127.0.0.1: the project's inference server running the
 * fixture scoring scripts with python3 (what `target: local` and the stand-in's containers run), and a
 * scripted HTTP server for the retry rules.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Deadline } from '../../src/run/deadline.js';
import type { HealthConfig } from '../../src/config/health-config.js';
import { Findings } from '../../src/run/finding.js';
import { runHealthGate, type HealthGateDeps } from '../../src/health/health-gate.js';
import type { CapacitySettings, ScoringTarget } from '../../src/health/scoring-target.js';
import { startLocalServer, type LocalServer } from '../../src/local/local-server.js';
import type { Log } from '../../src/run/log.js';
import { logsContaining } from '../local/support.js';
import { Redactor } from '../../src/run/redaction.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/local/', import.meta.url));
const ROW = '{"data": [[1, 2, 3]]}';
/** 2·1 − 1·2 + 0.5·3 + 1 */
const PREDICTION = 2.5;

const log: Log & { lines: string[] } = {
  lines: [],
  info(message) {
    this.lines.push(message);
  },
  debug() {},
  warning() {},
  error() {},
  mask() {}
};

function settings(overrides: Partial<HealthConfig> = {}): HealthConfig {
  return { samples: [{ file: 'samples/row.json', body: ROW }], requests: 3, concurrency: 1, ...overrides };
}

const deadlines: Deadline[] = [];
function deps(overrides: Partial<HealthGateDeps> = {}): HealthGateDeps & { findings: Findings } {
  const deadline = new Deadline(60_000);
  deadlines.push(deadline);
  return {
    deadline,
    log,
    findings: new Findings(),
    redactor: new Redactor(),
    retry: { maxRetries: 3, baseDelayMs: 20, maxDelayMs: 2000 },
    ...overrides
  };
}

afterEach(() => deadlines.splice(0).forEach(deadline => deadline.dispose()));

function local(server: LocalServer): ScoringTarget {
  return { uri: server.scoringUrl, headers: {}, label: 'the local server' };
}

describe('the health gate against the local inference server', () => {
  let linear: LocalServer;
  let slow: LocalServer;

  beforeAll(async () => {
    linear = await startLocalServer({
      modelDir: `${FIXTURES}model`,
      entryScript: 'healthy.py',
      sourceDir: `${FIXTURES}scripts`
    });
    // One request at a time and none waiting: above that, 503 at once, like a Kubernetes deployment.
    slow = await startLocalServer({
      modelDir: `${FIXTURES}model`,
      entryScript: 'slow.py',
      sourceDir: `${FIXTURES}scripts`,
      maxConcurrentRequests: 1,
      maxQueue: 0,
      rejectStatus: 503
    });
  });
  afterAll(async () => {
    await Promise.all([linear?.stop(), slow?.stop()]);
  });

  it('passes a model that answers what is expected, with latency figures', async () => {
    const gate = deps();
    const report = await runHealthGate(
      local(linear),
      settings({
        expected: { kind: 'subset', value: { predictions: [PREDICTION] }, source: 'expected.json' }
      }),
      gate
    );
    expect(report).toMatchObject({
      healthy: true,
      reasons: [],
      requests: 3,
      correct: 3,
      statuses: { '200': 3 }
    });
    expect(report.latencyMs!.p50).toBeGreaterThan(0);
    expect(report.latencyMs!.max).toBeGreaterThanOrEqual(report.latencyMs!.p95);
    expect(gate.findings.all).toEqual([]);
  });

  it('fails a wrong answer and says where it differs', async () => {
    const gate = deps();
    const report = await runHealthGate(
      local(linear),
      settings({ expected: { kind: 'subset', value: { predictions: [3.5] }, source: 'expected.json' } }),
      gate
    );
    expect(report.healthy).toBe(false);
    expect(report.failures[0]).toMatchObject({
      sample: 'samples/row.json',
      status: 200,
      kind: 'wrong-answer',
      message: 'the answer differs from expected.json at $.predictions[0]: expected 3.5, got 2.5'
    });
    expect(gate.findings.all.map(f => [f.id, f.severity])).toEqual([['health-wrong-answer', 'error']]);
  });

  it('maps a run() that raises to the line of the helper module it raised in', async () => {
    const gate = deps({
      serverLog: () => logsContaining(linear, 'ValueError: expected 3 features, got 2'),
      codeFolder: {
        kind: 'path',
        absolutePath: `${FIXTURES}scripts`,
        displayPath: '__tests__/fixtures/local/scripts',
        isDirectory: true
      }
    });
    const report = await runHealthGate(
      local(linear),
      settings({ samples: [{ file: 'samples/two.json', body: '{"data": [[1, 2]]}' }], requests: 1 }),
      gate
    );
    expect(report).toMatchObject({ healthy: false, statuses: { '500': 1 } });
    const [finding] = gate.findings.all;
    expect(finding).toMatchObject({
      id: 'health-run-failed',
      severity: 'error',
      location: { file: '__tests__/fixtures/local/scripts/linear_math.py', line: 6 }
    });
    expect(finding!.cause).toContain('ValueError: expected 3 features, got 2');
    expect(finding!.evidence[0]!.text).toMatch(/Traceback \(most recent call last\):/);
    expect(finding!.evidence[0]!.text).toMatch(/linear_math\.py", line 6, in predict/);
  });

  it('meets 503 under a burst above capacity, retries, and advises the instance count', async () => {
    const capacity: CapacitySettings = {
      maxConcurrentRequestsPerInstance: 1,
      concurrencySource: 'request_settings.max_concurrent_requests_per_instance',
      utilization: 0.7,
      utilizationSource: 'the 70% default',
      instances: 1,
      instancesSource: 'instance_count (fixed)'
    };
    const gate = deps({ capacity });
    const report = await runHealthGate(
      local(slow),
      settings({
        samples: [{ file: 'samples/slow.json', body: '{"delay_ms": 200}' }],
        requests: 4,
        concurrency: 4,
        targetRps: 20
      }),
      gate
    );
    expect(report.throttled['503']).toBeGreaterThan(0);
    expect(report.capacity).toMatchObject({ targetRps: 20, instances: 1, sufficient: false });
    const advice = report.capacity!;
    expect(advice.required).toBe(Math.ceil((20 * advice.requestTimeMs) / 1000 / 0.7 / 1 - 1e-9));
    expect(gate.findings.all.find(f => f.id === 'capacity-advice')).toMatchObject({
      severity: 'warning',
      evidence: [{ title: 'Instance count formula', text: expect.stringContaining(advice.formula) }]
    });
  });
});

describe('the health gate against a scripted server', () => {
  let server: Server;
  let script: { status: number; headers?: Record<string, string>; body?: string }[] = [];
  let seen: { auth?: string; deployment?: string }[] = [];
  let uri = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({
        auth: req.headers.authorization,
        deployment: req.headers['azureml-model-deployment'] as string
      });
      const next = script.shift() ?? { status: 200, body: '{"ok": true}' };
      res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
      res.end(next.body ?? '');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/score`;
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });
  afterEach(() => {
    script = [];
    seen = [];
  });

  const target = (): ScoringTarget => ({
    uri,
    headers: { authorization: 'Bearer secret-key-123', 'azureml-model-deployment': 'green' },
    label: "deployment 'green'"
  });

  it('sends the target headers and retries 503 as Retry-After says, counting the refusals', async () => {
    script = [
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after-ms': '10' } }
    ];
    const report = await runHealthGate(target(), settings({ requests: 1 }), deps());
    expect(report).toMatchObject({
      healthy: true,
      retries: 2,
      throttled: { '429': 1, '503': 1 },
      statuses: { '200': 1 }
    });
    expect(seen).toEqual(Array(3).fill({ auth: 'Bearer secret-key-123', deployment: 'green' }));
  });

  it('does not retry a 401 and fails the gate', async () => {
    script = [{ status: 401, body: '' }];
    const gate = deps();
    const report = await runHealthGate(target(), settings({ requests: 1 }), gate);
    expect(seen).toHaveLength(1);
    expect(report.failures).toEqual([
      {
        sample: 'samples/row.json',
        status: 401,
        kind: 'rejected',
        message: 'HTTP 401: the endpoint key or token was refused'
      }
    ]);
    expect(report.healthy).toBe(false);
    // Explained by the failure catalogue, with how many requests it concerned.
    expect(gate.findings.all).toEqual([
      expect.objectContaining({
        id: 'scoring-unauthorized',
        severity: 'error',
        cause: expect.stringMatching(
          /^1 of 1 request\(s\) to deployment 'green': The endpoint refused the request \(HTTP 401\)/
        )
      })
    ]);
  });

  it('reads a 424 from a managed endpoint as run() failing', async () => {
    script = [
      {
        status: 424,
        headers: { 'ms-azureml-model-error-statuscode': '500', 'x-ms-run-function-failed': 'True' },
        body: '{"message": "An unexpected error occurred in scoring script. Check the logs for more info."}'
      }
    ];
    const gate = deps({ serverLog: async () => 'no traceback here' });
    const report = await runHealthGate(target(), settings({ requests: 1 }), gate);
    expect(report.failures[0]).toMatchObject({ status: 424, kind: 'script-error' });
    expect(gate.findings.all[0]).toMatchObject({ id: 'health-run-failed', rank: 80 });
    expect(gate.findings.all[0]!.location).toBeUndefined();
  });

  it('fails a p95 over the latency budget', async () => {
    const report = await runHealthGate(target(), settings({ requests: 2, latencyBudgetMs: 0.001 }), deps());
    expect(report).toMatchObject({ healthy: false, withinBudget: false, budgetMs: 0.001 });
    expect(report.reasons[0]).toMatch(/^p95 latency \d+ ms is over the budget of 0.001 ms/);
  });

  it('gives a status-only expectation its status', async () => {
    script = [{ status: 201 }, { status: 200 }];
    const report = await runHealthGate(
      target(),
      settings({
        requests: 2,
        expected: { kind: 'status', status: 201, source: "input 'expected-response'" }
      }),
      deps()
    );
    expect(report.correct).toBe(1);
    expect(report.failures[0]!.message).toBe("expected status 201 (input 'expected-response'), got 200");
  });

  it('stops when the run is cancelled', async () => {
    const gate = deps();
    gate.deadline.cancel('cancelled by the test');
    await expect(runHealthGate(target(), settings({ requests: 1 }), gate)).rejects.toThrow(
      'cancelled by the test'
    );
  });

  it('reports a refused connection as no answer', async () => {
    const report = await runHealthGate(
      { uri: 'http://127.0.0.1:1/score', headers: {}, label: 'nothing' },
      settings({ requests: 1 }),
      deps()
    );
    expect(report.failures[0]).toMatchObject({
      status: 0,
      kind: 'no-answer',
      message: 'no answer: connection refused'
    });
  });
});
