import type { ToolRunner } from './tool-runner.js';

/**
 * Facts about the workflow run that the configuration needs (where files are, which run this is).
 * The action adapter reads them from the runner's environment; below it they are plain values.
 */
export interface RunnerContext {
  /** Absolute path of the checked-out repository (GITHUB_WORKSPACE); user paths are relative to it. */
  workspace: string;
  /** `owner/name`, empty outside a runner. */
  repository: string;
  /** The workflow run id: the same for every attempt of a run, so a re-run finds its earlier deployment. */
  runId: string;
  /** The PATH tools (bicep, az, python3) are looked up in. */
  path: string;
  /** How command-line tools that finish are run (`@actions/exec` in the action); default: child_process. */
  tools?: ToolRunner;
}
