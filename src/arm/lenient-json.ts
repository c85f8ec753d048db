import { ArmFunctionError, type ArmValue } from './values.js';

/**
 * Parses JSON as ARM's json() and base64ToJson() do. ARM reads it with Json.NET, which also accepts strings
 * in single quotes — Microsoft's own base64ToJson example passes `{'one': 'a', 'two': 'b'}` — so single-quoted
 * strings are rewritten to double-quoted ones (outside double-quoted strings) before parsing.
 */
export function parseArmJson(text: string): ArmValue {
  try {
    return JSON.parse(text) as ArmValue;
  } catch (error) {
    if (!text.includes("'")) throw new ArmFunctionError(`invalid JSON: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(doubleQuoted(text)) as ArmValue;
  } catch (error) {
    throw new ArmFunctionError(`invalid JSON: ${(error as Error).message}`);
  }
}

function doubleQuoted(text: string): string {
  let out = '';
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote && c === '\\') {
      out += c + (text[i + 1] ?? '');
      i++;
    } else if (!quote && (c === '"' || c === "'")) {
      quote = c;
      out += '"';
    } else if (quote && c === quote) {
      quote = undefined;
      out += '"';
    } else if (quote === "'" && c === '"') {
      out += '\\"';
    } else {
      out += c;
    }
  }
  return out;
}
