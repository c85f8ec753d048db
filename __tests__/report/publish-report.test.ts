import { describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionAdapter } from '../../src/action/core-adapter.js';
import type { RawInputs } from '../../src/contract/inputs.js';
import { Findings } from '../../src/run/finding.js';
import { ConfigurationError } from '../../src/run/errors.js';
import type { CheckRunRequest, GitHubApi, GitHubSession } from '../../src/action/github-port.js';
import { publishReport } from '../../src/report/publish-report.js';
import { Redactor } from '../../src/run/redaction.js';
import { RunReport } from '../../src/stages/run-report.js';

const EVENT = {
  name: 'pull_request',
  owner: 'octo',
  repo: 'repo',
  sha: 'abc1234abc1234abc1234abc1234abc1234abc12',
  pullRequest: 3,
  serverUrl: 'https://github.com',
  runUrl: 'https://github.com/octo/repo/actions/runs/1'
};

/** An API that records check runs and comments; `hang` makes every call wait forever. */
function recordingApi(hang = false) {
  const checks: CheckRunRequest[] = [];
  const comments: string[] = [];
  const wait = <T>(value: T): Promise<T> => (hang ? new Promise<T>(() => {}) : Promise.resolve(value));
  const api: GitHubApi = {
    listIssueComments: () => wait([]),
    createIssueComment: (_, body) => (comments.push(body), wait({ id: 1, body })),
    updateIssueComment: (id, body) => wait({ id, body }),
    createCheckRun: check => (checks.push(check), wait({ id: 2 })),
    createCommitStatus: () => wait(undefined),
    createDeployment: () => wait({ id: 3 }),
    createDeploymentStatus: () => wait(undefined)
  };
  return { api, checks, comments };
}

function fakeAdapter(
  inputs: Partial<RawInputs>,
  workspace: string,
  session: (token?: string) => GitHubSession
) {
  const recorded = { summary: '', warnings: [] as string[], tokens: [] as (string | undefined)[] };
  const adapter = {
    log: {
      info: () => {},
      debug: () => {},
      error: () => {},
      mask: () => {},
      warning: (message: string) => void recorded.warnings.push(message)
    },
    readInputs: () => inputs as RawInputs,
    runnerContext: () => ({ workspace, repository: 'octo/repo', runId: '1', path: '' }),
    writeSummary: async (markdown: string) => void (recorded.summary += markdown),
    gitHub: (token?: string) => (recorded.tokens.push(token), session(token))
  } as unknown as ActionAdapter;
  return { adapter, recorded };
}

describe('publishing the report', () => {
  it('a configuration error still reaches the pull request, under the check name of the endpoint the configuration read', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'publish-'));
    const { api, checks, comments } = recordingApi();
    const { adapter, recorded } = fakeAdapter(
      { 'github-token': 'ghs_token123', 'pr-comment': 'true', 'endpoint-file': 'endpoint.yml' },
      workspace,
      () => ({ event: EVENT, api })
    );
    const report = new RunReport('c0ffee00-0000-4000-8000-000000000000');
    report.fail(
      'configuration',
      new ConfigurationError([{ input: 'instance-count', message: "'x' is not a number." }])
    );
    report.endpointName = 'fraud-ep';
    await publishReport(adapter, {
      inputs: adapter.readInputs(),
      report,
      results: {},
      findings: new Findings(),
      redactor: new Redactor()
    });
    expect(recorded.tokens).toEqual(['ghs_token123']);
    expect(checks).toEqual([
      expect.objectContaining({
        name: 'azureml-staged-deploy / fraud-ep',
        conclusion: 'failure',
        headSha: EVENT.sha
      })
    ]);
    expect(comments[0]).toContain("- input 'instance-count': 'x' is not a number.");
    expect(recorded.summary).toContain('**Failed stage:** `configuration`');
  });

  it('without a token: the summary only, with no GitHub call', async () => {
    const { api, checks } = recordingApi();
    const { adapter, recorded } = fakeAdapter({ 'github-token': '' }, tmpdir(), token =>
      token ? { event: EVENT, api } : { event: EVENT }
    );
    await publishReport(adapter, {
      inputs: adapter.readInputs(),
      report: new RunReport('c0ffee00-0000-4000-8000-000000000000'),
      results: {},
      findings: new Findings(),
      redactor: new Redactor()
    });
    expect(recorded.tokens).toEqual([undefined]);
    expect(checks).toEqual([]);
    expect(recorded.summary).toContain('azureml-staged-deploy: succeeded');
  });

  it('a cancelled run gives GitHub 3 s, then warns and returns', async () => {
    const { api } = recordingApi(true);
    const { adapter, recorded } = fakeAdapter({ 'github-token': 'ghs_token123' }, tmpdir(), () => ({
      event: EVENT,
      api
    }));
    const report = new RunReport('c0ffee00-0000-4000-8000-000000000000');
    report.cancelled = 'The run was cancelled (SIGINT) and stopped waiting.';
    report.fail('deployment', new Error(report.cancelled));
    await publishReport(adapter, {
      inputs: adapter.readInputs(),
      report,
      results: {},
      findings: new Findings(),
      redactor: new Redactor()
    });
    expect(recorded.summary).toContain('cancelled (SIGINT)');
    expect(recorded.warnings).toEqual([
      'The GitHub report (PR comment, check, deployment record) could not be finished: GitHub did not answer within 3 s. The deployment itself is not affected.'
    ]);
  }, 10_000);

  // Was a defect: the summary was redacted after rendering, and rendering cuts a failed stage's outcome to its
  // first 90 characters and escapes `|` in table cells, so a cut or escaped secret was published as is.
  it('redacts raw texts before rendering: no cut or escaped piece of a secret reaches the summary or the comment', async () => {
    const secret = 'Canary|Cut-Secret-4b1d9e07c3';
    const redactor = new Redactor();
    redactor.add(secret);
    const { api, comments } = recordingApi();
    const { adapter, recorded } = fakeAdapter(
      { 'github-token': 'ghs_token123', 'pr-comment': 'true' },
      tmpdir(),
      () => ({
        event: EVENT,
        api
      })
    );
    const report = new RunReport('c0ffee00-0000-4000-8000-000000000000');
    const message = `${'a'.repeat(70)}${secret} was refused`;
    report.record({
      name: 'infra',
      title: 'Infrastructure',
      status: 'failed',
      durationMs: 1,
      outcome: message
    });
    report.fail('infra', new Error(message));
    await publishReport(adapter, {
      inputs: adapter.readInputs(),
      report,
      results: {},
      findings: new Findings(),
      redactor
    });
    const pieces = [secret, ...[8, 10, 12, 16].map(length => secret.slice(0, length)), 'Canary\\|Cut'];
    for (const text of [recorded.summary, ...comments]) {
      expect(text).toContain('***');
      for (const piece of pieces)
        expect({ piece, shown: text.includes(piece) }).toEqual({ piece, shown: false });
    }
  });
});
