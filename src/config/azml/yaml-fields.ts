import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type YAMLMap } from 'yaml';
import type { ConfigurationProblem } from '../../run/errors.js';
import { closestName } from '../../run/closest-name.js';

/** One YAML file being read: where problems are reported and how offsets become line:column. */
export class YamlSource {
  readonly problems: ConfigurationProblem[] = [];
  private readonly lines = new LineCounter();

  constructor(
    /** Relative to the workspace, as messages show it. */
    readonly displayPath: string,
    readonly text: string
  ) {}

  /** Parses the text; syntax errors become problems and the root mapping (if any) is returned. */
  root(): YAMLMap | undefined {
    const document = parseDocument(this.text, { lineCounter: this.lines, prettyErrors: true });
    // Later syntax errors are mostly consequences of the first; one clear position helps more.
    for (const error of document.errors.slice(0, 1)) {
      const start = error.linePos?.[0];
      this.problems.push({
        file: this.displayPath,
        ...(start ? { line: start.line, column: start.col } : {}),
        message: `is not valid YAML: ${firstLine(error.message)}.`,
        fix: 'Fix the YAML syntax (indentation, quotes, a duplicated key).'
      });
    }
    if (document.errors.length > 0) return undefined;
    if (!isMap(document.contents)) {
      this.problems.push({
        file: this.displayPath,
        line: 1,
        column: 1,
        message: 'does not hold a YAML mapping (field: value lines).'
      });
      return undefined;
    }
    return document.contents;
  }

  /** The problems in the order of the file, as a reader fixes them. */
  sortedProblems(): ConfigurationProblem[] {
    return [...this.problems].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0)
    );
  }

  /** Adds a problem located at `node` (the start of its source text). */
  report(node: Node | null | undefined, message: string, fix?: string): void {
    const offset = node?.range?.[0];
    const position = offset === undefined ? undefined : this.lines.linePos(offset);
    this.problems.push({
      file: this.displayPath,
      ...(position ? { line: position.line, column: position.col } : {}),
      message,
      ...(fix ? { fix } : {})
    });
  }
}

function firstLine(message: string): string {
  // With prettyErrors the message repeats the position and quotes the line; the problem carries both.
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/\.$/, '');
}

/** What a field's value should look like, for "expected …" messages. */
const DESCRIBE = {
  string: 'a string',
  integer: 'a whole number',
  boolean: 'true or false',
  mapping: 'a mapping (nested field: value lines)'
} as const;

/**
 * Reads the fields of one YAML mapping, reporting each unknown field (with the closest known name) and each
 * value of the wrong type at its own line and column. Readers return undefined for absent or invalid values,
 * so a caller reads every field and all problems of a file are reported at once.
 */
export class MappingReader {
  constructor(
    readonly source: YamlSource,
    readonly map: YAMLMap,
    /** Dotted path of this mapping in the file, '' at the root, for messages (`request_settings.`). */
    readonly path: string
  ) {}

  /** Reports every key not in `known`. */
  allowOnly(known: readonly string[]): void {
    for (const pair of this.map.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key !== undefined && known.includes(key)) continue;
      const suggestion = key === undefined ? undefined : closestName(key, known);
      this.source.report(
        pair.key as Node,
        `unknown field '${this.path}${key ?? '?'}'.`,
        suggestion
          ? `Did you mean '${suggestion}'?`
          : `Known fields here: ${known.filter(k => k !== '$schema').join(', ')}.`
      );
    }
  }

  has(key: string): boolean {
    return this.node(key) !== undefined;
  }

  /** The value node of `key`; undefined when absent or written as `key:` with nothing (null). */
  node(key: string): Node | undefined {
    const value = this.map.get(key, true) as Node | undefined;
    if (value === undefined || value === null) return undefined;
    if (isScalar(value) && value.value === null) return undefined;
    return value;
  }

  /** The key node of `key`, where a problem with the field as a whole is reported. */
  keyNode(key: string): Node | undefined {
    const pair = this.map.items.find(item => isScalar(item.key) && item.key.value === key);
    return pair?.key as Node | undefined;
  }

  string(key: string): string | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === 'string') {
      if (node.value.trim() !== '') return node.value;
      this.source.report(node, `'${this.path}${key}' is empty.`);
      return undefined;
    }
    return this.wrongType(node, key, 'string');
  }

  /** A whole number within [min, max]. */
  integer(key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isInteger(node.value)) {
      return this.wrongType(node, key, 'integer');
    }
    if (node.value < min || node.value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`;
      this.source.report(node, `'${this.path}${key}' is ${node.value}; it must be ${range}.`);
      return undefined;
    }
    return node.value;
  }

  boolean(key: string): boolean | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    return this.wrongType(node, key, 'boolean');
  }

  /** One of a few words (case-insensitive), returned in the spelling of `allowed`. */
  choice<T extends string>(key: string, allowed: readonly T[]): T | undefined {
    const value = this.string(key);
    if (value === undefined) return undefined;
    const match = allowed.find(word => word.toLowerCase() === value.toLowerCase());
    if (match) return match;
    this.source.report(
      this.node(key),
      `'${this.path}${key}' is '${value}', which is not one of ${allowed.map(a => `'${a}'`).join(', ')}.`
    );
    return undefined;
  }

  /** A nested mapping, read by its own reader. */
  mapping(key: string): MappingReader | undefined {
    const node = this.node(key);
    if (node === undefined) return undefined;
    if (isMap(node)) return new MappingReader(this.source, node, `${this.path}${key}.`);
    return this.wrongType(node, key, 'mapping');
  }

  /**
   * A mapping of names to scalar values (tags, environment variables). Numbers and booleans become their
   * YAML text, as `az ml` sends every value as a string.
   */
  stringMap(key: string): Record<string, string> | undefined {
    const nested = this.mapping(key);
    if (!nested) return undefined;
    const result: Record<string, string> = {};
    for (const pair of nested.map.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const value = pair.value as Node | null;
      if (name === undefined || !isScalar(value) || value.value === null || typeof value.value === 'object') {
        this.source.report(
          (value ?? pair.key) as Node,
          `'${this.path}${key}.${name ?? '?'}' must be a single value (a string, number or boolean).`
        );
        continue;
      }
      result[name] = String(value.value);
    }
    return result;
  }

  private wrongType(node: Node, key: string, expected: keyof typeof DESCRIBE): undefined {
    this.source.report(
      node,
      `'${this.path}${key}' must be ${DESCRIBE[expected]}, not ${describeNode(node)}.`
    );
    return undefined;
  }
}

/** "the number 3", "a mapping": how the value the user wrote reads in a message. */
export function describeNode(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (typeof value === 'string') return `the string '${value}'`;
    if (typeof value === 'number') return `the number ${value}`;
    if (typeof value === 'boolean') return `the boolean ${value}`;
  }
  return 'an unsupported value';
}
