import type { TemplateOutput } from '../contract/outputs.js';

/**
 * Turns a deployment's `outputs` (`{ name: { type, value } }`) into step outputs: strings as they are, other
 * values as JSON. Secure outputs are marked so the adapter masks them before setting them.
 */
export function templateOutputs(outputs: unknown): Record<string, TemplateOutput> {
  const result: Record<string, TemplateOutput> = {};
  if (typeof outputs !== 'object' || outputs === null) return result;
  for (const [name, output] of Object.entries(
    outputs as Record<string, { type?: string; value?: unknown }>
  )) {
    const value = output?.value;
    const secure = /^secure/i.test(output?.type ?? '');
    // ARM never returns the value of a secure output: there is nothing to set (and "null" must not be masked).
    if (secure && (value === undefined || value === null)) continue;
    result[name] = {
      value: typeof value === 'string' ? value : JSON.stringify(value ?? null),
      secure
    };
  }
  return result;
}

/** The `template-outputs` JSON: every output except secure ones, which never leave the masked step outputs. */
export function publicOutputsJson(outputs: Record<string, TemplateOutput>): string {
  const visible: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (output.secure) continue;
    try {
      visible[name] = JSON.parse(output.value);
    } catch {
      visible[name] = output.value;
    }
  }
  return JSON.stringify(visible);
}
