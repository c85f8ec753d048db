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
 * The action output a step output of this name would overwrite, if any. GitHub's expressions compare names
 * case-insensitively, so `Status` overwrites `status` too.
 */
export function actionOutputName(name: string): OutputName | undefined {
  return OUTPUT_NAMES.find(declared => declared.toLowerCase() === name.toLowerCase());
}

/**
 * Besides the declared outputs, each template output becomes a step output of its own name (as
 * `azure/arm-deploy` does), so workflows can use `steps.<id>.outputs.<templateOutput>` — except names the
 * declared outputs use and secret values (src/infra/template-outputs.ts).
 */
export interface TemplateOutput {
  value: string;
  /**
   * Declared `securestring`/`secureObject`, or derived from a secure parameter or a `list*()` call: masked,
   * and never set as a step output.
   */
  secure: boolean;
  /** Why the value is secret, for the warning: "it calls listKeys()". */
  secretReason?: string;
}
