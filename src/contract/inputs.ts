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
