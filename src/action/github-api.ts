import { GitHubApiError, type GitHubApi, type GitHubEvent, type GitHubSession } from './github-port.js';
import { readGitHubEvent } from './github-event.js';

/**
 * The GitHub session of a run: its event, and with a token the API. Undefined outside a runner. The API base
 * URL is GITHUB_API_URL (GitHub Enterprise Server, or the stand-in in tests).
 */
export function gitHubSession(
  token: string | undefined,
  env: NodeJS.ProcessEnv = process.env
): GitHubSession | undefined {
  const event = readGitHubEvent(env);
  if (!event) return undefined;
  if (!token) return { event };
  const baseUrl = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  return { event, api: octokitApi(token, baseUrl, event) };
}

/**
 * Each call gives up after this long: GitHub answers in well under a second, and a hanging API must not keep
 * a finished deployment's step running (the runner's cancel gives a step ~7 s).
 */
const REQUEST_TIMEOUT_MS = 10_000;

/** {@link GitHubApi} on Octokit, as `@actions/github` configures it (proxy settings of the runner included). */
export function octokitApi(token: string, baseUrl: string, event: GitHubEvent): GitHubApi {
  // Loaded on first use: Octokit is a fifth of the bundle, and a run reaches GitHub only after its stages, so
  // loading it up front would delay every run's first request to Azure.
  const client = import('@actions/github').then(({ getOctokit }) => getOctokit(token, { baseUrl }));
  const repository = { owner: event.owner, repo: event.repo };
  const request = () => ({ request: { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) } });
  return {
    listIssueComments: issue =>
      call('list the pull request comments', async () => {
        const octokit = await client;
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
          ...repository,
          issue_number: issue,
          per_page: 100,
          ...request()
        });
        return comments.map(comment => ({ id: comment.id, body: comment.body ?? '' }));
      }),
    createIssueComment: (issue, body) =>
      call('create the pull request comment', async () => {
        const octokit = await client;
        const { data } = await octokit.rest.issues.createComment({
          ...repository,
          issue_number: issue,
          body,
          ...request()
        });
        return { id: data.id, body: data.body ?? '' };
      }),
    updateIssueComment: (id, body) =>
      call('update the pull request comment', async () => {
        const octokit = await client;
        const { data } = await octokit.rest.issues.updateComment({
          ...repository,
          comment_id: id,
          body,
          ...request()
        });
        return { id: data.id, body: data.body ?? '' };
      }),
    createCheckRun: check =>
      call('create the check run', async () => {
        const octokit = await client;
        const { data } = await octokit.rest.checks.create({
          ...repository,
          name: check.name,
          head_sha: check.headSha,
          status: 'completed',
          conclusion: check.conclusion,
          output: { title: check.title, summary: check.summary },
          ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
          ...(check.externalId ? { external_id: check.externalId } : {}),
          ...request()
        });
        return { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) };
      }),
    createCommitStatus: status =>
      call('create the commit status', async () => {
        const octokit = await client;
        await octokit.rest.repos.createCommitStatus({
          ...repository,
          sha: status.sha,
          state: status.state,
          context: status.context,
          description: status.description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {}),
          ...request()
        });
      }),
    createDeployment: deployment =>
      call('create the deployment', async () => {
        const octokit = await client;
        const { data } = await octokit.rest.repos.createDeployment({
          ...repository,
          ref: deployment.ref,
          environment: deployment.environment,
          description: deployment.description,
          payload: deployment.payload,
          // The deployment already happened: no merging of the default branch, no waiting for other checks.
          auto_merge: false,
          required_contexts: [],
          ...request()
        });
        if (!('id' in data)) throw new Error(data.message ?? 'GitHub did not create the deployment.');
        return { id: data.id };
      }),
    createDeploymentStatus: (id, status) =>
      call('create the deployment status', async () => {
        const octokit = await client;
        await octokit.rest.repos.createDeploymentStatus({
          ...repository,
          deployment_id: id,
          state: status.state,
          description: status.description,
          ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          ...(status.logUrl ? { log_url: status.logUrl } : {}),
          ...request()
        });
      })
  };
}

/** Octokit's errors (RequestError with `status`, aborts, network errors) as one error type with the status. */
async function call<T>(operation: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const status =
      typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 0;
    // Octokit appends " - <documentation URL>" to GitHub's message: noise in a warning.
    const message = (error instanceof Error ? error.message : String(error)).replace(/ - https:\/\/\S+$/, '');
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new GitHubApiError(
      operation,
      status,
      timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : message
    );
  }
}
