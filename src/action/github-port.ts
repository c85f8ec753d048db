/**
 * What the report layer needs from GitHub, as plain types: the run's event (repository, commit, pull request)
 * and the few REST calls for the PR comment, the check run and the deployment record. The action implements
 * it with `@actions/github` (src/action/github-api.ts); tests pass a fake or the GitHub stand-in.
 */

/** Where the run happens on GitHub, from the runner's environment and event file. */
export interface GitHubEvent {
  /** `GITHUB_EVENT_NAME`, e.g. `pull_request`. */
  name: string;
  owner: string;
  repo: string;
  /** The commit the check run and deployment belong to: the pull request's head, else `GITHUB_SHA`. */
  sha: string;
  /** The pull request's number on `pull_request` and `pull_request_target` events. */
  pullRequest?: number;
  /** `https://github.com`, or a GitHub Enterprise Server. */
  serverUrl: string;
  /** The workflow run's page, where the job summary and log are. */
  runUrl?: string;
}

export interface IssueComment {
  id: number;
  body: string;
}

export interface CheckRunRequest {
  name: string;
  headSha: string;
  conclusion: 'success' | 'failure' | 'cancelled';
  title: string;
  summary: string;
  detailsUrl?: string;
  /** Groups re-runs of the same check in a run (GitHub shows the newest). */
  externalId?: string;
}

export interface CommitStatusRequest {
  sha: string;
  state: 'success' | 'failure' | 'error';
  context: string;
  description: string;
  targetUrl?: string;
}

export interface DeploymentRequest {
  ref: string;
  environment: string;
  description: string;
  /** Facts a deployment reader may want (Azure deployment name, model), stored with the record. */
  payload: Record<string, string>;
}

export interface DeploymentStatusRequest {
  state: 'success' | 'failure' | 'error' | 'inactive';
  description: string;
  environmentUrl?: string;
  logUrl?: string;
}

/** The REST calls, each rejecting with a {@link GitHubApiError}. */
export interface GitHubApi {
  listIssueComments(issue: number): Promise<IssueComment[]>;
  createIssueComment(issue: number, body: string): Promise<IssueComment>;
  updateIssueComment(id: number, body: string): Promise<IssueComment>;
  createCheckRun(request: CheckRunRequest): Promise<{ id: number; url?: string }>;
  createCommitStatus(request: CommitStatusRequest): Promise<void>;
  createDeployment(request: DeploymentRequest): Promise<{ id: number }>;
  createDeploymentStatus(deploymentId: number, request: DeploymentStatusRequest): Promise<void>;
}

/** A failed GitHub API call: the HTTP status tells a missing permission (403, 404) from other failures. */
export class GitHubApiError extends Error {
  constructor(
    /** What was attempted, e.g. "create the check run". */
    readonly operation: string,
    /** HTTP status, 0 when no answer came (network, timeout). */
    readonly status: number,
    message: string
  ) {
    super(`GitHub API: could not ${operation}: ${status ? `HTTP ${status}: ` : ''}${message}`);
    this.name = 'GitHubApiError';
  }

  /** The token lacks a permission (or cannot see the repository): GitHub answers 403 or 404 then. */
  get forbidden(): boolean {
    return this.status === 403 || this.status === 404;
  }
}

/** The event and, with a token, the API. */
export interface GitHubSession {
  event: GitHubEvent;
  api?: GitHubApi;
}
