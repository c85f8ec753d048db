import type { MlContext } from '../ml/ml-context.js';
import type { HealthReport } from './health-report.js';

/** What the health gate needs: the model stages' context (it scores their deployment); it fills `health`. */
export interface HealthContext extends MlContext {
  results: MlContext['results'] & { health?: HealthReport };
}
