import { innermostUserFrame, parsePythonTraceback } from '../scoring-script/python-traceback.js';
import { adviseCapacity } from './capacity.js';
import type { LocalPath } from '../config/ml-specs.js';
import type { StageName } from '../run/stage.js';
import { toFinding, type Explanation } from '../diagnose/explanation.js';
import type { Evidence, Finding } from '../run/finding.js';
import { safeForFence, tail } from '../scoring-script/log-excerpt.js';
import { repositoryPath } from '../scoring-script/repository-path.js';

/** A scoring request's answer, as the caller received it. */
export interface ScoringResponse {
  status: number;
  /** Response body (text); shown shortened. */
  body?: string;
  /** Response headers, lower-case names (`ms-azureml-model-error-statuscode`, `x-ms-request-id`). */
  headers?: Record<string, string>;
}

/** What the caller knows about the deployment and the load when the answer came. */
export interface ScoringSituation {
  /** The stage the finding is attributed to (default `health`). */
  stage?: StageName;
  deployment?: string;
  /** Managed endpoints answer 424/408/429; Kubernetes ones 502/504/503. */
  endpointKind?: 'managed' | 'kubernetes';
  /** request_settings.request_timeout_ms (Azure's default 5000). */
  requestTimeoutMs?: number;
  /** request_settings.max_concurrent_requests_per_instance (Azure's default 1). */
  maxConcurrentRequestsPerInstance?: number;
  instanceCount?: number;
  /** Requests in flight when the answer came (the probe's concurrency). */
  concurrency?: number;
  /** Requests per second the deployment must serve, and the typical latency of a request, for the formula. */
  requestsPerSecond?: number;
  latencyMs?: number;
  /**
   * The InferenceServer log (getLogs), already redacted by the caller: the run() traceback is there, not in
   * the response body.
   */
  serverLog?: string;
  /** The uploaded code folder, to map the run() traceback to a repository file and line. */
  codeFolder?: LocalPath;
}

/**
 * Explains a scoring answer that is not a success, as a finding for the health gate:
 * - 424 (managed) / 502 (Kubernetes): run() raised — the traceback from `serverLog`, mapped to the repository
 *   file and line (the finding's location);
 * - 408 / 504: the request took longer than request_timeout_ms;
 * - 429 / 503: more requests than the deployment's capacity — with the health gate's instance formula;
 * - 401 / 403: key or token refused; 404: no such endpoint or deployment; other statuses: the body and log.
 * Returns undefined for 1xx–3xx. Pure: no Azure calls; the caller redacts `body` if it may hold secrets
 * (the report redacts findings again before they leave the process).
 */
export function diagnoseScoringResponse(
  response: ScoringResponse,
  situation: ScoringSituation = {}
): Finding | undefined {
  if (response.status < 400) return undefined;
  const explanation = explainStatus(response, situation);
  return toFinding(explanation.id, situation.stage ?? 'health', explanation);
}

type Explained = Explanation & { id: string };

function explainStatus(response: ScoringResponse, situation: ScoringSituation): Explained {
  const { status } = response;
  if (status === 424 || status === 502) return runFailed(response, situation);
  if (status === 408 || status === 504) return timedOut(response, situation);
  if (status === 429 || status === 503) return overCapacity(response, situation);
  if (status === 401 || status === 403) {
    return {
      id: 'scoring-unauthorized',
      title: 'Scoring request not authorized',
      cause: `The endpoint refused the request (HTTP ${status}): the key or token is wrong or expired, or the endpoint's auth_mode differs from what the caller used.`,
      fix: "Use a current key (`az ml online-endpoint get-credentials`) or an aml_token for endpoints with auth_mode 'aml_token'.",
      evidence: bodyEvidence(response)
    };
  }
  return {
    id: status === 404 ? 'scoring-not-found' : 'scoring-failed',
    title: status === 404 ? 'Scoring URI not found' : `Scoring answered HTTP ${status}`,
    cause:
      status === 404
        ? `The scoring request found no endpoint or deployment (HTTP 404)${situation.deployment ? ` for '${situation.deployment}'` : ''}: the deployment may have no traffic yet, or the 'azureml-model-deployment' header names a deployment that does not exist.`
        : `The scoring request failed with HTTP ${status}.`,
    fix: 'Check the scoring URI and deployment name; read the InferenceServer log below.',
    evidence: [...bodyEvidence(response), ...logEvidence(situation.serverLog)]
  };
}

function runFailed(response: ScoringResponse, situation: ScoringSituation): Explained {
  const modelStatus = response.headers?.['ms-azureml-model-error-statuscode'];
  const traceback = situation.serverLog ? lastTraceback(situation.serverLog) : undefined;
  const parsed = traceback ? parsePythonTraceback(traceback) : undefined;
  const frame = parsed ? innermostUserFrame(parsed.frames) : undefined;
  const file = frame ? repositoryPath(frame.file, situation.codeFolder) : undefined;
  const exception = parsed ? `${parsed.exceptionType}: ${parsed.exceptionMessage}` : undefined;
  return {
    id: 'scoring-run-failed',
    title: 'run() failed',
    cause: `The scoring script's run() failed (HTTP ${response.status}${modelStatus ? `, the model answered ${modelStatus}` : ''})${exception ? `: ${exception}` : ''}${file ? ` (${file} line ${frame!.line})` : ''}.`,
    fix: 'Fix run() where the traceback points; check it with the sample request against the local target (target: local) before deploying.',
    evidence: [
      ...(traceback
        ? [{ title: 'run() traceback (InferenceServer log)', text: safeForFence(traceback) }]
        : []),
      ...bodyEvidence(response),
      ...(traceback ? [] : logEvidence(situation.serverLog))
    ],
    ...(file ? { location: { file, line: frame!.line } } : {})
  };
}

function timedOut(response: ScoringResponse, situation: ScoringSituation): Explained {
  const timeout = situation.requestTimeoutMs ?? 5000;
  return {
    id: 'scoring-timeout',
    title: 'Scoring request timed out',
    cause: `A scoring request took longer than request_timeout_ms (${timeout} ms) and was cut off (HTTP ${response.status})${situation.latencyMs ? `; typical latency was ${Math.round(situation.latencyMs)} ms` : ''}.`,
    fix: `Make run() faster (load the model in init(), not per request; smaller batches), or raise request_settings.request_timeout_ms above ${timeout} (at most 180000) in the deployment YAML.`,
    evidence: [...bodyEvidence(response), ...logEvidence(situation.serverLog)]
  };
}

/**
 * Capacity: managed endpoints admit max_concurrent_requests_per_instance × instances in flight and as many
 * waiting, then answer 429; Kubernetes ones answer 503 above capacity. With a load and a latency, the instance
 * count comes from the health gate's formula (src/health/capacity.ts), so both say the same number.
 */
function overCapacity(response: ScoringResponse, situation: ScoringSituation): Explained {
  const perInstance = situation.maxConcurrentRequestsPerInstance ?? 1;
  const instances = situation.instanceCount ?? 1;
  const capacity = perInstance * instances;
  const advice =
    situation.requestsPerSecond !== undefined && situation.latencyMs !== undefined
      ? adviseCapacity(situation.requestsPerSecond, situation.latencyMs, {
          maxConcurrentRequestsPerInstance: perInstance,
          concurrencySource: 'request_settings.max_concurrent_requests_per_instance',
          utilization: DEFAULT_UTILIZATION,
          utilizationSource: "Azure ML's default target utilization",
          instances,
          instancesSource: 'instance_count'
        })
      : undefined;
  const formula = [
    `capacity = max_concurrent_requests_per_instance × instance_count = ${perInstance} × ${instances} = ${capacity} request(s) at once`,
    ...(advice ? [`instances needed = ${advice.formula}`, ...advice.inputs] : [])
  ].join('\n');
  return {
    id: 'scoring-capacity',
    title: 'Deployment over capacity',
    cause: `The deployment refused requests for lack of capacity (HTTP ${response.status}): it serves ${capacity} request(s) at once${situation.concurrency !== undefined ? ` and was sent ${situation.concurrency}` : ''}.`,
    fix:
      advice && !advice.sufficient
        ? `Raise instance_count to at least ${advice.required} (or max_concurrent_requests_per_instance, if one instance can run more requests at once), or add autoscale with min_instances ≥ ${advice.required}.`
        : 'Raise instance_count or max_concurrent_requests_per_instance, or spread the requests (clients retrying with back-off on 429/503); set target-rps for the instance count your load needs.',
    evidence: [{ title: 'Capacity', text: formula }, ...bodyEvidence(response)]
  };
}

/** Azure ML scales to keep instances at 70% of their concurrency unless told otherwise. */
const DEFAULT_UTILIZATION = 0.7;

/**
 * The most recent failed request's traceback, from its first block: the inference server logs a run() error as
 * a chain (the user's exception, "The above exception was the direct cause…", then its own wrapper), and the
 * user's block is the one that points at their code.
 */
function lastTraceback(log: string): string | undefined {
  const lines = log.split('\n');
  const isHeader = (line: string): boolean => line.includes('Traceback (most recent call last):');
  let start = lines.findLastIndex(isHeader);
  if (start < 0) return undefined;
  for (;;) {
    const previous = lines.slice(0, start).findLastIndex(isHeader);
    if (previous < 0 || !lines.slice(previous, start).some(line => CHAIN_SEPARATOR.test(line))) break;
    start = previous;
  }
  const block = lines.slice(start);
  // The header may follow a log prefix (`… azmlinfsrv - Encountered Exception: Traceback …`).
  block[0] = block[0]!.slice(block[0]!.indexOf('Traceback (most recent call last):'));
  const end = block.findIndex((line, i) => i > 0 && /^[A-Za-z_][\w.]*(:|$)/.test(line));
  return block.slice(0, end < 0 ? block.length : end + 1).join('\n');
}

const CHAIN_SEPARATOR =
  /^(The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)/;

function bodyEvidence(response: ScoringResponse): Evidence[] {
  if (!response.body) return [];
  const body = response.body.length > 2000 ? `${response.body.slice(0, 2000)} …` : response.body;
  return [{ title: `Response body (HTTP ${response.status})`, text: safeForFence(body) }];
}

function logEvidence(log: string | undefined): Evidence[] {
  return log ? [{ title: 'InferenceServer log (last lines)', text: tail(log) }] : [];
}
