import * as core from '@actions/core';

/**
 * Every input the action reads, in one place. action.yml must declare exactly these names
 * (a test compares the two), so no documented input goes unread and no read input goes undocumented.
 * Defaults live in action.yml only: the runner applies them before the action starts.
 */
/**
 * The inputs that ask for a model deployment: any of them set turns the model stages on. (`traffic` and
 * `keep-previous` have defaults, so they do not.)
 */
export const MODEL_DEPLOYMENT_INPUTS = [
  'workspace',
  'endpoint-file',
  'deployment-file',
  'endpoint-name',
  'model-path',
  'model-name',
  'scoring-script',
  'code-path',
  'conda-file',
  'image',
  'instance-type',
  'instance-count',
  'compute',
  'blob-endpoint'
] as const;

export const INPUT_NAMES = [
  'subscription-id',
  'resource-group',
  'location',
  'tenant-id',
  'client-id',
  'audience',
  'arm-endpoint',
  'authority-host',
  'timeout-minutes',
  'template',
  'parameters',
  'template-deployment-name',
  'deployment-mode',
  'key-vault-policy',
  'deleted-vault',
  'what-if',
  'dry-run',
  'traffic',
  'keep-previous',
  'target',
  'inference-server',
  'preflight',
  'crash-loop',
  'failed-deployment',
  'sample-request',
  'expected-response',
  'health-requests',
  'health-concurrency',
  'latency-budget-ms',
  'target-rps',
  'github-token',
  'pr-comment',
  ...MODEL_DEPLOYMENT_INPUTS
] as const;

export type InputName = (typeof INPUT_NAMES)[number];

/** The raw text of every input, trimmed; an input not given is ''. */
export type RawInputs = Readonly<Record<InputName, string>>;

/**
 * The inputs the step was given that action.yml does not declare, as written in `with:` (lower case: the runner
 * upper-cases the variable). The runner only warns about them ("Unexpected input(s)") and still passes them as
 * INPUT_* variables, so a typo such as `dry_run` for `dry-run` would otherwise be ignored silently. The runner
 * also sets a variable for every declared input with a default; those are declared, so they never show here.
 */
export function undeclaredInputs(env: NodeJS.ProcessEnv = process.env): string[] {
  const declared = new Set<string>(INPUT_NAMES.map(name => `INPUT_${name.toUpperCase()}`));
  return Object.keys(env)
    .filter(variable => variable.startsWith('INPUT_') && !declared.has(variable))
    .map(variable => variable.slice('INPUT_'.length).toLowerCase())
    .sort();
}

/** Reads every declared input through `@actions/core` (the runner passes them as INPUT_* variables). */
export function readInputs(getInput: (name: string) => string = name => core.getInput(name)): RawInputs {
  const entries = INPUT_NAMES.map(name => [name, getInput(name).trim()] as const);
  return Object.fromEntries(entries) as Record<InputName, string>;
}
