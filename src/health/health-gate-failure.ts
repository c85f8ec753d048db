import { AzureOperationError } from '../azure/azure-error.js';
import type { HealthReport } from './health-report.js';

/**
 * The new deployment answered, but not well enough to take traffic. It is an Azure-side outcome (not the
 * action's defect, not a configuration mistake), so it is reported as one: which deployment, why, and that
 * traffic stayed where it was.
 */
export class HealthGateFailedError extends AzureOperationError {
  constructor(report: HealthReport, deployment: string, serving: string) {
    super(
      `check the health of deployment '${deployment}'`,
      undefined,
      'HealthCheckFailed',
      report.reasons.join(' '),
      [],
      undefined,
      undefined
    );
    this.name = 'HealthGateFailedError';
    this.message = [
      `The health check of ${report.target} failed: ${report.correct} of ${report.requests} request(s) answered correctly.`,
      ...report.reasons.map(reason => `  - ${reason}`),
      `Traffic was not moved (${serving}). The findings below say what failed and where.`
    ].join('\n');
  }
}
