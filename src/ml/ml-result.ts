/** A registered asset version the deployment uses, and whether this run registered it. */
export interface AssetVersionReport {
  name: string;
  version: string;
  /** ARM id of the version. */
  id: string;
  /** `registered`: this run created the version; `reused`: an identical one existed; `given`: named by the user. */
  action: 'registered' | 'reused' | 'given';
  /** Content hash of uploaded files (models and code). */
  hash?: string;
  /** Bytes uploaded by this run (0 when everything was already in the datastore). */
  uploadedBytes?: number;
}

/** What the model stages did, for outputs and the summary; filled in as they go, so a failure still shows. */
export interface MlResult {
  workspace: string;
  endpointName: string;
  /** ARM id and location of the workspace, once read. */
  workspaceId?: string;
  location?: string;
  model?: AssetVersionReport;
  environment?: AssetVersionReport;
  code?: AssetVersionReport;
  endpoint?: { kind: 'managed' | 'kubernetes'; created: boolean; scoringUri: string };
  deployment?: { name: string; action: 'created' | 'unchanged' | 'retried'; provisioningState: string };
  /** Traffic before and after the traffic stage (deployment name → percent). */
  traffic?: { before: Record<string, number>; after: Record<string, number>; changed: boolean };
  /** Whether a health gate was configured (`sample-request`): the summary says so when it was not. */
  healthChecked?: boolean;
  /** Deployments deleted because `keep-previous` is false. */
  deleted?: string[];
  /**
   * The run's deployment that failed or failed the health gate, after the run (failed-deployment.ts): deleted,
   * being deleted, or left behind (with the command that deletes it).
   */
  failedDeployment?: {
    name: string;
    outcome: 'deleted' | 'deleting' | 'left';
    why: string;
    deleteCommand?: string;
  };
}
