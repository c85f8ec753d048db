import * as core from '@actions/core';
import type { AnnotationTarget, Log } from '../run/log.js';
import type { RawInputs } from '../contract/inputs.js';
import { readInputs, undeclaredInputs } from './read-inputs.js';
import type { RunnerContext } from '../contract/runner-context.js';
import { actionOutputName, type Outputs } from '../contract/outputs.js';
import type { GitHubSession } from './github-port.js';
import { gitHubSession } from './github-api.js';
import { actionsExecTools } from './tool-runner.js';

/**
 * Everything run() needs from the GitHub Actions runner, as one port. The real one is built on
 * `@actions/core`; unit tests pass a fake. This folder is the only user of `@actions/*`.
 */
export interface ActionAdapter {
  log: Log;
  readInputs(): RawInputs;
  /** Inputs the step was given that action.yml does not declare (refused); optional for fakes. */
  undeclaredInputs?(): string[];
  /** Where the run happens: workspace, repository, run id, PATH. */
  runnerContext(): RunnerContext;
  /** A fresh GitHub OIDC ID token for the audience. */
  requestIdToken(audience: string): Promise<string>;
  setOutputs(outputs: Outputs): void;
  /**
   * Sets each template output as a step output of its own name (already redacted, secrets left out); a name
   * of the action's own outputs is never set, so `status` cannot be overwritten.
   */
  setTemplateOutputs(outputs: Record<string, string>): void;
  /** Appends markdown to the job summary; a no-op outside a runner. */
  writeSummary(markdown: string): Promise<void>;
  /** Marks the step failed (exit code 1) after the message was reported. */
  markFailed(message: string): void;
  /** Calls `handler` once on SIGINT/SIGTERM, when the runner cancels the job. */
  onCancel(handler: (signal: string) => void): void;
  /**
   * The run's GitHub event and, with a token, the GitHub API (PR comment, check run, deployment record).
   * Undefined outside a runner; optional so that fakes without GitHub need not implement it.
   */
  gitHub?(token: string | undefined): GitHubSession | undefined;
}

export const coreLog: Log = {
  info: message => core.info(message),
  debug: message => core.debug(message),
  warning: (message, target) => core.warning(message, annotation(target)),
  error: (message, target) => core.error(message, annotation(target)),
  mask: secret => core.setSecret(secret)
};

export function coreAdapter(): ActionAdapter {
  return {
    log: coreLog,
    readInputs: () => readInputs(),
    undeclaredInputs: () => undeclaredInputs(),
    runnerContext: () => ({
      workspace: process.env.GITHUB_WORKSPACE || process.cwd(),
      repository: process.env.GITHUB_REPOSITORY ?? '',
      runId: process.env.GITHUB_RUN_ID ?? '',
      path: process.env.PATH ?? '',
      tools: actionsExecTools
    }),
    requestIdToken: audience => core.getIDToken(audience),
    setOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
    },
    setTemplateOutputs(outputs) {
      for (const [name, value] of Object.entries(outputs))
        if (!actionOutputName(name)) core.setOutput(name, value);
    },
    async writeSummary(markdown) {
      // Outside a runner (a local `node dist/index.js`) there is no summary file to append to.
      if (!process.env.GITHUB_STEP_SUMMARY) return;
      await core.summary.addRaw(markdown, true).write();
    },
    markFailed(message) {
      core.setFailed(message);
    },
    onCancel(handler) {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => handler(signal));
    },
    gitHub(token) {
      if (token) core.setSecret(token);
      return gitHubSession(token);
    }
  };
}

function annotation(target: AnnotationTarget | undefined): core.AnnotationProperties | undefined {
  if (!target) return undefined;
  return {
    ...(target.title ? { title: target.title } : {}),
    ...(target.file ? { file: target.file } : {}),
    ...(target.startLine ? { startLine: target.startLine } : {}),
    ...(target.startColumn ? { startColumn: target.startColumn } : {})
  };
}
