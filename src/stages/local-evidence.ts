import { templateDeploymentContext } from '../infra/deployment-context.js';
import { planInfra } from '../infra/plan-infra.js';
import type { RunContext } from './run-context.js';
import type { DiagnosisEnv } from '../diagnose/diagnosis-env.js';
import type { FindingLocation } from '../run/finding.js';
import { localModelFiles } from '../diagnose/model-listing.js';

/**
 * What the action knows without asking Azure: the template's resource lines, the conda file, the code
 * folder and scoring script, the model's files. Each part is optional and read defensively: a diagnosis
 * must never fail because the repository changed under it. Files come as the configuration read them.
 */
export function localEvidence(context: RunContext): DiagnosisEnv {
  const { config, results } = context;
  const env: DiagnosisEnv = { resourceGroup: config.azure.resourceGroup };
  const template = templateLocator(context);
  if (template) env.template = template;
  if (results.infra?.failedResources.length) env.failedResources = results.infra.failedResources;
  const deployment = config.ml?.deployment;
  if (!deployment) return env;
  env.workspace = config.ml!.workspace;
  const environment = deployment.environment;
  if (environment?.kind === 'inline' && environment.condaFile) {
    const text = environment.condaFile.text;
    if (text !== undefined) env.condaFile = { displayPath: environment.condaFile.displayPath, text };
  }
  const code = deployment.codeConfiguration;
  if (code?.code.kind === 'path') {
    env.codeFolder = code.code;
    env.scoringScript = code.scoringScript;
  }
  if (deployment.model?.kind === 'local') {
    try {
      env.model = localModelFiles(deployment.model.path);
    } catch {
      // Left out: the model folder could not be listed.
    }
  }
  return env;
}

/** Finds a resource's declaration by type and name (names evaluated offline, as the infra stage does). */
function templateLocator(context: RunContext): DiagnosisEnv['template'] {
  const infra = context.config.infra;
  const group = context.results.resourceGroup;
  if (!infra || !group) return undefined;
  let resources: { type: string; name: unknown; source: FindingLocation }[] = [];
  try {
    resources = planInfra(infra, templateDeploymentContext(context, group)).walk.resources.map(resource => ({
      type: resource.type,
      name: resource.name,
      source: { file: resource.source.file, line: resource.source.line }
    }));
  } catch {
    // The template could not be walked again: findings point at the file without a line.
  }
  return {
    displayPath: infra.templateFile.displayPath,
    locateResource(type, name) {
      const wanted = name.toLowerCase();
      const found = resources.find(
        resource =>
          (!type || resource.type.toLowerCase() === type.toLowerCase()) &&
          typeof resource.name === 'string' &&
          (resource.name.toLowerCase() === wanted || resource.name.toLowerCase().endsWith(`/${wanted}`))
      );
      return found?.source;
    }
  };
}
