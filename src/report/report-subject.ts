import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
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
  'endpoint-name' | 'endpoint-file' | 'deployment-file' | 'scoring-script' | 'template' | 'resource-group'
>;

/**
 * The subject from the step's inputs, so that it stays the same whatever stage a run fails in — a required check
 * must keep its name even when the configuration is invalid. The endpoint name is read from the `az ml` files
 * as the configuration does (input, then the endpoint file's `name`, then the deployment file's
 * `endpoint_name`), leniently: an unreadable file leaves its path as the label.
 */
export function reportSubject(
  inputs: SubjectInputs,
  results: StageResults,
  workspace: string
): ReportSubject {
  const endpoint =
    inputs['endpoint-name'] ||
    yamlField(workspace, inputs['endpoint-file'], 'name') ||
    yamlField(workspace, inputs['deployment-file'], 'endpoint_name');
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

function yamlField(workspace: string, file: string, field: string): string {
  if (!file) return '';
  try {
    const document = parse(readFileSync(resolve(workspace, file), 'utf8')) as Record<string, unknown> | null;
    const value = document?.[field];
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}
