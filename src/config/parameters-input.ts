import type { ConfigurationProblem } from '../run/errors.js';

/** The `parameters` input, split into files and inline `name=value` overrides (which win). */
export interface ParametersInput {
  files: string[];
  /** Raw text of each inline value; typed later against the template's declared parameter types. */
  inline: Map<string, { text: string; line: number }>;
}

const INLINE = /^([A-Za-z_][A-Za-z0-9_-]*)\s*=(.*)$/s;

/**
 * One entry per line: a parameters file path (relative to the workspace) or `name=value`. Lines are used
 * rather than spaces because values (JSON objects, connection strings) contain spaces.
 */
export function parseParametersInput(text: string): {
  value: ParametersInput;
  problems: ConfigurationProblem[];
} {
  const value: ParametersInput = { files: [], inline: new Map() };
  const problems: ConfigurationProblem[] = [];
  // ARM parameter names are case-insensitive: `Location=` and `location=` set the same parameter.
  const spellings = new Map<string, { name: string; line: number }>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const match = INLINE.exec(line);
    if (!match) {
      value.files.push(line);
      return;
    }
    const name = match[1]!;
    const rest = match[2]!;
    const earlier = spellings.get(name.toLowerCase());
    if (earlier) {
      const spelling =
        earlier.name === name
          ? ''
          : ` (line ${earlier.line} sets '${earlier.name}'; parameter names are case-insensitive)`;
      problems.push({
        input: 'parameters',
        message: `line ${index + 1} sets '${name}' a second time${spelling}.`,
        fix: 'Keep one line per parameter.'
      });
      return;
    }
    spellings.set(name.toLowerCase(), { name, line: index + 1 });
    value.inline.set(name, { text: rest.trim(), line: index + 1 });
  });
  return { value, problems };
}

/**
 * Names that appear more than once ignoring case, each with the spelling seen first: ARM matches parameter
 * names case-insensitively, so two spellings are one parameter set twice.
 */
export function caseInsensitiveRepeats(names: readonly string[]): { name: string; first: string }[] {
  const seen = new Map<string, string>();
  const repeats: { name: string; first: string }[] = [];
  for (const name of names) {
    const first = seen.get(name.toLowerCase());
    if (first === undefined) seen.set(name.toLowerCase(), name);
    else repeats.push({ name, first });
  }
  return repeats;
}

/**
 * Types an inline value by the parameter's declared type: text for strings, JSON for everything else.
 * Returns a problem message when the text is not a value of that type.
 */
export function typeInlineValue(
  text: string,
  declaredType: string | undefined
): { value?: unknown; problem?: string } {
  const type = (declaredType ?? '').toLowerCase();
  if (type === 'string' || type === 'securestring') return { value: text };
  // A type the engine does not model: JSON when the text is JSON, else the text; ARM checks it.
  if (!['int', 'bool', 'object', 'secureobject', 'array'].includes(type)) return { value: jsonOrText(text) };
  // A secure value is never echoed, not even in an error message.
  const shown = type.startsWith('secure') ? 'the value' : `'${abbreviate(text)}'`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: `${shown} is not a valid ${declaredType} (write it as JSON).` };
  }
  const ok =
    (type === 'int' && Number.isInteger(parsed)) ||
    (type === 'bool' && typeof parsed === 'boolean') ||
    ((type === 'object' || type === 'secureobject') && isPlainObject(parsed)) ||
    (type === 'array' && Array.isArray(parsed));
  return ok ? { value: parsed } : { problem: `${shown} is not a valid ${declaredType}.` };
}

function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function abbreviate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
