import type { RunnerContext } from '../contract/runner-context.js';

/** ARM allows 64 characters of letters, digits, `-`, `_`, `.`, `(`, `)` in a deployment name. */
export const DEPLOYMENT_NAME_PATTERN = /^[-\w._()]{1,64}$/;

/**
 * The default template deployment name: the repository, the template and the workflow run. Every attempt of
 * one run uses the same name, so a re-run finds (and waits for) the deployment an earlier attempt started
 * instead of starting a conflicting one; different runs get different names, so the deployment history keeps
 * one entry per run.
 */
export function defaultDeploymentName(runner: RunnerContext, templatePath: string): string {
  const repository = runner.repository.split('/').pop() ?? '';
  const template =
    templatePath
      .split('/')
      .pop()
      ?.replace(/\.(json|jsonc|bicep)$/i, '') ?? 'template';
  const run = runner.runId || 'local';
  const base = [repository, template]
    .filter(Boolean)
    .join('-')
    .replace(/[^-\w.()]/g, '-');
  const suffix = `-${run}`;
  return `${base.slice(0, 64 - suffix.length)}${suffix}`;
}
