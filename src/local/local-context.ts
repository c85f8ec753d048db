import type { ActionConfig } from '../config/config.js';
import type { HealthReport } from '../health/health-report.js';
import type { StageServices } from '../run/stage.js';
import type { LocalRunResult } from './local-result.js';

/** What the preflight and the local target need: the configuration only (no Azure); they fill their results. */
export interface LocalContext extends StageServices {
  config: ActionConfig;
  results: { preflight?: LocalRunResult; local?: LocalRunResult; health?: HealthReport };
}
