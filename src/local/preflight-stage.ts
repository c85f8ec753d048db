import type { HealthSample } from '../config/health-config.js';
import { RANK, type Finding } from '../run/finding.js';
import { postScoring } from '../health/scoring-client.js';
import { judgeAnswer } from '../health/scoring-response.js';
import type { Stage } from '../run/stage.js';
import type { LocalContext } from './local-context.js';
import { startingLocalRun, type LocalRunResult } from './local-result.js';
import { ScoringScriptError } from '../scoring-script/scoring-script-error.js';
import { localRunSpec, settledLogs, startScoringScript, type RunningScript } from './scoring-script-run.js';
import { runFailureFinding } from './script-findings.js';

/** Answers that mean run() itself broke, not that the answer differs from what was expected. */
const BROKEN = new Set(['script-error', 'server-error', 'no-answer', 'timeout']);

/**
 * Runs the scoring script on the runner before anything is uploaded: import, init(), and the first sample
 * request when `sample-request` gives one. A failure stops the run in seconds, with the traceback on the
 * script's line; Azure has seen no request. A package the runner lacks is only a warning: the cloud image is
 * expected to have it.
 */
export const preflightStage: Stage<LocalContext> = {
  name: 'preflight',
  title: 'Preflight',
  async run(context: LocalContext): Promise<string> {
    const spec = localRunSpec(context.config);
    const result = startingLocalRun(spec);
    context.results.preflight = result;
    const running = await startScoringScript(spec, context, 'preflight', 'preflight');
    if (!running) {
      result.state = 'skipped';
      return 'init() could not run on the runner (a package or a GPU is missing: see the warning); deploying anyway';
    }
    result.state = 'ready';
    result.initMs = running.initMs;
    try {
      const sample = context.config.health?.samples[0];
      const init = `${result.scoringScript}: init() succeeded in ${running.initMs} ms on the runner`;
      if (!sample) return `${init}; no sample-request to send`;
      return `${init}; ${await sendSample(context, running, sample, result)}`;
    } finally {
      await running.stop();
    }
  }
};

/**
 * One sample request: run() raising stops the run; an answer that merely differs is a warning, or with
 * `preflight: strict` stops the run too.
 */
async function sendSample(
  context: LocalContext,
  running: RunningScript,
  sample: HealthSample,
  result: LocalRunResult
): Promise<string> {
  const spec = localRunSpec(context.config);
  const target = { uri: running.server.scoringUrl, headers: {}, label: 'the local server (preflight)' };
  const answer = await postScoring(target, sample.body, context.deadline.signal);
  result.sample = { file: sample.file, status: answer.status, latencyMs: Math.round(answer.latencyMs) };
  const verdict = judgeAnswer(answer, sample.expected ?? context.config.health?.expected);
  if (BROKEN.has(verdict.kind)) {
    const finding = runFailureFinding(
      spec.files,
      'preflight',
      'preflight',
      { file: sample.file, status: answer.status, body: answer.body || verdict.message },
      await settledLogs(running.server)
    );
    context.findings.add(finding);
    throw new ScoringScriptError(`${finding.title}: ${finding.cause}`);
  }
  const answered = `${sample.file} answered ${answer.status} in ${result.sample.latencyMs} ms`;
  if (verdict.kind === 'correct') return answered;
  // `preflight: strict` trusts the runner's answer: the runner has the environment's packages, so a wrong
  // answer here is a wrong answer in Azure, and deploying it would only bill for finding that out.
  const strict = context.config.target?.preflightMode === 'strict';
  const finding: Finding = {
    id: 'preflight-unexpected-answer',
    stage: 'preflight',
    severity: strict ? 'error' : 'warning',
    title: 'Preflight: the sample answer differs on the runner',
    cause: strict
      ? `On the runner, ${verdict.message}. With 'preflight: strict' the run stops here; nothing was sent to Azure.`
      : `On the runner, ${verdict.message}. The deployment goes on; the health check judges the cloud's answer.`,
    fix: strict
      ? "Fix run() or the expected response; or set 'preflight: true' when the runner's packages differ from the environment's and only the cloud's answer should count."
      : "If the runner's packages match the environment, fix run() or the expected response now; 'preflight: strict' makes this stop the run.",
    evidence: [{ title: `Answer to ${sample.file}`, text: answer.body }],
    rank: strict ? RANK.rootCause : RANK.advice
  };
  context.findings.add(finding);
  if (strict) throw new ScoringScriptError(`${finding.title}: ${finding.cause}`);
  return `${answered} (differs from the expected response: warning)`;
}
