import type { Log } from '../run/log.js';
import {
  GitHubApiError,
  type GitHubApi,
  type GitHubEvent,
  type GitHubSession
} from '../action/github-port.js';
import {
  checkName,
  checkTitle,
  commentMarker,
  renderPullRequestComment,
  renderReportBody,
  statusDescription,
  type PullRequestReportInput
} from './pull-request-report.js';
import { recordDeployment } from './deployment-record.js';
import { redactingApi } from './redacting-api.js';

/** Everything the GitHub side of the report needs. */
export interface GitHubReportInput extends Omit<PullRequestReportInput, 'sha'> {
  /** `pr-comment`: false leaves the comment out. */
  prComment: boolean;
  redact(text: string): string;
}

/**
 * On a pull request: the sticky comment and the check run (or a commit status); for a model deployment: the
 * GitHub deployment record. Each is attempted on its own, and a failure — a missing permission, an API error,
 * a timeout — is a warning that says which permission to grant: reporting never fails a deployment.
 */
export async function publishToGitHub(
  session: GitHubSession,
  input: GitHubReportInput,
  log: Log
): Promise<void> {
  if (!session.api) return;
  // Every body leaves through the redactor, whichever call sends it.
  const api = redactingApi(session.api, input.redact);
  const { event } = session;
  const bodies: PullRequestReportInput = { ...input, sha: event.sha };
  const tasks: Promise<void>[] = [];
  if (event.pullRequest !== undefined) {
    const pullRequest = event.pullRequest;
    if (input.prComment)
      tasks.push(attempt(log, 'pr-comment', () => upsertComment(api, pullRequest, bodies, log)));
    tasks.push(attempt(log, 'check', () => publishCheck(api, event, bodies, log)));
  }
  tasks.push(attempt(log, 'deployment', () => recordDeployment(api, event, input, log)));
  await Promise.all(tasks);
}

/** Updates this subject's comment in place (found by its hidden marker), or creates it. */
async function upsertComment(
  api: GitHubApi,
  pullRequest: number,
  input: PullRequestReportInput,
  log: Log
): Promise<void> {
  const marker = commentMarker(input.subject);
  const body = renderPullRequestComment(input);
  const existing = (await api.listIssueComments(pullRequest)).find(comment => comment.body.includes(marker));
  if (existing) {
    await api.updateIssueComment(existing.id, body);
    log.info(`Updated the report comment on pull request #${pullRequest}.`);
  } else {
    await api.createIssueComment(pullRequest, body);
    log.info(`Commented the report on pull request #${pullRequest}.`);
  }
}

/**
 * A check run carries the whole report; creating one needs `checks: write`, which the workflow token lacks
 * unless the workflow asks for it. A commit status (`statuses: write`) can be required by branch protection
 * just as well, so it stands in when the check run is refused.
 */
async function publishCheck(
  api: GitHubApi,
  event: GitHubEvent,
  input: PullRequestReportInput,
  log: Log
): Promise<void> {
  const { report, subject } = input;
  const name = checkName(subject);
  const conclusion = report.cancelled ? 'cancelled' : report.status === 'succeeded' ? 'success' : 'failure';
  try {
    await api.createCheckRun({
      name,
      headSha: event.sha,
      conclusion,
      title: checkTitle(report, subject),
      summary: renderReportBody(input, 'check'),
      externalId: subject.key,
      ...(event.runUrl ? { detailsUrl: event.runUrl } : {})
    });
    log.info(`Check run '${name}': ${conclusion}.`);
  } catch (error) {
    if (!(error instanceof GitHubApiError) || !error.forbidden) throw error;
    await api.createCommitStatus({
      sha: event.sha,
      state: conclusion === 'success' ? 'success' : conclusion === 'failure' ? 'failure' : 'error',
      context: name,
      description: statusDescription(report),
      ...(event.runUrl ? { targetUrl: event.runUrl } : {})
    });
    log.info(
      `Commit status '${name}': ${conclusion} (a check run was refused: ${error.message}; grant 'checks: write' for a check run with the whole report).`
    );
  }
}

/** What each part needs, for the warning when it is refused. */
const PERMISSION: Record<string, { what: string; grant: string }> = {
  'pr-comment': {
    what: 'the pull-request comment',
    grant: "add 'pull-requests: write' to the job's 'permissions:' (or set 'pr-comment: false')"
  },
  check: {
    what: 'the check run and the commit status',
    grant: "add 'checks: write' (or at least 'statuses: write') to the job's 'permissions:'"
  },
  deployment: {
    what: 'the GitHub deployment record',
    grant: "add 'deployments: write' to the job's 'permissions:'"
  }
};

async function attempt(log: Log, part: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const { what, grant } = PERMISSION[part]!;
    const reason = error instanceof Error ? error.message : String(error);
    const advice =
      error instanceof GitHubApiError && error.forbidden
        ? ` The token lacks a permission: ${grant}, or pass a 'github-token' that has it.`
        : '';
    log.warning(`Could not write ${what}: ${reason}.${advice} The deployment itself is not affected.`, {
      title: 'GitHub report not written'
    });
  }
}
