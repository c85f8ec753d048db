import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionAdapter } from '../../src/action/core-adapter.js';
import { INPUT_NAMES, type InputName } from '../../src/contract/inputs.js';
import { run } from '../../src/main.js';
import type { CheckRunRequest, GitHubApi } from '../../src/action/github-port.js';

const EVENT = {
  name: 'pull_request',
  owner: 'octo',
  repo: 'repo',
  sha: 'abc1234abc1234abc1234abc1234abc1234abc12',
  pullRequest: 3,
  serverUrl: 'https://github.com'
};

/** run() with a recording GitHub API: what reaches the pull request (check runs, comments). */
async function runWithGitHub(workspace: string, inputs: Partial<Record<InputName, string>>) {
  const sent = { checks: [] as CheckRunRequest[], comments: [] as string[], failed: [] as string[] };
  const api: GitHubApi = {
    listIssueComments: async () => [],
    createIssueComment: async (_, body) => (sent.comments.push(body), { id: 1, body }),
    updateIssueComment: async (id, body) => ({ id, body }),
    createCheckRun: async check => (sent.checks.push(check), { id: 2 }),
    createCommitStatus: async () => undefined,
    createDeployment: async () => ({ id: 3 }),
    createDeploymentStatus: async () => undefined
  };
  const adapter: ActionAdapter = {
    log: { info: () => {}, debug: () => {}, warning: () => {}, error: () => {}, mask: () => {} },
    runnerContext: () => ({ workspace, repository: 'octo/repo', runId: '1', path: '' }),
    readInputs: () =>
      ({ ...Object.fromEntries(INPUT_NAMES.map(n => [n, ''])), ...inputs }) as Record<InputName, string>,
    requestIdToken: async () => 'unused',
    setOutputs: () => {},
    setTemplateOutputs: () => {},
    writeSummary: async () => {},
    markFailed: message => void sent.failed.push(message),
    onCancel: () => {},
    gitHub: () => ({ event: EVENT, api })
  };
  await run(adapter);
  return sent;
}

const MODEL_INPUTS = {
  'subscription-id': '00000000-0000-0000-0000-000000000000',
  'resource-group': 'rg',
  audience: 'api://AzureADTokenExchange',
  'arm-endpoint': 'https://127.0.0.1:9',
  'timeout-minutes': '1',
  workspace: 'ws',
  'deployment-file': '',
  'github-token': 'ghs_token123',
  'pr-comment': 'true'
};

describe('the report subject (check run name, comment marker)', () => {
  it('an endpoint file reached through a symlink out of the workspace is refused, and its name never reaches GitHub', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'subject-outside-'));
    writeFileSync(join(outside, 'endpoint.yml'), 'name: private-endpoint-from-outside\nauth_mode: key\n');
    const workspace = mkdtempSync(join(tmpdir(), 'subject-ws-'));
    mkdirSync(join(workspace, 'deploy'));
    symlinkSync(join(outside, 'endpoint.yml'), join(workspace, 'deploy', 'endpoint.yml'));

    const sent = await runWithGitHub(workspace, { ...MODEL_INPUTS, 'endpoint-file': 'deploy/endpoint.yml' });

    expect(sent.checks.map(check => check.name)).toEqual(['azureml-staged-deploy / deploy/endpoint.yml']);
    expect(sent.comments[0]).toContain(
      "input 'endpoint-file': 'deploy/endpoint.yml' is outside the workspace."
    );
    expect(JSON.stringify(sent)).not.toContain('private-endpoint-from-outside');
  });

  it('/dev/zero as endpoint file is refused at configuration without being read', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'subject-ws-'));
    const before = process.memoryUsage().rss;

    const sent = await runWithGitHub(workspace, { ...MODEL_INPUTS, 'endpoint-file': '/dev/zero' });

    expect(sent.checks.map(check => check.name)).toEqual(['azureml-staged-deploy / /dev/zero']);
    expect(sent.comments[0]).toContain("input 'endpoint-file': '/dev/zero' is outside the workspace.");
    // Reading /dev/zero grows until memory runs out; refusing it reads nothing.
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 * 1024);
  });

  it('a valid endpoint file names the check by the endpoint the configuration read', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'subject-ws-'));
    writeFileSync(join(workspace, 'endpoint.yml'), 'name: fraud-ep\nauth_mode: key\n');

    // Invalid elsewhere (instance count), so the run stops at configuration: the name still comes from the file.
    const sent = await runWithGitHub(workspace, {
      ...MODEL_INPUTS,
      'endpoint-file': 'endpoint.yml',
      'instance-count': 'x'
    });

    expect(sent.checks.map(check => check.name)).toEqual(['azureml-staged-deploy / fraud-ep']);
  });
});
