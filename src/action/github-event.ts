import { readFileSync } from 'node:fs';
import type { GitHubEvent } from './github-port.js';

/**
 * The run's GitHub event from the runner's environment: repository, commit, pull request number, run URL.
 * Undefined outside a runner (no GITHUB_REPOSITORY or GITHUB_SHA), where there is nothing to report to.
 */
export function readGitHubEvent(env: NodeJS.ProcessEnv = process.env): GitHubEvent | undefined {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo || !env.GITHUB_SHA) return undefined;
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const pullRequest = payload?.pull_request;
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  // On a pull request GITHUB_SHA is a merge commit GitHub made; the checks tab shows the head's checks.
  const sha = typeof pullRequest?.head?.sha === 'string' ? pullRequest.head.sha : env.GITHUB_SHA;
  const runUrl = env.GITHUB_RUN_ID
    ? `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT && env.GITHUB_RUN_ATTEMPT !== '1' ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : ''}`
    : undefined;
  return {
    name: env.GITHUB_EVENT_NAME ?? '',
    owner,
    repo,
    sha,
    ...(typeof pullRequest?.number === 'number' ? { pullRequest: pullRequest.number } : {}),
    serverUrl,
    ...(runUrl ? { runUrl } : {})
  };
}

interface EventPayload {
  pull_request?: { number?: unknown; head?: { sha?: unknown } };
}

/** The webhook payload the runner wrote; a missing or unreadable file is an event without a pull request. */
function readPayload(path: string | undefined): EventPayload | undefined {
  if (!path) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as EventPayload;
  } catch {
    return undefined;
  }
}
