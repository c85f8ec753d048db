import { resolveDeclaration } from '../arm/index.js';
import type { InfraConfig } from '../config/infra-config.js';
import type { Log } from '../run/log.js';
import type { Redactor } from '../run/redaction.js';

/**
 * Registers every secure parameter value with the redactor (masked in the log, removed from every other
 * text), and warns about a value too short to be removed everywhere: a secret of under 6 characters is
 * removed from the summary and outputs only where it stands as a word of its own (of under 3, not at all),
 * because removing "abc" inside every word would make the report unreadable. The warning names the
 * parameter, never the value.
 */
export function registerSecureParameters(infra: InfraConfig, redactor: Redactor, log: Log): void {
  for (const { name, value } of secureParameterEntries(infra)) {
    redactor.add(value);
    if (redactor.isWeak(value))
      log.warning(
        `The secure parameter '${name}' has a value of ${value.length} character(s): it is masked in this log, but removed from the job summary, the outputs and the pull request only where it stands as a word of its own${value.length < 3 ? ' (here: not at all)' : ''}. A secret this short is weak; use a longer one.`,
        { title: 'Short secure value' }
      );
  }
}

/**
 * Values of `securestring`/`secureObject` parameters given in the parameters file or inline: they are
 * masked before anything is logged, so no message, summary or output can show them.
 */
export function secureParameterValues(infra: InfraConfig): string[] {
  return secureParameterEntries(infra).map(entry => entry.value);
}

function secureParameterEntries(infra: InfraConfig): { name: string; value: string }[] {
  const declared = infra.template.json.parameters ?? {};
  const secureNames = Object.keys(declared).filter(name =>
    /^secure(string|object)$/i.test(String(resolveDeclaration(declared[name]!, infra.template.json).type))
  );
  const values: { name: string; value: string }[] = [];
  for (const name of secureNames) {
    const sources = [infra.inlineParameters, fileValues(infra)];
    for (const source of sources) {
      const key = Object.keys(source).find(k => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) continue;
      const value = source[key];
      if (value === undefined || value === null || value === '') continue;
      values.push({ name, value: typeof value === 'string' ? value : JSON.stringify(value) });
      // Objects also leak field by field: mask each string inside.
      if (typeof value === 'object') values.push(...stringsIn(value).map(inner => ({ name, value: inner })));
    }
  }
  return values;
}

function fileValues(infra: InfraConfig): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, entry] of Object.entries(infra.parametersFile?.parameters ?? {})) {
    if ('value' in entry) values[name] = entry.value;
  }
  return values;
}

function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return value.length >= 4 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn);
  return [];
}
