import type { GitHubApi } from '../action/github-port.js';

/**
 * The GitHub API with every text it sends passed through `redact` first. The runner masks secrets in the log
 * only; a comment, a check run or a deployment description is published as sent, so redaction happens here,
 * at the one door every body goes through.
 */
export function redactingApi(api: GitHubApi, redact: (text: string) => string): GitHubApi {
  const clean = <T extends object>(request: T): T => redactStrings(request, redact);
  return {
    listIssueComments: issue => api.listIssueComments(issue),
    createIssueComment: (issue, body) => api.createIssueComment(issue, redact(body)),
    updateIssueComment: (id, body) => api.updateIssueComment(id, redact(body)),
    createCheckRun: request => api.createCheckRun(clean(request)),
    createCommitStatus: request => api.createCommitStatus(clean(request)),
    createDeployment: request => api.createDeployment(clean(request)),
    createDeploymentStatus: (id, request) => api.createDeploymentStatus(id, clean(request))
  };
}

function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(item => redactStrings(item, redact)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item, redact)])
    ) as T;
  }
  return value;
}
