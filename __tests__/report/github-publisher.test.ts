import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { gitHubRestApi } from '../../src/action/github-api.js';
import type { AnnotationTarget, Log } from '../../src/run/log.js';
import { publishToGitHub } from '../../src/report/github-publisher.js';
import type { GitHubEvent, GitHubSession } from '../../src/action/github-port.js';
import { repositoryLinks } from '../../src/report/publish-report.js';
import { Redactor } from '../../src/run/redaction.js';
import { COMMENT_BUDGET } from '../../src/report/pull-request-report.js';
import { startGitHubStandIn, type GitHubStandIn } from '../../emulator/github/index.js';
import { failedModelRun } from '../../harness/sample-runs.js';

const HEAD = 'abcdef0123456789abcdef0123456789abcdef01';
const SUBJECT = { label: 'linear-ep', key: 'endpoint=linear-ep;deployment=deploy/deployment.yml' };

function recordingLog(): Log & { warnings: { message: string; target?: AnnotationTarget }[] } {
  const warnings: { message: string; target?: AnnotationTarget }[] = [];
  return {
    warnings,
    info: () => {},
    debug: () => {},
    error: () => {},
    mask: () => {},
    warning: (message, target) => void warnings.push({ message, ...(target ? { target } : {}) })
  };
}

describe('PR comment, check run and deployment record (against the GitHub stand-in)', () => {
  let github: GitHubStandIn;
  let event: GitHubEvent;

  beforeAll(async () => {
    github = await startGitHubStandIn();
    const [owner, repo] = github.repository.split('/') as [string, string];
    event = {
      name: 'pull_request',
      owner,
      repo,
      sha: HEAD,
      pullRequest: 7,
      serverUrl: 'https://github.example',
      runUrl: `https://github.example/${github.repository}/actions/runs/42`
    };
  });
  afterAll(() => github?.stop());
  beforeEach(() => github.reset());

  function session(token = github.token): GitHubSession {
    return { event, api: gitHubRestApi(token, github.apiUrl, event) };
  }

  async function publish(run = failedModelRun(), redactor = new Redactor(), prComment = true) {
    const log = recordingLog();
    await publishToGitHub(
      session(),
      { ...run, subject: SUBJECT, links: repositoryLinks(event), prComment, redact: t => redactor.redact(t) },
      log
    );
    return log;
  }

  it('comments once and updates the same comment on the next run; adds a failed check run on the head commit', async () => {
    const first = await publish();
    expect(first.warnings).toEqual([]);
    expect(github.state.comments).toHaveLength(1);
    const comment = github.state.comments[0]!;
    expect(comment.issue).toBe(7);
    expect(comment.body).toMatch(
      /^<!-- azureml-staged-deploy:report endpoint=linear-ep;deployment=deploy\/deployment.yml -->\n/
    );
    expect(comment.body).toContain('## ❌ azureml-staged-deploy · linear-ep: failed');
    expect(comment.body).toContain(
      `#### ❌ Scoring script failed — [\`src/score.py:5\`](https://github.example/${github.repository}/blob/${HEAD}/src/score.py#L5)`
    );
    expect(github.state.checkRuns).toEqual([
      expect.objectContaining({
        name: 'azureml-staged-deploy / linear-ep',
        head_sha: HEAD,
        status: 'completed',
        conclusion: 'failure',
        details_url: event.runUrl
      })
    ]);
    expect(github.state.checkRuns[0]!.output.title).toMatch(
      /^linear-ep: failed at stage deployment — Online deployment/
    );

    await publish();
    expect(github.state.comments.map(c => c.id)).toEqual([comment.id]);
    expect(github.requests.filter(r => r.method === 'PATCH').map(r => r.path)).toEqual([
      `/repos/${github.repository}/issues/comments/${comment.id}`
    ]);
    expect(github.requests.every(r => r.auth === 'token')).toBe(true);
  });

  it('finds its comment among many (paginated) and leaves other comments alone', async () => {
    for (let i = 0; i < 130; i++)
      github.state.comments.push({
        id: 10_000 + i,
        issue: 7,
        body: `review ${i}`,
        user: { login: 'someone', type: 'Bot' },
        created_at: '',
        updated_at: ''
      });
    await publish();
    await publish();
    expect(github.state.comments.filter(c => c.body.includes('azureml-staged-deploy:report'))).toHaveLength(
      1
    );
    expect(github.state.comments.filter(c => c.body.startsWith('review'))).toHaveLength(130);
  });

  it('records a GitHub deployment with a failure status, the scoring URI and the run', async () => {
    await publish();
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
        deployment_id: github.state.deployments[0]!.id,
        state: 'failure',
        environment_url: 'https://linear-ep.westeurope.inference.ml.azure.com/score',
        log_url: event.runUrl
      })
    ]);
  });

  it('a succeeded, healthy run: success check, and a success deployment status that says so', async () => {
    const run = failedModelRun();
    run.report.failure = undefined;
    run.report.stages.forEach(stage => (stage.status = 'succeeded'));
    run.results.ml!.deployment!.provisioningState = 'Succeeded';
    run.results.health = {
      healthy: true,
      reasons: [],
      target: "deployment 'linear-5f4c1a4f' of endpoint 'linear-ep'",
      requests: 5,
      concurrency: 1,
      statuses: { '200': 5 },
      correct: 5,
      retries: 0,
      throttled: {},
      latencyMs: { p50: 12, p95: 20, max: 21 },
      withinBudget: true,
      failures: []
    } as never;
    await publish(run);
    expect(github.state.checkRuns[0]).toMatchObject({
      conclusion: 'success',
      output: { title: 'linear-ep: deployed' }
    });
    expect(github.state.comments[0]!.body).toContain('### Health check: ✅ healthy');
    expect(github.state.deploymentStatuses[0]).toMatchObject({
      state: 'success',
      description: "'linear-5f4c1a4f': deployed, healthy"
    });
  });

  it('falls back to a commit status when check runs are forbidden', async () => {
    github.deny({ path: '/check-runs', status: 403 });
    const log = await publish();
    expect(log.warnings).toEqual([]);
    expect(github.state.checkRuns).toEqual([]);
    expect(github.state.statuses).toEqual([
      expect.objectContaining({
        sha: HEAD,
        state: 'failure',
        context: 'azureml-staged-deploy / linear-ep',
        target_url: event.runUrl
      })
    ]);
    expect(github.state.statuses[0]!.description!.length).toBeLessThanOrEqual(140);
  });

  it('a forbidden comment is a warning naming the permission; the check and the deployment are still written', async () => {
    github.deny({ path: /\/issues\/\d+\/comments$/, status: 403 });
    const log = await publish();
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]!.message).toMatch(
      /^Could not write the pull-request comment: GitHub API: could not list the pull request comments: HTTP 403: Resource not accessible by integration\. The token lacks a permission: add 'pull-requests: write' to the job's 'permissions:'/
    );
    expect(log.warnings[0]!.target).toEqual({ title: 'GitHub report not written' });
    expect(github.state.checkRuns).toHaveLength(1);
    expect(github.state.deployments).toHaveLength(1);
  });

  it('pr-comment: false writes no comment', async () => {
    await publish(failedModelRun(), new Redactor(), false);
    expect(github.requests.filter(r => r.path.includes('/issues/'))).toEqual([]);
    expect(github.state.checkRuns).toHaveLength(1);
  });

  it('a wrong token is a warning for each part, never an exception', async () => {
    const log = recordingLog();
    const wrong: GitHubSession = { event, api: gitHubRestApi('ghs_wrong', github.apiUrl, event) };
    const run = failedModelRun();
    await publishToGitHub(
      wrong,
      { ...run, subject: SUBJECT, links: {}, prComment: true, redact: t => t },
      log
    );
    expect(log.warnings.map(w => w.message.split(':')[0])).toEqual([
      'Could not write the pull-request comment',
      'Could not write the check run and the commit status',
      'Could not write the GitHub deployment record'
    ]);
    expect(log.warnings[0]!.message).toContain('HTTP 401: Bad credentials');
  });

  it('redacts registered secrets and secret-shaped text from every body sent', async () => {
    const canary = 'canary-key-5b0e7d1c9a';
    const run = failedModelRun(
      `connecting with key ${canary}\nAccountKey=c2VjcmV0LWFjY291bnQta2V5;EndpointSuffix=core\nRuntimeError: boom`
    );
    const redactor = new Redactor();
    redactor.add(canary);
    await publish(run, redactor);
    const sent = JSON.stringify(github.requests.map(r => r.body));
    expect(sent).toContain('connecting with key ***');
    expect(sent).not.toContain(canary);
    expect(sent).not.toContain('c2VjcmV0LWFjY291bnQta2V5');
  });

  it('keeps the comment and check-run text within 65,536 characters however long the evidence', async () => {
    const log = Array.from({ length: 20_000 }, (_, i) => `line ${i} ${'y'.repeat(40)}`).join('\n');
    await publish(failedModelRun(`${log}\nValueError: the last line`));
    const body = github.state.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(COMMENT_BUDGET.limit + 200);
    expect(body).toContain('ValueError: the last line');
    expect(body).toMatch(
      /earlier lines cut to stay within GitHub's 65,536-character limit for a comment; the whole text is in the job summary/
    );
    expect(github.state.checkRuns[0]!.output.summary!.length).toBeLessThanOrEqual(65_535);
  });
});
