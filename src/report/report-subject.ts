import type { RawInputs } from '../contract/inputs.js';
import type { StageResults } from '../stages/run-context.js';

/** What a run deploys, as the PR comment and the check run name it. */
export interface ReportSubject {
  /** The endpoint name; for a run without a model, the template or the resource group. */
  label: string;
  /**
   * Identifies the sticky PR comment across runs: endpoint and deployment file (or template and resource group)
   * as the workflow step names them. Two steps deploying two endpoints get two comments.
   */
  key: string;
}

type SubjectInputs = Pick<
  RawInputs,
  'endpoint-file' | 'deployment-file' | 'scoring-script' | 'template' | 'resource-group'
>;

/**
 * The subject from the step's inputs and the endpoint name the configuration read (input `endpoint-name`, the
 * endpoint file's `name`, the deployment file's `endpoint_name`), so that it stays the same whatever stage a
 * run fails in — a required check must keep its name even when the configuration is invalid. No file is read
 * here: a file the configuration refused (outside the workspace, a device, too large) names nothing, and its
 * path is the label.
 */
export function reportSubject(
  inputs: SubjectInputs,
  results: StageResults,
  endpointName: string | undefined
): ReportSubject {
  const endpoint = endpointName ?? '';
  const deployment = inputs['deployment-file'] || inputs['scoring-script'];
  if (endpoint || deployment || inputs['endpoint-file'] || results.ml) {
    const label = endpoint || results.ml?.endpointName || inputs['endpoint-file'] || deployment;
    return { label, key: `endpoint=${endpoint || inputs['endpoint-file']};deployment=${deployment}` };
  }
  const template = inputs.template;
  const group = inputs['resource-group'];
  return {
    label: template ? `${template} → ${group}` : group,
    key: `template=${template};resource-group=${group}`
  };
}
