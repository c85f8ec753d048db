import { describe, expect, it } from '@jest/globals';
import { RunReport } from '../../src/stages/run-report.js';
import { SUMMARY_BUDGET, renderSummary } from '../../src/report/summary-markdown.js';
import { failedModelRun, TRACEBACK } from '../../harness/sample-runs.js';

const MIB = 1024 * 1024;
const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('job summary', () => {
  it('leads with the verdict, then the stage table, the timeline, what went wrong and the findings', () => {
    const { report, results, findings } = failedModelRun();
    const summary = renderSummary(report, results, findings);
    const order = [
      '## ❌ azureml-staged-deploy: failed',
      '**Failed stage:** `deployment`',
      '| Deployment | ❌ failed | 4.1 s |',
      '**Timeline**',
      '### What went wrong',
      '### Findings (1 error, 1 warning)',
      '#### ❌ Scoring script failed — `src/score.py:5`',
      '#### ⚠️ The model directory does not contain the file score.py opened',
      '### Model deployment: endpoint `linear-ep`'
    ].map(text => summary.indexOf(text));
    expect(order.every(index => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows each finding with its file and line, cause, fix, stage, and its evidence collapsed (the root cause open)', () => {
    const { report, results, findings } = failedModelRun();
    const summary = renderSummary(report, results, findings, {
      links: { file: (path, line) => `https://github.com/o/r/blob/abc/${path}#L${line}` }
    });
    expect(summary).toContain('- **Cause:** The scoring script failed: FileNotFoundError');
    expect(summary).toContain('- **Fix:** Open the model file under AZUREML_MODEL_DIR/model/');
    expect(summary).toContain(
      '#### ❌ Scoring script failed — [`src/score.py:5`](https://github.com/o/r/blob/abc/src/score.py#L5)'
    );
    expect(summary).toContain('- **Stage:** `deployment`');
    expect(summary).toContain(
      '<details open><summary>init() traceback (InferenceServer log)</summary>\n\n```text\nTraceback (most recent call last):'
    );
    expect(summary).toContain('<details><summary>Model directory listing</summary>');
  });

  it('keeps the failed stage row short (code and the sentence after it): the whole message is under What went wrong', () => {
    const { report, results, findings } = failedModelRun();
    const summary = renderSummary(report, results, findings);
    const row = summary.split('\n').find(line => line.startsWith('| Deployment |'))!;
    expect(row).toBe(
      '| Deployment | ❌ failed | 4.1 s | **ResourceNotReady** · User container has crashed or terminated. |'
    );
    expect(row).not.toContain('Check the container log');
    expect(summary).toContain('Check the container log.\nTraffic was not moved (traffic stays');
  });

  it('draws the timeline with one bar per stage that ran, the failed one marked', () => {
    const { report, results, findings } = failedModelRun();
    const summary = renderSummary(report, results, findings);
    const timeline = /\*\*Timeline\*\*[^\n]*\n\n```text\n([\s\S]*?)\n```/.exec(summary)![1]!.split('\n');
    expect(timeline).toHaveLength(9);
    expect(timeline[6]).toMatch(/^Deployment {6}\s+█+[▏▎▍▌▋▊▉]?\s+4\.1 s {2}✗ failed$/);
    expect(timeline[7]).toMatch(/^Traffic\s+not run$/);
    // The deployment took 4.1 s of 4.7 s: most of the 40 columns.
    expect((timeline[6]!.match(/█/g) ?? []).length).toBeGreaterThanOrEqual(33);
  });

  it('keeps evidence with backticks inside its code block', () => {
    const { report, results, findings } = failedModelRun('print(f"```{x}```")\nValueError: boom');
    const summary = renderSummary(report, results, findings);
    expect(summary).toContain('````text\nprint(f"```{x}```")\nValueError: boom\n````');
  });

  it('a summary over 1 MiB is cut to fit, longest evidence first, with a visible note — never rejected', () => {
    const { report, results, findings } = failedModelRun();
    const huge = Array.from({ length: 40_000 }, (_, i) => `pip log line ${i}: ${'x'.repeat(60)}`).join('\n');
    findings.add({
      id: 'image-build-failure',
      stage: 'deployment',
      severity: 'error',
      title: 'Image build failed',
      cause: 'The environment image did not build.',
      fix: 'Fix the conda file.',
      evidence: [
        { title: 'Image build log', text: `${huge}\nERROR: No matching distribution found for torch==9.9` }
      ],
      rank: 80
    });
    const summary = renderSummary(report, results, findings);
    expect(bytes(summary)).toBeGreaterThan(MIB - 64 * 1024);
    expect(bytes(summary)).toBeLessThanOrEqual(MIB);
    expect(summary).toContain("> ⚠️ **Shortened** to stay within GitHub's 1 MiB limit for a job summary");
    expect(summary.indexOf('**Shortened**')).toBeLessThan(summary.indexOf('| Stage'));
    // The long log keeps its end (what failed), the short traceback stays whole.
    expect(summary).toContain('ERROR: No matching distribution found for torch==9.9');
    expect(summary).not.toContain('pip log line 0:');
    expect(summary).toMatch(/_[\d,]+ earlier lines cut to stay within GitHub's 1 MiB limit/);
    expect(summary).toContain(TRACEBACK);
  });

  it('leaves out whole sections, least important first, when evidence alone is not enough', () => {
    const { report, results, findings } = failedModelRun();
    const small = { ...SUMMARY_BUDGET, limit: 2800 };
    const summary = renderSummary(report, results, findings, { budget: small });
    expect(bytes(summary)).toBeLessThanOrEqual(2800);
    expect(summary).toMatch(/left out: .*the model deployment tables/);
    expect(summary).toContain('| Deployment | ❌ failed |');
    expect(summary).toContain('#### ❌ Scoring script failed');
  });

  it('cuts even the parts always kept when a failure message alone is over the budget, closing its code block', () => {
    const report = new RunReport('c0ffee00-0000-4000-8000-000000000000', 0);
    report.fail('infra', new Error(`${'x'.repeat(100)}\n`.repeat(30_000)));
    const summary = renderSummary(report, {}, undefined);
    expect(bytes(summary)).toBeLessThanOrEqual(MIB);
    expect(summary).toContain('The text was also cut at the end.');
    expect((summary.match(/^```/gm) ?? []).length % 2).toBe(0);
  });

  it('a succeeded run says how many stages took how long and where traffic went', () => {
    const report = new RunReport('c0ffee00-0000-4000-8000-000000000000', 0);
    report.record({ name: 'sign-in', title: 'Sign in', status: 'succeeded', durationMs: 30, outcome: 'ok' });
    report.record({
      name: 'traffic',
      title: 'Traffic',
      status: 'succeeded',
      durationMs: 970,
      outcome: 'moved'
    });
    const summary = renderSummary(report, {
      ml: {
        workspace: 'ws',
        endpointName: 'ep',
        traffic: { before: {}, after: { 'ep-1': 100 }, changed: true }
      }
    });
    expect(summary).toContain(
      '## ✅ azureml-staged-deploy: succeeded\n\n2 stages in 1 s · endpoint `ep`, traffic ep-1 100%'
    );
  });
});

describe('what still runs in Azure', () => {
  it('after the deadline, names the online deployment and the az ml command to look at it', () => {
    const { report, results, findings } = failedModelRun();
    results.resourceGroup = { name: 'rg-ml', location: 'westeurope', exists: true };
    results.ml!.deployment = { name: 'blue', action: 'created', provisioningState: 'Creating' };
    report.failure = {
      kind: 'deadline',
      stage: 'deployment',
      message: "Stopped waiting to create online deployment 'blue': the run reached its deadline."
    };
    const summary = renderSummary(report, results, findings);
    expect(summary).toContain('### Still running in Azure');
    expect(summary).toContain(
      "Running out of 'timeout-minutes' does not cancel what was already sent to Azure:"
    );
    expect(summary).toContain(
      `az ml online-deployment show -g rg-ml -w ${results.ml!.workspace} -e ${results.ml!.endpointName} -n blue`
    );
  });
});
