import type { AssetVersionReport, MlResult } from '../ml/ml-result.js';
import { describeTraffic } from '../ml/traffic-plan.js';

/** The model part of the job summary: what was deployed where, what was reused, and where traffic went. */
export function renderMlSummary(ml: MlResult): string[] {
  const lines: string[] = [
    `### Model deployment: endpoint \`${ml.endpointName}\` in workspace \`${ml.workspace}\``,
    ''
  ];
  const assets: [string, AssetVersionReport | undefined][] = [
    ['Model', ml.model],
    ['Environment', ml.environment],
    ['Code', ml.code]
  ];
  if (assets.some(([, asset]) => asset)) {
    lines.push('| Asset | Version | Action | Content hash |', '| --- | --- | --- | --- |');
    for (const [label, asset] of assets) {
      if (!asset) continue;
      const hash = asset.hash ? `\`${asset.hash.slice(0, 12)}\`` : '';
      lines.push(`| ${label} | \`${asset.name}:${asset.version}\` | ${asset.action} | ${hash} |`);
    }
    lines.push('');
  }
  if (ml.deployment) {
    lines.push(
      `Deployment \`${ml.deployment.name}\`: ${ml.deployment.action}, ${ml.deployment.provisioningState}.`,
      ''
    );
  }
  if (ml.deployment && !ml.healthChecked)
    lines.push(
      'No health check: set `sample-request` (and `expected-response`) to send samples to a new deployment before traffic moves to it.',
      ''
    );
  if (ml.traffic) {
    lines.push(
      ml.traffic.changed
        ? `Traffic: ${describeTraffic(ml.traffic.before)} → **${describeTraffic(ml.traffic.after)}**.`
        : `Traffic unchanged: ${describeTraffic(ml.traffic.after)}.`,
      ''
    );
  } else if (ml.deployment?.provisioningState === 'Failed') {
    lines.push('Traffic was not moved: the deployments that served before keep serving.', '');
  }
  if (ml.failedDeployment) lines.push(describeFailedDeployment(ml.failedDeployment), '');
  if (ml.deleted?.length)
    lines.push(`Deleted (keep-previous: false): ${ml.deleted.map(d => `\`${d}\``).join(', ')}.`, '');
  if (ml.endpoint?.scoringUri) lines.push(`Scoring URI: ${ml.endpoint.scoringUri}`, '');
  return lines;
}

/** What became of the run's failed deployment: deleted, or left behind and billing, with the command. */
function describeFailedDeployment(failed: NonNullable<MlResult['failedDeployment']>): string {
  const what = `Deployment \`${failed.name}\` ${failed.why}`;
  if (failed.outcome === 'left')
    return `${what} and is left behind at 0% traffic, still billing (see the warning): \`${failed.deleteCommand}\``;
  return failed.outcome === 'deleted'
    ? `${what}: deleted after its logs were read (\`failed-deployment: delete\`); nothing of it is left running.`
    : `${what}: Azure is deleting it (\`failed-deployment: delete\`).`;
}
