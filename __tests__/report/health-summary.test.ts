import { describe, expect, it } from '@jest/globals';
import { adviseCapacity } from '../../src/health/capacity.js';
import type { HealthReport } from '../../src/health/health-report.js';
import { renderHealthSummary } from '../../src/report/health-summary.js';

const BASE: HealthReport = {
  healthy: true,
  reasons: [],
  target: "deployment 'green' of endpoint 'ep'",
  requests: 5,
  concurrency: 5,
  statuses: { '200': 5 },
  correct: 5,
  retries: 4,
  throttled: { '503': 4 },
  latencyMs: { p50: 210, p95: 230, max: 231 },
  budgetMs: 500,
  withinBudget: true,
  failures: []
};

describe('the health section of the job summary', () => {
  it('shows the verdict, the figures against the budget and the refusals under the burst', () => {
    const text = renderHealthSummary(BASE).join('\n');
    expect(text).toContain('### Health check: ✅ healthy');
    expect(text).toContain(
      "Deployment 'green' of endpoint 'ep': 5 request(s), 5 at once; 5 answered correctly."
    );
    expect(text).toContain('| 5 | 5 | 5 | 200 × 5 | 210 ms | 230 ms | 231 ms | 500 ms ✅ |');
    expect(text).toContain('Refused for capacity under the burst and retried: 503 × 4 (4 retries).');
  });

  it('recommends the instance count with the formula and its inputs', () => {
    const capacity = adviseCapacity(20, 210, {
      maxConcurrentRequestsPerInstance: 1,
      concurrencySource: 'request_settings.max_concurrent_requests_per_instance',
      utilization: 0.7,
      utilizationSource: 'the 70% default',
      instances: 1,
      instancesSource: 'instance_count (fixed)'
    });
    const text = renderHealthSummary({ ...BASE, capacity }).join('\n');
    expect(text).toContain('**Capacity:** ⚠️ 20 requests/s need **6 instance(s)**; the deployment has 1.');
    expect(text).toContain('= ceil(20 × 0.21 s / 0.7 / 1) = ceil(6) = 6`');
    expect(text).toContain("- targetRps = 20 (input 'target-rps')");
  });

  it('lists failures once with their count, and says the deployment got no traffic', () => {
    const failure = { sample: 's.json', status: 424, kind: 'script-error' as const, message: 'run() failed' };
    const text = renderHealthSummary({
      ...BASE,
      healthy: false,
      correct: 0,
      failures: [failure, failure, { ...failure, sample: 't.json' }]
    }).join('\n');
    expect(text).toContain('### Health check: ❌ unhealthy');
    expect(text).toContain('- `s.json`: HTTP 424 (script-error) — run() failed (× 2)');
    expect(text).toContain('- `t.json`: HTTP 424 (script-error) — run() failed\n');
    expect(text).toContain('The new deployment got no traffic');
  });
});
