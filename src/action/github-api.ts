import { HttpClient } from '@actions/http-client';
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
  return { event, api: gitHubRestApi(token, baseUrl, event) };
}

/**
 * Each call gives up after this long: GitHub answers in well under a second, and a hanging API must not keep
 * a finished deployment's step running (the runner's cancel gives a step ~7 s).
 */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * {@link GitHubApi} on the REST endpoints, through @actions/http-client: the client @actions/core already
 * brings, which follows the runner's proxy settings (https_proxy, no_proxy). Octokit would add 120 KiB to
 * dist/ for seven calls.
 */
export function gitHubRestApi(token: string, baseUrl: string, event: GitHubEvent): GitHubApi {
  const rest = new GitHubRest(token, baseUrl);
  const repo = `/repos/${encodeURIComponent(event.owner)}/${encodeURIComponent(event.repo)}`;
  return {
    listIssueComments: issue =>
      call('list the pull request comments', async () => {
        const comments = await rest.getAllPages<Comment>(`${repo}/issues/${issue}/comments?per_page=100`);
        return comments.map(commentOf);
      }),
    createIssueComment: (issue, body) =>
      call('create the pull request comment', async () =>
        commentOf(await rest.send<Comment>('POST', `${repo}/issues/${issue}/comments`, { body }))
      ),
    updateIssueComment: (id, body) =>
      call('update the pull request comment', async () =>
        commentOf(await rest.send<Comment>('PATCH', `${repo}/issues/comments/${id}`, { body }))
      ),
    createCheckRun: check =>
      call('create the check run', async () => {
        const data = await rest.send<{ id: number; html_url?: string | null }>('POST', `${repo}/check-runs`, {
          name: check.name,
          head_sha: check.headSha,
          status: 'completed',
          conclusion: check.conclusion,
          output: { title: check.title, summary: check.summary },
          ...(check.detailsUrl ? { details_url: check.detailsUrl } : {}),
          ...(check.externalId ? { external_id: check.externalId } : {})
        });
        return { id: data.id, ...(data.html_url ? { url: data.html_url } : {}) };
      }),
    createCommitStatus: status =>
      call('create the commit status', async () => {
        await rest.send('POST', `${repo}/statuses/${status.sha}`, {
          state: status.state,
          context: status.context,
          description: status.description,
          ...(status.targetUrl ? { target_url: status.targetUrl } : {})
        });
      }),
    createDeployment: deployment =>
      call('create the deployment', async () => {
        const data = await rest.send<{ id?: number; message?: string }>('POST', `${repo}/deployments`, {
          ref: deployment.ref,
          environment: deployment.environment,
          description: deployment.description,
          payload: deployment.payload,
          // The deployment already happened: no merging of the default branch, no waiting for other checks.
          auto_merge: false,
          required_contexts: []
        });
        // 202 with a message: GitHub merged nothing and created nothing (e.g. a merge conflict).
        if (typeof data.id !== 'number')
          throw new Error(data.message ?? 'GitHub did not create the deployment.');
        return { id: data.id };
      }),
    createDeploymentStatus: (id, status) =>
      call('create the deployment status', async () => {
        await rest.send('POST', `${repo}/deployments/${id}/statuses`, {
          state: status.state,
          description: status.description,
          ...(status.environmentUrl ? { environment_url: status.environmentUrl } : {}),
          ...(status.logUrl ? { log_url: status.logUrl } : {})
        });
      })
  };
}

interface Comment {
  id: number;
  body?: string | null;
}

const commentOf = (comment: Comment) => ({ id: comment.id, body: comment.body ?? '' });

/** GitHub's answer to a request it refused: the status, and its `message` (e.g. "Bad credentials"). */
class GitHubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** JSON over HTTPS with the run's token; each request gives up after {@link REQUEST_TIMEOUT_MS}. */
class GitHubRest {
  private readonly http: HttpClient;

  constructor(
    private readonly token: string,
    private readonly baseUrl: string
  ) {
    this.http = new HttpClient('azureml-staged-deploy', [], { socketTimeout: REQUEST_TIMEOUT_MS });
  }

  async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.request<T>(method, `${this.baseUrl}${path}`, body)).data;
  }

  /** Follows `Link: <…>; rel="next"` until the last page. */
  async getAllPages<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = `${this.baseUrl}${path}`;
    while (url) {
      const page: { data: T[]; next?: string } = await this.request<T[]>('GET', url);
      items.push(...page.data);
      url = page.next;
    }
    return items;
  }

  private async request<T>(method: string, url: string, body?: unknown): Promise<{ data: T; next?: string }> {
    const headers = {
      accept: 'application/vnd.github+json',
      authorization: `token ${this.token}`,
      'x-github-api-version': '2022-11-28',
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    };
    const response = await withTimeout(
      this.http.request(method, url, body === undefined ? null : JSON.stringify(body), headers)
    );
    const text = await withTimeout(response.readBody());
    const status = response.message.statusCode ?? 0;
    const data = text ? (JSON.parse(text) as unknown) : undefined;
    if (status < 200 || status >= 300) {
      const message = (data as { message?: unknown } | undefined)?.message;
      throw new GitHubHttpError(status, typeof message === 'string' ? message : text || `HTTP ${status}`);
    }
    const link = response.message.headers.link;
    const next = typeof link === 'string' ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
    return { data: data as T, ...(next ? { next } : {}) };
  }
}

class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** A hanging API must not keep a finished deployment's step running. */
function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError('timed out')), REQUEST_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** GitHub's refusals, timeouts and network errors as one error type with the status. */
async function call<T>(operation: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    const status = error instanceof GitHubHttpError ? error.status : 0;
    const message = error instanceof Error ? error.message : String(error);
    const timedOut = error instanceof TimeoutError;
    throw new GitHubApiError(
      operation,
      status,
      timedOut ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s` : message
    );
  }
}
