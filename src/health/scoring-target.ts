/**
 * Where the health gate sends its requests: any scoring URI with the headers it needs. The cloud stage
 * builds one for a managed or Kubernetes deployment (key or token, `azureml-model-deployment`); the local
 * target builds one for `http://127.0.0.1:<port>/score` without auth.
 */
export interface ScoringTarget {
  /** The scoring URI, `https://…/score` or `http://127.0.0.1:<port>/score`. */
  uri: string;
  /** Sent with every request, e.g. `authorization` and `azureml-model-deployment`. Values are never logged. */
  headers: Record<string, string>;
  /** Shown in reports: "deployment 'linear-1a2b3c4d' of endpoint 'linear-ep'", "the local server". */
  label: string;
  /** PEM of extra CAs to trust (in-process tests); otherwise the system's and NODE_EXTRA_CA_CERTS. */
  trustedCaPem?: string;
  /** How long one request may take before it counts as timed out (default 90 s, and never past the deadline). */
  requestTimeoutMs?: number;
}

/**
 * What the capacity advice needs to know about the deployment: its concurrency per instance, the utilization
 * it scales at, and the instances it has at least. `source` says where each came from, for the evidence.
 */
export interface CapacitySettings {
  maxConcurrentRequestsPerInstance: number;
  concurrencySource: string;
  /** 0 < utilization ≤ 1: Kubernetes `TargetUtilization` scale settings' percentage, else 0.7. */
  utilization: number;
  utilizationSource: string;
  /** The minimum (autoscale) or fixed instance count. */
  instances: number;
  instancesSource: string;
}
