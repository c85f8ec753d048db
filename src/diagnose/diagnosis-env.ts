import type { FailedResourceReport } from '../infra/infra-result.js';
import type { LocalPath } from '../config/ml-specs.js';
import type { FindingLocation } from '../run/finding.js';

/** A text file of the repository the failure may point into (the conda file, the template). */
export interface RepositoryText {
  /** Path relative to the repository root, as annotations take it. */
  displayPath: string;
  text: string;
}

/** The local model files, as the container sees them under `AZUREML_MODEL_DIR`. */
export interface ModelFiles {
  /** The model folder (or file) in the repository. */
  displayPath: string;
  /** Paths relative to `AZUREML_MODEL_DIR`: a registered folder keeps its name (`model/linear.json`). */
  files: string[];
}

/** A log read from Azure for the diagnosis: where it came from and its (redacted) text. */
export interface FetchedLog {
  /** e.g. "workspace storage 'stws' /azureml/ImageLogs/abc/build.log". */
  source: string;
  text: string;
}

/**
 * Everything the catalogue may use besides the error itself: what the action knows locally (template,
 * conda file, code folder, model files) and what was read from Azure for this diagnosis (build log). All of
 * it optional: an entry explains with what is there and never fails because something is missing.
 */
export interface DiagnosisEnv {
  /** The template's file and a way to find a resource's declaration line in it. */
  template?: {
    displayPath: string;
    locateResource(type: string | undefined, name: string): FindingLocation | undefined;
  };
  /** Failed resources of the template deployment, located by the infra stage (nested templates too). */
  failedResources?: readonly FailedResourceReport[];
  condaFile?: RepositoryText;
  codeFolder?: LocalPath;
  /** The scoring script, relative to the code folder. */
  scoringScript?: string;
  model?: ModelFiles;
  buildLog?: FetchedLog;
  /** Workspace and resource group, for commands in fixes. */
  workspace?: string;
  resourceGroup?: string;
  /** The last lines of the step's own log, for failures nothing else explains. */
  recentLog?: string;
}
