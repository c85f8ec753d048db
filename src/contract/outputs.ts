/**
 * Every output the action sets, in one place; action.yml must declare exactly these (a test compares them).
 */
export const OUTPUT_NAMES = [
  'status',
  'failed-stage',
  'template-outputs',
  'key-vaults',
  'changes-detected',
  'stages',
  'scoring-uri',
  'endpoint-name',
  'deployment-name',
  'model-id',
  'model-version',
  'environment-id',
  'code-id',
  'healthy',
  'health-report'
] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

export type Outputs = Partial<Record<OutputName, string>>;

/**
 * Besides the declared outputs, each template output becomes a step output of its own name (as
 * `azure/arm-deploy` does), so workflows can use `steps.<id>.outputs.<templateOutput>`.
 */
export interface TemplateOutput {
  value: string;
  /** `securestring`/`secureObject` outputs: masked in the log before being set. */
  secure: boolean;
}
