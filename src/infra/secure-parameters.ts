import { resolveDeclaration } from '../arm/index.js';
import type { InfraConfig } from '../config/infra-config.js';

/**
 * Values of `securestring`/`secureObject` parameters given in the parameters file or inline: they are
 * masked before anything is logged, so no message, summary or output can show them.
 */
export function secureParameterValues(infra: InfraConfig): string[] {
  const declared = infra.template.json.parameters ?? {};
  const secureNames = Object.keys(declared).filter(name =>
    /^secure(string|object)$/i.test(String(resolveDeclaration(declared[name]!, infra.template.json).type))
  );
  const values: string[] = [];
  for (const name of secureNames) {
    const sources = [infra.inlineParameters, fileValues(infra)];
    for (const source of sources) {
      const key = Object.keys(source).find(k => k.toLowerCase() === name.toLowerCase());
      if (key === undefined) continue;
      const value = source[key];
      if (value === undefined || value === null || value === '') continue;
      values.push(typeof value === 'string' ? value : JSON.stringify(value));
      // Objects also leak field by field: mask each string inside.
      if (typeof value === 'object') values.push(...stringsIn(value));
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
