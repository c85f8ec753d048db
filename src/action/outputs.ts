/**
 * Every output the action sets, in one place; action.yml must declare exactly these (a test compares them).
 */
export const OUTPUT_NAMES = ['status', 'failed-stage'] as const;

export type OutputName = (typeof OUTPUT_NAMES)[number];

export type Outputs = Partial<Record<OutputName, string>>;
