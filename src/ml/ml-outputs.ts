import type { Outputs } from '../contract/outputs.js';
import type { MlResult } from './ml-result.js';

/** The declared step outputs of the model stages; empty when they did not run, partial when one failed. */
export function mlOutputs(ml: MlResult | undefined): Outputs {
  if (!ml) return {};
  return {
    'endpoint-name': ml.endpointName,
    'scoring-uri': ml.endpoint?.scoringUri ?? '',
    'deployment-name': ml.deployment?.name ?? '',
    'model-id': ml.model?.id ?? '',
    'model-version': ml.model?.version ?? '',
    'environment-id': ml.environment?.id ?? '',
    'code-id': ml.code?.id ?? ''
  };
}
