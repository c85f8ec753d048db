/**
 * What the GitHub stand-in remembers of one repository: issue comments, check runs, commit statuses,
 * deployments and their statuses, in creation order. Shapes follow the REST API's, trimmed to the fields a
 * client reads back.
 */

export interface StoredComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string; type: 'Bot' };
  created_at: string;
  updated_at: string;
}

export interface StoredCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  details_url?: string;
  external_id?: string;
  started_at: string;
  completed_at: string | null;
}

export interface StoredStatus {
  id: number;
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
  created_at: string;
}

export interface StoredDeployment {
  id: number;
  ref: string;
  sha: string;
  environment: string;
  description?: string;
  payload: unknown;
  auto_merge?: boolean;
  required_contexts?: string[];
  created_at: string;
}

export interface StoredDeploymentStatus {
  id: number;
  deployment_id: number;
  state: string;
  description?: string;
  environment_url?: string;
  log_url?: string;
  created_at: string;
}

/** The repository's records; ids are unique across kinds, as GitHub's look to a client. */
export class GitHubState {
  readonly comments: StoredComment[] = [];
  readonly checkRuns: StoredCheckRun[] = [];
  readonly statuses: StoredStatus[] = [];
  readonly deployments: StoredDeployment[] = [];
  readonly deploymentStatuses: StoredDeploymentStatus[] = [];
  #nextId = 1000;

  nextId(): number {
    return this.#nextId++;
  }

  /** Forgets everything (between tests). */
  clear(): void {
    for (const list of [
      this.comments,
      this.checkRuns,
      this.statuses,
      this.deployments,
      this.deploymentStatuses
    ])
      list.length = 0;
  }
}

export function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
