import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { routeRepoRequest, notFound, type GitHubAnswer } from './github-routes.js';
import { GitHubState } from './github-state.js';

export { BODY_LIMIT } from './github-routes.js';
export type * from './github-state.js';

/** One request as the stand-in saw it, for assertions. */
export interface GitHubRequestRecord {
  method: string;
  /** Path below the API root, e.g. `/repos/octo-org/repo/issues/7/comments`. */
  path: string;
  status: number;
  /** How the client authenticated: `token …`, `Bearer …`, or not at all. */
  auth: 'token' | 'bearer' | 'none';
  /** The JSON body sent, if any. */
  body?: unknown;
}

/** Answers a matching request with `status` (403 by default) instead of serving it. */
export interface GitHubDenial {
  /** Matched against the path below the API root; a string matches as a substring. */
  path: RegExp | string;
  method?: string;
  /** Deny only this token (e.g. a read-only one); all tokens when absent. */
  token?: string;
  status?: number;
  message?: string;
}

export interface GitHubStandInOptions {
  /** `owner/repo` served; others answer 404. */
  repository?: string;
  /** The token clients must send (`Authorization: token …` or `Bearer …`); others get 401. */
  token?: string;
  /** More tokens accepted, e.g. a second one to deny things for. */
  extraTokens?: string[];
}

/** A running GitHub REST stand-in. */
export interface GitHubStandIn {
  /** GITHUB_API_URL for the action: `http://127.0.0.1:<port>`. */
  apiUrl: string;
  repository: string;
  token: string;
  state: GitHubState;
  requests: GitHubRequestRecord[];
  deny(denial: GitHubDenial): void;
  /** Forgets denials, requests and state. */
  reset(): void;
  /**
   * The runner's environment for a `pull_request` run of this repository: GITHUB_API_URL, GITHUB_EVENT_NAME,
   * GITHUB_EVENT_PATH (an event file written to `dir`), GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_RUN_ID,
   * GITHUB_SERVER_URL.
   */
  pullRequestEnv(
    dir: string,
    pullRequest: { number: number; headSha: string; mergeSha?: string }
  ): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Starts the GitHub REST stand-in on a loopback port of its own. It is a listener apart from the Azure
 * stand-in's HTTPS server because that server routes every unknown path to ARM, which demands ARM tokens,
 * while GitHub's API lives at the root of its own origin (`/repos/…`), as GITHUB_API_URL expects. Plain HTTP
 * on 127.0.0.1 is enough: the action's GitHub client takes whatever origin GITHUB_API_URL names.
 */
export async function startGitHubStandIn(options: GitHubStandInOptions = {}): Promise<GitHubStandIn> {
  const repository = options.repository ?? 'octo-org/ml-repo';
  const token = options.token ?? 'ghs_standInToken0123456789';
  const tokens = new Set([token, ...(options.extraTokens ?? [])]);
  const state = new GitHubState();
  const requests: GitHubRequestRecord[] = [];
  const denials: GitHubDenial[] = [];
  let origin = '';

  const server = createServer((req, res) => {
    void readJson(req).then(body => {
      const url = new URL(req.url ?? '/', origin);
      const credential = parseAuthorization(req.headers.authorization);
      const answer = answerRequest(req.method ?? 'GET', url, body, credential?.token);
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        status: answer.status,
        auth: credential?.scheme ?? 'none',
        ...(body !== undefined ? { body } : {})
      });
      send(res, answer);
    });
  });

  function answerRequest(
    method: string,
    url: URL,
    body: unknown,
    presented: string | undefined
  ): GitHubAnswer {
    if (!presented || !tokens.has(presented))
      return {
        status: 401,
        body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' }
      };
    const denial = denials.find(
      d =>
        (!d.method || d.method.toUpperCase() === method) &&
        (!d.token || d.token === presented) &&
        (typeof d.path === 'string' ? url.pathname.includes(d.path) : d.path.test(url.pathname))
    );
    if (denial) {
      return {
        status: denial.status ?? 403,
        body: {
          message: denial.message ?? 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest'
        }
      };
    }
    const prefix = `/repos/${repository}`;
    if (!url.pathname.toLowerCase().startsWith(prefix.toLowerCase())) return notFound();
    return routeRepoRequest(state, {
      method,
      path: url.pathname.slice(prefix.length),
      query: url.searchParams,
      body: (body && typeof body === 'object' ? body : {}) as Record<string, unknown>,
      repoUrl: `${origin}${prefix}`
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: origin,
    repository,
    token,
    state,
    requests,
    deny: denial => void denials.push(denial),
    reset() {
      denials.length = 0;
      requests.length = 0;
      state.clear();
    },
    pullRequestEnv(dir, pullRequest) {
      const eventPath = join(dir, 'github-event.json');
      const payload = {
        action: 'synchronize',
        number: pullRequest.number,
        pull_request: { number: pullRequest.number, head: { sha: pullRequest.headSha, ref: 'feature' } },
        repository: { full_name: repository }
      };
      writeFileSync(eventPath, JSON.stringify(payload));
      return {
        GITHUB_API_URL: origin,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: repository,
        GITHUB_SHA: pullRequest.mergeSha ?? 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed',
        GITHUB_RUN_ID: '4242',
        GITHUB_SERVER_URL: 'https://github.example'
      };
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      })
  };
}

function parseAuthorization(
  header: string | undefined
): { scheme: 'token' | 'bearer'; token: string } | undefined {
  const match = /^(token|bearer)\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  return { scheme: match[1]!.toLowerCase() as 'token' | 'bearer', token: match[2]! };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function send(res: ServerResponse, answer: GitHubAnswer): void {
  const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'x-github-request-id': `LOCAL:${Date.now().toString(16)}`,
    ...answer.headers
  });
  res.end(body);
}
