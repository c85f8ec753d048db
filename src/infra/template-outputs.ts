import { actionOutputName, type TemplateOutput } from '../contract/outputs.js';
import type { Redactor } from '../run/redaction.js';

/**
 * Turns a deployment's `outputs` (`{ name: { type, value } }`) into step outputs: strings as they are, other
 * values as JSON. An output declared secure, or one the template derives from a secret (`secretReasons`,
 * from secret-outputs.ts: keys are lower-case names), is marked secure and its value registered with the
 * redactor the moment it arrives, so it is masked in the log and redacted from every other text.
 */
export function templateOutputs(
  outputs: unknown,
  secretReasons: ReadonlyMap<string, string> = new Map(),
  redactor?: Redactor
): Record<string, TemplateOutput> {
  const result: Record<string, TemplateOutput> = {};
  if (typeof outputs !== 'object' || outputs === null) return result;
  for (const [name, output] of Object.entries(
    outputs as Record<string, { type?: string; value?: unknown }>
  )) {
    const value = output?.value;
    const declaredSecure = /^secure/i.test(output?.type ?? '');
    // ARM never returns the value of a secure output: there is nothing to set (and "null" must not be masked).
    if (declaredSecure && (value === undefined || value === null)) continue;
    const secretReason = declaredSecure ? 'it is declared secure' : secretReasons.get(name.toLowerCase());
    const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
    if (secretReason && redactor) [text, ...stringsIn(value)].forEach(secret => redactor.add(secret));
    result[name] = {
      value: text,
      secure: secretReason !== undefined,
      ...(secretReason ? { secretReason } : {})
    };
  }
  return result;
}

/** What the adapter sets as step outputs of their own names, and why some were left out. */
export interface PublishedTemplateOutputs {
  outputs: Record<string, string>;
  warnings: string[];
}

/**
 * The template outputs that become step outputs of their own names (as `azure/arm-deploy` does). Two kinds
 * stay out, each with a warning: a name the action's own outputs use (compared case-insensitively, as
 * GitHub's expressions do) — set later it would overwrite `status` and a failed run would read
 * "succeeded"; and a secret — a step output is written in clear to the runner's output file and shown by
 * any step that prints it. Every other value is redacted (a URL may carry a secret registered elsewhere).
 * Neither kind is refused: ARM accepts the template, and the `template-outputs` JSON still carries a
 * clashing output under its own name.
 */
export function publishedTemplateOutputs(
  outputs: Record<string, TemplateOutput>,
  redactor: Redactor
): PublishedTemplateOutputs {
  const published: PublishedTemplateOutputs = { outputs: {}, warnings: [] };
  for (const [name, output] of Object.entries(outputs)) {
    if (output.secure) {
      if (output.secretReason !== 'it is declared secure')
        published.warnings.push(
          `Template output '${name}' is not set as a step output: ${output.secretReason ?? 'it is secret'}, so its value is a secret (masked in this log, left out of the outputs and the summary). A later step that needs it should read it from Azure itself (for example from Key Vault), not from this step's outputs.`
        );
    } else if (actionOutputName(name)) {
      published.warnings.push(
        `Template output '${name}' has the name of this action's output '${actionOutputName(name)!}', which it must not overwrite: it is not set as a step output of its own. Read it as fromJSON(steps.<id>.outputs.template-outputs).${name}, or rename it in the template.`
      );
    } else {
      published.outputs[name] = redactor.redact(output.value);
    }
  }
  return published;
}

/** The `template-outputs` JSON: every output except secret ones, which never leave the process. */
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

/**
 * The strings inside an object or array output, each a secret of its own once printed alone. Short ones are
 * left out: a `listKeys()` result also holds "key1" and "FULL", and masking those would hide every such word.
 */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 8 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
