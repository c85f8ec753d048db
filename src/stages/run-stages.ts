import { diagnoseFailure } from './diagnose-failure.js';
import { RecentLog } from './recent-log.js';
import type { RunReport } from './run-report.js';
import type { RunContext, RunStage } from './run-context.js';
import { settleFailedDeployment } from '../ml/failed-deployment.js';

/**
 * Runs the stages in order, timing each and recording its outcome. The first failure is recorded against
 * its stage and explained by the failure catalogue (findings), the remaining stages are marked as not run,
 * and the error is rethrown for run() to report.
 */
export async function runStages(
  stages: readonly RunStage[],
  context: RunContext,
  report: RunReport
): Promise<void> {
  // The last lines the stages logged, for failures the catalogue does not recognise.
  const recent = new RecentLog(context.log);
  context = { ...context, log: recent };
  for (const [index, stage] of stages.entries()) {
    const started = Date.now();
    const explainedBefore = context.findings.errors.length;
    context.log.info(`▶ ${stage.title}`);
    try {
      // A stage ends at most a grace period after a cancel or the deadline, whatever the SDK is sleeping on
      // (its pollers' waits between polls ignore the abort signal).
      const outcome = await context.deadline.race(stage.run(context));
      report.record({
        name: stage.name,
        title: stage.title,
        status: 'succeeded',
        durationMs: Date.now() - started,
        outcome
      });
      context.log.info(`✔ ${stage.title}: ${outcome}`);
    } catch (error) {
      const failure = report.fail(stage.name, error);
      const firstLine = failure.message.split('\n')[0] ?? '';
      report.record({
        name: stage.name,
        title: stage.title,
        status: 'failed',
        durationMs: Date.now() - started,
        outcome: firstLine
      });
      for (const rest of stages.slice(index + 1)) {
        report.record({ name: rest.name, title: rest.title, status: 'not run', durationMs: 0, outcome: '' });
      }
      // A stage that explained its own failure (an error finding) is not diagnosed again. Bounded and never
      // throwing: the original error is what run() reports.
      if (context.findings.errors.length === explainedBefore)
        await diagnoseFailure(stage.name, error, context, recent.text());
      // Only now that its logs are read: delete (or report) the failed new deployment, which bills while it exists.
      await settleFailedDeployment(context);
      throw error;
    }
  }
}
