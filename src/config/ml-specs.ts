/**
 * What `endpoint.yml` and `deployment.yml` (the `az ml` v2 files) say, typed and validated. Local paths are
 * already resolved (relative to the YAML file, as in `az ml`) and known to exist inside the workspace.
 */

/** Managed online endpoints (successor of ACI) or Kubernetes online endpoints (successor of AKS). */
export type EndpointKind = 'managed' | 'kubernetes';

/** A file or folder on the runner that will be uploaded. */
export interface LocalPath {
  kind: 'path';
  /** Real absolute path. */
  absolutePath: string;
  /** Relative to the workspace, with forward slashes: what messages show. */
  displayPath: string;
  isDirectory: boolean;
}

/**
 * An asset already registered in the workspace: `azureml:name:version`, `azureml:name@label` or a full
 * `azureml:/subscriptions/…` id (then only `reference` is set).
 */
export interface RegisteredAsset {
  kind: 'registered';
  /** As written, e.g. `azureml:sklearn-model:3`. */
  reference: string;
  name?: string;
  version?: string;
  label?: string;
}

export type ModelType = 'custom_model' | 'mlflow_model' | 'triton_model';

/** A model registered from local files by the action. */
export interface LocalModel {
  kind: 'local';
  path: LocalPath;
  /** Asset name; when absent the action derives one from the endpoint and deployment names. */
  name?: string;
  version?: string;
  type: ModelType;
  description?: string;
}

export type ModelSpec = RegisteredAsset | LocalModel;

/** An environment defined in the deployment file: an image, an image plus conda file, or a build context. */
export interface InlineEnvironment {
  kind: 'inline';
  name?: string;
  version?: string;
  image?: string;
  /**
   * `text` is the file's content, read by the configuration with the checks every file read passes (inside
   * the workspace, a regular file, within the size limit); stages never read it again.
   */
  condaFile?: LocalPath & { text?: string };
  build?: { path: LocalPath; dockerfilePath?: string };
  description?: string;
}

export type EnvironmentSpec = RegisteredAsset | InlineEnvironment;

export interface CodeConfiguration {
  /** The folder uploaded as the code asset, or a registered code asset. */
  code: LocalPath | RegisteredAsset;
  /** Path of the scoring script relative to the code folder, forward slashes. */
  scoringScript: string;
}

export interface RequestSettings {
  requestTimeoutMs?: number;
  maxConcurrentRequestsPerInstance?: number;
  maxQueueWaitMs?: number;
}

/** Liveness and readiness probes; times in seconds as in the YAML. */
export interface ProbeSettings {
  initialDelay?: number;
  period?: number;
  timeout?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

export type ScaleSettings =
  | { type: 'default' }
  | {
      type: 'target_utilization';
      minInstances?: number;
      maxInstances?: number;
      targetUtilizationPercentage?: number;
      pollingInterval?: number;
    };

/** Kubernetes container requests or limits, as Kubernetes quantities (`500m`, `1Gi`). */
export interface ResourceQuantities {
  cpu?: string;
  memory?: string;
  gpu?: string;
}

export interface IdentitySpec {
  type: 'system_assigned' | 'user_assigned' | 'system_assigned,user_assigned' | 'none';
  userAssignedIdentities?: string[];
}

export interface EndpointSpec {
  /** The YAML file, relative to the workspace; absent when the endpoint comes from inputs only. */
  file?: string;
  kind: EndpointKind;
  name?: string;
  authMode: 'key' | 'aml_token';
  description?: string;
  tags: Record<string, string>;
  /** Kubernetes only: name of the attached compute (without the `azureml:` prefix). */
  compute?: string;
  identity?: IdentitySpec;
  /** Deployment name → percentage, when the file sets it. */
  traffic?: Record<string, number>;
  publicNetworkAccess?: 'enabled' | 'disabled';
}

export interface DeploymentSpec {
  file?: string;
  kind: EndpointKind;
  /** Absent when the action chooses the name (blue/green). */
  name?: string;
  endpointName?: string;
  description?: string;
  tags: Record<string, string>;
  model?: ModelSpec;
  codeConfiguration?: CodeConfiguration;
  environment?: EnvironmentSpec;
  instanceType?: string;
  instanceCount?: number;
  requestSettings?: RequestSettings;
  livenessProbe?: ProbeSettings;
  readinessProbe?: ProbeSettings;
  scaleSettings?: ScaleSettings;
  environmentVariables: Record<string, string>;
  appInsightsEnabled?: boolean;
  /** Kubernetes only. */
  resources?: { requests?: ResourceQuantities; limits?: ResourceQuantities };
  egressPublicNetworkAccess?: 'enabled' | 'disabled';
}
