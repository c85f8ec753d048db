import type { Explanation } from './explanation.js';
import type { DiagnosisEnv } from './diagnosis-env.js';
import type { FailureFacts } from './failure-facts.js';
import type { Evidence } from '../run/finding.js';
import { tail } from '../scoring-script/log-excerpt.js';

/**
 * A failure no catalogue entry recognises still says everything there is to say: stage, operation, code,
 * message, correlation id, and the last lines of the container and step logs.
 */
export function unknownFailure(facts: FailureFacts, env: DiagnosisEnv): Explanation {
  const status = facts.status ? ` (HTTP ${facts.status})` : '';
  const summary = [
    `Stage: ${facts.stage}`,
    `Operation: ${facts.operation ?? 'not an Azure call'}${status}`,
    `Code: ${facts.code ?? 'none'}`,
    `Message: ${facts.message}`,
    ...facts.details.map(detail => `  - ${detail.code}: ${detail.message}`),
    `Correlation id: ${facts.correlationId ?? 'none'}`,
    ...(facts.requestId ? [`Request id: ${facts.requestId}`] : [])
  ].join('\n');
  const logs: Evidence[] = [
    ...(facts.containerLogs?.inferenceServer
      ? [{ title: 'InferenceServer log (last lines)', text: tail(facts.containerLogs.inferenceServer) }]
      : []),
    ...(facts.containerLogs?.storageInitializer
      ? [{ title: 'StorageInitializer log (last lines)', text: tail(facts.containerLogs.storageInitializer) }]
      : []),
    ...(env.recentLog ? [{ title: 'Step log (last lines)', text: tail(env.recentLog, 20) }] : [])
  ];
  return {
    title: `The ${facts.stage} stage failed`,
    cause: `${facts.operation ? `Could not ${facts.operation}` : `The ${facts.stage} stage failed`}: ${facts.code ? `${facts.code}: ` : ''}${facts.message.split('\n')[0]}`,
    fix: facts.correlationId
      ? `Read the evidence below; if the cause is on Azure's side, open a support request quoting correlation id ${facts.correlationId}.`
      : 'Read the evidence below and the step log; if it looks like a defect in the action, report it with the step log.',
    evidence: [{ title: 'Failure', text: summary }, ...logs]
  };
}
