import { runHealthGate } from '../health/health-gate.js';
import { describeHealth } from '../health/health-report.js';
import type { Stage } from '../run/stage.js';
import type { LocalContext } from './local-context.js';
import { startingLocalRun } from './local-result.js';
import { ScoringScriptError } from '../scoring-script/scoring-script-error.js';
import {
  describeServer,
  localRunSpec,
  settledLogs,
  startScoringScript,
  type RunningScript
} from './scoring-script-run.js';

/**
 * `target: local`: the deployment runs on the runner — the model folder as AZUREML_MODEL_DIR, the scoring
 * script and the deployment's environment variables under the local inference server — and gets the same
 * health check as a cloud deployment. The server stops when the stage ends: a local run is a test, not a
 * service.
 */
export const localDeploymentStage: Stage<LocalContext> = {
  name: 'local',
  title: 'Local deployment',
  async run(context: LocalContext): Promise<string> {
    const spec = localRunSpec(context.config);
    const result = startingLocalRun(spec);
    context.results.local = result;
    // A local run has no cloud image to fall back on: a missing package fails like any import error.
    const running = (await startScoringScript(spec, context, 'local', 'local'))!;
    result.state = 'ready';
    result.initMs = running.initMs;
    try {
      const ready = `${result.scoringScript} served by the ${describeServer(spec.server)} (init() ${running.initMs} ms)`;
      if (!context.config.health) return `${ready}; no sample-request, so no health check`;
      return `${ready}; ${await checkHealth(context, running)}`;
    } finally {
      await running.stop();
    }
  }
};

/** The cloud's health gate, pointed at the local server; an unhealthy answer fails the stage. */
async function checkHealth(context: LocalContext, running: RunningScript): Promise<string> {
  const spec = localRunSpec(context.config);
  const report = await runHealthGate(
    {
      uri: running.server.scoringUrl,
      headers: {},
      label: 'the local server',
      ...(spec.requestTimeoutMs ? { requestTimeoutMs: spec.requestTimeoutMs } : {})
    },
    context.config.health!,
    {
      deadline: context.deadline,
      log: context.log,
      findings: context.findings,
      redactor: context.redactor,
      stage: 'local',
      serverLog: async () => (await settledLogs(running.server)).join('\n'),
      codeFolder: spec.files.code
    }
  );
  context.results.health = report;
  if (!report.healthy)
    throw new ScoringScriptError(`The local deployment is unhealthy: ${report.reasons.join('; ')}`);
  return describeHealth(report);
}
