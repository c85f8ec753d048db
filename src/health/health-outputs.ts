import type { Outputs } from '../contract/outputs.js';
import { healthReportJson, type HealthReport } from './health-report.js';

/**
 * `healthy` and `health-report`, when the gate ran. The report quotes answers, which may echo what the request
 * carried: it passes through `redact` like every text that leaves the log.
 */
export function healthOutputs(report: HealthReport | undefined): Outputs {
  if (!report) return {};
  return { healthy: String(report.healthy), 'health-report': healthReportJson(report) };
}
