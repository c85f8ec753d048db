import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGitHubStandIn, type GitHubStandIn } from '../../emulator/github/index.js';
import type { AzureStandIn } from '../../emulator/stand-in.js';
import { outOfBandClients } from '../../harness/azure-clients.js';
import { runAction, type ActionRun } from '../../harness/run-action.js';
import { runnerEnv, workspaceInputs } from './support/action-against-emulator.js';
import { startMlStandIn, type MlStandIn } from './support/ml-stand-in.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ml-e2e/', import.meta.url));
const RG = 'rg-pr-report';
const WS = 'ws-pr-report';
const PULL_REQUEST = 7;
const HEAD = '3c0ffee3c0ffee3c0ffee3c0ffee3c0ffee3c0ff';
const CHECK = 'azureml-staged-deploy / linear-ep';
/** A securestring template parameter that the broken scoring script also prints in its traceback. */
const CANARY = 'Canary-PR-Report-Secret-8d41c2';

/**
 * The GitHub side of the report on a pull request: dist/index.js against the Azure stand-in and the GitHub REST
 * stand-in, with the runner's environment of a `pull_request` run.
 */
describe('pull-request reporting (dist/index.js against the Azure and GitHub stand-ins)', () => {
  let standIn: MlStandIn | undefined;
  let emulator: AzureStandIn;
  let github: GitHubStandIn;
  let repository: string;
  let githubEnv: Record<string, string>;

  beforeAll(async () => {
    [standIn, github] = await Promise.all([startMlStandIn(RG, WS), startGitHubStandIn()]);
    emulator = standIn.emulator;
    repository = mkdtempSync(join(tmpdir(), 'pr-report-'));
    cpSync(FIXTURE, repository, { recursive: true });
    githubEnv = github.pullRequestEnv(repository, { number: PULL_REQUEST, headSha: HEAD });
  });
  afterAll(async () => {
    await github?.stop();
    await standIn?.stop();
  });

  function deploy(inputs: Record<string, string> = {}): Promise<ActionRun> {
    return runAction({
      inputs: {
        ...workspaceInputs(emulator.facts, RG, WS),
        'endpoint-file': 'deploy/endpoint.yml',
        'deployment-file': 'deploy/deployment.yml',
        'timeout-minutes': '3',
        'github-token': github.token,
        ...inputs
      },
      env: { ...runnerEnv(emulator.facts), ...githubEnv },
      workspace: repository,
      gitHubRequests: github.requests
    });
  }

  const comments = () => github.state.comments.filter(c => c.issue === PULL_REQUEST);

  it('a first run comments once, adds a successful check run and records a GitHub deployment', async () => {
    const run = await deploy();
    expect([run.exitCode, run.outputs.status]).toEqual([0, 'succeeded']);
    expect(run.annotations.filter(a => a.level === 'warning')).toEqual([]);

    expect(comments()).toHaveLength(1);
    const body = comments()[0]!.body;
    expect(body).toMatch(
      /^<!-- azureml-staged-deploy:report endpoint=linear-ep;deployment=deploy\/deployment\.yml -->/
    );
    expect(body).toContain('## ✅ azureml-staged-deploy · linear-ep: succeeded');
    expect(body).toContain('| Deployment | ✅ succeeded |');
    expect(body).toContain('(https://github.example/octo-org/ml-repo/actions/runs/4242)');

    expect(github.state.checkRuns).toEqual([
      expect.objectContaining({ name: CHECK, head_sha: HEAD, status: 'completed', conclusion: 'success' })
    ]);
    expect(github.state.checkRuns[0]!.output).toMatchObject({ title: 'linear-ep: deployed' });

    expect(github.state.deployments).toEqual([
      expect.objectContaining({
        ref: HEAD,
        environment: 'linear-ep',
        auto_merge: false,
        required_contexts: []
      })
    ]);
    expect(github.state.deploymentStatuses).toEqual([
      expect.objectContaining({
        state: 'success',
        environment_url: run.outputs['scoring-uri'],
        log_url: 'https://github.example/octo-org/ml-repo/actions/runs/4242'
      })
    ]);
  });

  it('a re-run updates the same comment in place', async () => {
    const before = comments()[0]!;
    const run = await deploy();
    expect(run.exitCode).toBe(0);
    expect(comments().map(c => c.id)).toEqual([before.id]);
    expect(
      github.requests.some(r => r.method === 'PATCH' && r.path.endsWith(`/issues/comments/${before.id}`))
    ).toBe(true);
    expect(github.state.checkRuns.map(c => c.conclusion)).toEqual(['success', 'success']);
  });

  it('a token that may not comment gets a warning annotation; the deployment succeeds and the check is written', async () => {
    github.deny({ path: `/issues/${PULL_REQUEST}/comments`, status: 403 });
    const checksBefore = github.state.checkRuns.length;
    const run = await deploy();
    expect([run.exitCode, run.outputs.status]).toEqual([0, 'succeeded']);
    const warning = run.annotations.find(a => a.properties.title === 'GitHub report not written');
    expect(warning).toMatchObject({ level: 'warning' });
    expect(warning!.message).toMatch(/HTTP 403: Resource not accessible by integration/);
    expect(warning!.message).toContain("add 'pull-requests: write' to the job's 'permissions:'");
    expect(github.state.checkRuns).toHaveLength(checksBefore + 1);
    github.reset();
  });

  it('a failing deployment: failure check, the findings in the comment, and no secret in any body sent', async () => {
    writeFileSync(join(repository, 'vault.json'), JSON.stringify(SECURE_TEMPLATE));
    writeFileSync(
      join(repository, 'src', 'score.py'),
      `import os\n\n\ndef init():\n    raise RuntimeError("feature store refused password ${CANARY}")\n\n\ndef run(raw):\n    return raw\n`
    );
    // Preflight would stop this script on the runner before any upload; this test is about a cloud failure.
    const run = await deploy({
      template: 'vault.json',
      parameters: `storePassword=${CANARY}`,
      preflight: 'false'
    });
    expect([run.exitCode, run.outputs['failed-stage']]).toEqual([1, 'deployment']);

    expect(github.state.checkRuns).toEqual([expect.objectContaining({ name: CHECK, conclusion: 'failure' })]);
    expect(github.state.checkRuns[0]!.output.title).toMatch(/^linear-ep: failed at stage deployment — /);
    expect(comments()).toHaveLength(1);
    const body = comments()[0]!.body;
    expect(body).toContain('## ❌ azureml-staged-deploy · linear-ep: failed');
    expect(body).toContain(
      `#### ❌ Scoring script failed — [\`src/score.py:5\`](https://github.example/octo-org/ml-repo/blob/${HEAD}/src/score.py#L5)`
    );
    expect(body).toContain('RuntimeError: feature store refused password ***');
    expect(github.state.deploymentStatuses.map(s => s.state)).toEqual(['failure']);

    const sent = JSON.stringify(github.requests.map(r => r.body));
    expect(sent).not.toContain(CANARY);
    const clients = outOfBandClients(emulator);
    try {
      const keys = await clients.factory.machineLearning().onlineEndpoints.listKeys(RG, WS, 'linear-ep');
      expect(sent).not.toContain(keys.primaryKey!);
      expect(sent).not.toContain(keys.secondaryKey!);
    } finally {
      clients.dispose();
    }
    expect(run.summary).not.toContain(CANARY);
    // PR_REPORT_OUT=<dir>: keep this run's job summary and comment, to look at them rendered
    // (`npx tsx harness/render-summary.ts --page <file.md>`, then scripts/render-summaries.sh <file.html>).
    if (process.env.PR_REPORT_OUT) {
      writeFileSync(join(process.env.PR_REPORT_OUT, 'pr-failed-summary.md'), run.summary);
      writeFileSync(join(process.env.PR_REPORT_OUT, 'pr-failed-comment.md'), body);
    }
  });
});

/** A template with one securestring parameter and nothing to deploy: the secret reaches the redactor. */
const SECURE_TEMPLATE = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { storePassword: { type: 'securestring' } },
  resources: []
};
