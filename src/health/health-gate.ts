import type { Deadline } from '../run/deadline.js';
import type { HealthConfig, HealthSample } from '../config/health-config.js';
import type { Findings } from '../run/finding.js';
import type { ScoringSituation } from './scoring-diagnosis.js';
import type { Log } from '../run/log.js';
import { scriptFailureFromLog } from '../scoring-script/init-traceback.js';
import type { LocalPath } from '../config/ml-specs.js';
import type { Redactor } from '../run/redaction.js';
import type { StageName } from '../run/stage.js';
import { healthFindings } from './health-findings.js';
import { describeHealth, type HealthReport } from './health-report.js';
import { buildHealthReport, type ProbedRequest } from './health-verdict.js';
import { DEFAULT_RETRY, sendWithRetries, type RetryPolicy } from './retry.js';
import { postScoring } from './scoring-client.js';
import { judgeAnswer } from './scoring-response.js';
import type { CapacitySettings, ScoringTarget } from './scoring-target.js';

/** What the gate uses besides the target and its settings. */
export interface HealthGateDeps {
  deadline: Deadline;
  log: Log;
  /** The gate adds its findings here (failures with run()'s traceback line, latency budget, capacity advice). */
  findings: Findings;
  /** Redacts the evidence the gate logs (answers may echo headers). Secrets in `target.headers` must already be registered. */
  redactor: Redactor;
  /** The stage findings are attributed to; 'health' unless the caller is another stage. */
  stage?: StageName;
  /** The deployment's scaling, for the capacity advice (with `target-rps`); no advice without it. */
  capacity?: CapacitySettings;
  /**
   * Reads the inference server's recent log, called only when run() failed: its traceback names the file and
   * line of the scoring script (cloud: `getLogs`; local: the server's output).
   */
  serverLog?: () => Promise<string>;
  /** The scoring code folder in the repository, to map the traceback's frames back to repository files. */
  codeFolder?: LocalPath;
  retry?: RetryPolicy;
  /** What the failure catalogue may say about the deployment (name, endpoint kind, request timeout). */
  situation?: ScoringSituation;
}

/**
 * Sends the sample requests to `target` — `settings.requests` in all, `settings.concurrency` at once — retries
 * 429/503 within bounds, judges every answer against the expected response, measures latency and returns the
 * verdict. Findings (run() traceback on its line, wrong answers, budget, capacity) go to `deps.findings`.
 * It never throws for an unhealthy target (the caller decides what fails); it throws when the run's deadline
 * passes or the run is cancelled.
 */
export async function runHealthGate(
  target: ScoringTarget,
  settings: HealthConfig,
  deps: HealthGateDeps
): Promise<HealthReport> {
  const stage = deps.stage ?? 'health';
  deps.log.info(
    `Health check of ${target.label}: ${settings.requests} request(s) from ${settings.samples.length} sample(s), ${settings.concurrency} at once.`
  );
  const probed = await probe(target, settings, deps);
  const report = buildHealthReport(probed, settings, target.label, deps.capacity);
  const { scriptFailure, traceback } = await readScriptFailure(probed, deps);
  const situation = deps.situation ? { situation: deps.situation } : {};
  const findings = healthFindings({ stage, probed, report, scriptFailure, traceback, ...situation });
  findings.forEach(finding => deps.findings.add(finding));
  deps.log.info(`Health check: ${describeHealth(report)}.`);
  for (const reason of report.reasons) deps.log.info(`  - ${reason}`);
  return report;
}

/** Workers take the next request until all are sent: at most `concurrency` are in flight at once. */
async function probe(
  target: ScoringTarget,
  settings: HealthConfig,
  deps: HealthGateDeps
): Promise<ProbedRequest[]> {
  const { samples, requests } = settings;
  const probed: ProbedRequest[] = new Array<ProbedRequest>(requests);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < requests; index = next++) {
      const sample = samples[index % samples.length]!;
      probed[index] = await probeOne(target, sample, settings, deps);
      const { answer, retried } = probed[index].attempts;
      const retries = retried.length
        ? ` after ${retried.length} retr${retried.length === 1 ? 'y' : 'ies'} (${retried.map(a => a.status).join(', ')})`
        : '';
      deps.log.info(
        `  ${index + 1}/${requests} ${sample.file}: ${answer.status || 'no answer'} in ${Math.round(answer.latencyMs)} ms${retries}${probed[index].verdict.message ? ` — ${deps.redactor.redact(probed[index].verdict.message)}` : ''}`
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(settings.concurrency, requests) }, worker));
  return probed;
}

async function probeOne(
  target: ScoringTarget,
  sample: HealthSample,
  settings: HealthConfig,
  deps: HealthGateDeps
): Promise<ProbedRequest> {
  const attempts = await sendWithRetries(
    () => postScoring(target, sample.body, deps.deadline.signal),
    ms => deps.deadline.sleep(ms, 'The health check, retrying a request refused for capacity,'),
    deps.retry ?? DEFAULT_RETRY
  );
  return { sample, attempts, verdict: judgeAnswer(attempts.answer, sample.expected ?? settings.expected) };
}

/** When run() raised, the traceback from the server log, mapped to the repository file and line. */
async function readScriptFailure(
  probed: readonly ProbedRequest[],
  deps: HealthGateDeps
): Promise<{ scriptFailure?: ReturnType<typeof scriptFailureFromLog>; traceback?: string }> {
  if (!deps.serverLog || !probed.some(request => request.verdict.kind === 'script-error')) return {};
  let log: string;
  try {
    log = deps.redactor.redact(await deps.serverLog());
  } catch (error) {
    // The log helps the reader; without it the finding still says which request failed and how.
    deps.log.info(`The inference server log could not be read: ${(error as Error).message}`);
    return {};
  }
  const scriptFailure = scriptFailureFromLog(log, deps.codeFolder);
  return { ...(scriptFailure ? { scriptFailure } : {}), ...tracebackExcerpt(log) };
}

/**
 * The first traceback of the log, up to the exception it ends with (at most 40 lines): the user's exception.
 * The server's own wrapper exception chained after it ("The above exception…") adds nothing for the reader.
 */
function tracebackExcerpt(log: string): { traceback?: string } {
  const lines = log.split(/\r?\n/);
  const start = lines.findIndex(line => line.includes('Traceback (most recent call last):'));
  if (start < 0) return {};
  const chained = lines.findIndex(
    (line, index) => index > start && /^(The above exception|During handling of the above)/.test(line)
  );
  const end = Math.min(chained < 0 ? lines.length : chained, start + 40);
  return { traceback: lines.slice(start, end).join('\n').trimEnd().replace(/```/g, "'''") };
}
