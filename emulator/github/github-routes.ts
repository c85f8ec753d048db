import { GitHubState, now, type StoredComment } from './github-state.js';

/** An answer of the stand-in: status, JSON body, headers. */
export interface GitHubAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A request below `/repos/{owner}/{repo}`. */
export interface RepoRequest {
  method: string;
  /** The path after `/repos/{owner}/{repo}`, e.g. `/issues/7/comments`. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** `https://…/repos/{owner}/{repo}`, for `url` fields and `Link` headers. */
  repoUrl: string;
}

/** GitHub's limit on comment bodies and check-run output texts. */
export const BODY_LIMIT = 65_536;
const CHECK_TEXT_LIMIT = 65_535;

export function notFound(): GitHubAnswer {
  return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
}

/** GitHub's 422 shape: "Validation Failed" with one error per field. */
function invalid(resource: string, field: string, message: string): GitHubAnswer {
  return {
    status: 422,
    body: {
      message: 'Validation Failed',
      errors: [{ resource, code: 'custom', field, message }],
      documentation_url: 'https://docs.github.com/rest'
    }
  };
}

type Route = [
  method: string,
  pattern: RegExp,
  handler: (match: string[], request: RepoRequest) => GitHubAnswer
];

/** Routes the REST calls the action makes; undefined for anything else (a 404). */
export function routeRepoRequest(state: GitHubState, request: RepoRequest): GitHubAnswer {
  const routes: Route[] = [
    ['GET', /^\/issues\/(\d+)\/comments$/, ([issue], r) => listComments(state, Number(issue), r)],
    ['POST', /^\/issues\/(\d+)\/comments$/, ([issue], r) => createComment(state, Number(issue), r)],
    ['PATCH', /^\/issues\/comments\/(\d+)$/, ([id], r) => updateComment(state, Number(id), r)],
    ['POST', /^\/check-runs$/, (_, r) => createCheckRun(state, r)],
    ['PATCH', /^\/check-runs\/(\d+)$/, ([id], r) => updateCheckRun(state, Number(id), r)],
    ['POST', /^\/statuses\/([0-9a-f]{7,40})$/i, ([sha], r) => createStatus(state, sha!, r)],
    ['GET', /^\/deployments$/, () => ({ status: 200, body: [...state.deployments].reverse() })],
    ['POST', /^\/deployments$/, (_, r) => createDeployment(state, r)],
    ['GET', /^\/deployments\/(\d+)\/statuses$/, ([id]) => listDeploymentStatuses(state, Number(id))],
    ['POST', /^\/deployments\/(\d+)\/statuses$/, ([id], r) => createDeploymentStatus(state, Number(id), r)]
  ];
  for (const [method, pattern, handler] of routes) {
    const match = pattern.exec(request.path);
    if (match && method === request.method) return handler(match.slice(1), request);
  }
  return notFound();
}

function commentView(comment: StoredComment, repoUrl: string): unknown {
  return {
    ...comment,
    url: `${repoUrl}/issues/comments/${comment.id}`,
    issue_url: `${repoUrl}/issues/${comment.issue}`
  };
}

/** Pages as GitHub does: `per_page` (30 by default, at most 100), `page`, and a `Link` header. */
function listComments(state: GitHubState, issue: number, request: RepoRequest): GitHubAnswer {
  const all = state.comments.filter(comment => comment.issue === issue);
  const perPage = Math.min(100, Math.max(1, Number(request.query.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(request.query.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const items = all.slice((page - 1) * perPage, page * perPage).map(c => commentView(c, request.repoUrl));
  const link = (n: number, rel: string) =>
    `<${request.repoUrl}/issues/${issue}/comments?per_page=${perPage}&page=${n}>; rel="${rel}"`;
  const links = page < last ? [link(page + 1, 'next'), link(last, 'last')] : [];
  return { status: 200, body: items, headers: links.length > 0 ? { link: links.join(', ') } : {} };
}

function commentBody(request: RepoRequest): string | GitHubAnswer {
  const body = request.body.body;
  if (typeof body !== 'string' || body === '') return invalid('IssueComment', 'body', 'body is missing');
  if (body.length > BODY_LIMIT)
    return invalid('IssueComment', 'data', `Body is too long (maximum is ${BODY_LIMIT} characters)`);
  return body;
}

function createComment(state: GitHubState, issue: number, request: RepoRequest): GitHubAnswer {
  const body = commentBody(request);
  if (typeof body !== 'string') return body;
  const time = now();
  const comment: StoredComment = {
    id: state.nextId(),
    issue,
    body,
    user: { login: 'github-actions[bot]', type: 'Bot' },
    created_at: time,
    updated_at: time
  };
  state.comments.push(comment);
  return { status: 201, body: commentView(comment, request.repoUrl) };
}

function updateComment(state: GitHubState, id: number, request: RepoRequest): GitHubAnswer {
  const comment = state.comments.find(c => c.id === id);
  if (!comment) return notFound();
  const body = commentBody(request);
  if (typeof body !== 'string') return body;
  comment.body = body;
  comment.updated_at = now();
  return { status: 200, body: commentView(comment, request.repoUrl) };
}

function checkOutput(request: RepoRequest): GitHubAnswer | undefined {
  const output = request.body.output as { title?: unknown; summary?: unknown; text?: unknown } | undefined;
  if (output === undefined) return undefined;
  if (typeof output.title !== 'string' || typeof output.summary !== 'string')
    return invalid('CheckRun', 'output', 'output needs a title and a summary');
  for (const field of ['summary', 'text'] as const) {
    const text = output[field];
    if (typeof text === 'string' && text.length > CHECK_TEXT_LIMIT)
      return invalid(
        'CheckRun',
        `output.${field}`,
        `Only ${CHECK_TEXT_LIMIT} characters are allowed; ${text.length} were supplied.`
      );
  }
  return undefined;
}

function createCheckRun(state: GitHubState, request: RepoRequest): GitHubAnswer {
  const { name, head_sha: headSha, status = 'queued', conclusion } = request.body as Record<string, string>;
  if (!name) return invalid('CheckRun', 'name', 'name is missing');
  if (!headSha) return invalid('CheckRun', 'head_sha', 'head_sha is missing');
  if (status === 'completed' && !conclusion)
    return invalid('CheckRun', 'conclusion', 'conclusion is required when status is completed');
  const problem = checkOutput(request);
  if (problem) return problem;
  const time = now();
  const run = {
    id: state.nextId(),
    name,
    head_sha: headSha,
    status: conclusion ? 'completed' : status,
    conclusion: conclusion ?? null,
    output: (request.body.output as object | undefined) ?? {},
    ...(request.body.details_url ? { details_url: String(request.body.details_url) } : {}),
    ...(request.body.external_id ? { external_id: String(request.body.external_id) } : {}),
    started_at: time,
    completed_at: conclusion ? time : null
  };
  state.checkRuns.push(run);
  return { status: 201, body: { ...run, html_url: `${request.repoUrl}/runs/${run.id}` } };
}

function updateCheckRun(state: GitHubState, id: number, request: RepoRequest): GitHubAnswer {
  const run = state.checkRuns.find(r => r.id === id);
  if (!run) return notFound();
  const problem = checkOutput(request);
  if (problem) return problem;
  const { status, conclusion } = request.body as Record<string, string | undefined>;
  if (status) run.status = status;
  if (conclusion) Object.assign(run, { conclusion, status: 'completed', completed_at: now() });
  if (request.body.output) run.output = request.body.output as StoredOutput;
  return { status: 200, body: run };
}

type StoredOutput = { title?: string; summary?: string; text?: string };

const STATUS_STATES = ['error', 'failure', 'pending', 'success'];

function createStatus(state: GitHubState, sha: string, request: RepoRequest): GitHubAnswer {
  const {
    state: value,
    context = 'default',
    description,
    target_url: targetUrl
  } = request.body as Record<string, string | undefined>;
  if (!value || !STATUS_STATES.includes(value))
    return invalid('Status', 'state', `state must be one of ${STATUS_STATES.join(', ')}`);
  if (description && description.length > 140)
    return invalid('Status', 'description', 'description is too long (maximum is 140 characters)');
  const status = {
    id: state.nextId(),
    sha,
    state: value,
    context,
    ...(description ? { description } : {}),
    ...(targetUrl ? { target_url: targetUrl } : {}),
    created_at: now()
  };
  state.statuses.push(status);
  return { status: 201, body: status };
}

function createDeployment(state: GitHubState, request: RepoRequest): GitHubAnswer {
  const body = request.body;
  if (typeof body.ref !== 'string' || body.ref === '') return invalid('Deployment', 'ref', 'ref is missing');
  const deployment = {
    id: state.nextId(),
    ref: body.ref,
    sha: body.ref,
    environment: typeof body.environment === 'string' ? body.environment : 'production',
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    payload: body.payload ?? {},
    ...(typeof body.auto_merge === 'boolean' ? { auto_merge: body.auto_merge } : {}),
    ...(Array.isArray(body.required_contexts)
      ? { required_contexts: body.required_contexts as string[] }
      : {}),
    created_at: now()
  };
  state.deployments.push(deployment);
  return { status: 201, body: { ...deployment, url: `${request.repoUrl}/deployments/${deployment.id}` } };
}

const DEPLOYMENT_STATES = ['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success'];

function createDeploymentStatus(state: GitHubState, id: number, request: RepoRequest): GitHubAnswer {
  if (!state.deployments.some(d => d.id === id)) return notFound();
  const {
    state: value,
    description,
    environment_url: environmentUrl,
    log_url: logUrl
  } = request.body as Record<string, string | undefined>;
  if (!value || !DEPLOYMENT_STATES.includes(value))
    return invalid('DeploymentStatus', 'state', `state must be one of ${DEPLOYMENT_STATES.join(', ')}`);
  const status = {
    id: state.nextId(),
    deployment_id: id,
    state: value,
    ...(description ? { description } : {}),
    ...(environmentUrl ? { environment_url: environmentUrl } : {}),
    ...(logUrl ? { log_url: logUrl } : {}),
    created_at: now()
  };
  state.deploymentStatuses.push(status);
  return { status: 201, body: status };
}

function listDeploymentStatuses(state: GitHubState, id: number): GitHubAnswer {
  if (!state.deployments.some(d => d.id === id)) return notFound();
  return { status: 200, body: state.deploymentStatuses.filter(s => s.deployment_id === id).reverse() };
}
