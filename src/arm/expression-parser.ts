import { TemplateExpressionError } from './errors.js';

/** A node of a parsed template expression; `position` is the 0-based offset in the bracketed string. */
export type ExpressionNode =
  | { kind: 'string'; value: string; position: number }
  | { kind: 'number'; value: number; position: number }
  | { kind: 'call'; name: string; args: ExpressionNode[]; position: number }
  | { kind: 'property'; target: ExpressionNode; name: string; position: number }
  | { kind: 'index'; target: ExpressionNode; index: ExpressionNode; position: number };

/** True when a JSON string is a template expression: `[...]`, but not `[[...` (an escaped literal). */
export function isExpressionString(text: string): boolean {
  return text.length >= 2 && text.startsWith('[') && text.endsWith(']') && !text.startsWith('[[');
}

/** The literal value of a non-expression string: a leading `[[` stands for a single `[`. */
export function literalString(text: string): string {
  return text.startsWith('[[') ? text.slice(1) : text;
}

const cache = new Map<string, ExpressionNode>();

/** Parses a bracketed expression such as `[concat('a', parameters('b'))]`. Results are cached per text. */
export function parseExpression(text: string): ExpressionNode {
  let node = cache.get(text);
  if (!node) {
    node = new Parser(text).parseBracketed();
    if (cache.size > 50_000) cache.clear();
    cache.set(text, node);
  }
  return node;
}

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseBracketed(): ExpressionNode {
    if (!isExpressionString(this.text)) this.fail('Expression must start with [ and end with ]', 0);
    this.pos = 1;
    const node = this.parseChain();
    this.skipSpaces();
    if (this.pos !== this.text.length - 1) this.fail(`Unexpected '${this.text[this.pos]}'`, this.pos);
    return node;
  }

  private fail(message: string, position: number): never {
    throw new TemplateExpressionError(message, this.text, position);
  }

  private skipSpaces(): void {
    while (/\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }

  /** A primary value followed by any number of `.name` and `[index]` accessors. */
  private parseChain(): ExpressionNode {
    let node = this.parsePrimary();
    for (;;) {
      this.skipSpaces();
      const ch = this.text[this.pos];
      const position = this.pos;
      if (ch === '.') {
        this.pos++;
        this.skipSpaces();
        node = { kind: 'property', target: node, name: this.readIdentifier(), position };
      } else if (ch === '[' && this.pos < this.text.length - 1) {
        this.pos++;
        const index = this.parseChain();
        this.expect(']');
        node = { kind: 'index', target: node, index, position };
      } else {
        return node;
      }
    }
  }

  private parsePrimary(): ExpressionNode {
    this.skipSpaces();
    const ch = this.text[this.pos];
    const position = this.pos;
    if (ch === "'") return { kind: 'string', value: this.readString(), position };
    if (ch !== undefined && /[-0-9.]/.test(ch)) return { kind: 'number', value: this.readNumber(), position };
    if (ch !== undefined && /[A-Za-z_$]/.test(ch)) return this.parseCall(position);
    return this.fail(ch === ']' || ch === undefined ? 'Expected a value' : `Unexpected '${ch}'`, position);
  }

  private parseCall(position: number): ExpressionNode {
    let name = this.readIdentifier();
    // Namespaced user-defined functions: `ns.fn(...)`.
    if (this.text[this.pos] === '.' && /[A-Za-z_]/.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      name = `${name}.${this.readIdentifier()}`;
    }
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`Expected '(' after '${name}'`, this.pos);
    this.pos++;
    const args: ExpressionNode[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name, args, position };
    }
    for (;;) {
      args.push(this.parseChain());
      this.skipSpaces();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(')');
      return { kind: 'call', name, args, position };
    }
  }

  private expect(ch: string): void {
    this.skipSpaces();
    if (this.text[this.pos] !== ch) {
      const found = this.pos >= this.text.length - 1 ? 'end of expression' : `'${this.text[this.pos]}'`;
      this.fail(`Expected '${ch}' but found ${found}`, this.pos);
    }
    this.pos++;
  }

  private readIdentifier(): string {
    const match = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail('Expected a name', this.pos);
    this.pos += match[0].length;
    return match[0];
  }

  /** Single-quoted string; `''` inside is one quote. */
  private readString(): string {
    const start = this.pos;
    this.pos++;
    let value = '';
    for (;;) {
      // The closing `]` of the whole expression is not part of any string.
      if (this.pos >= this.text.length - 1) this.fail('Unterminated string literal', start);
      const ch = this.text[this.pos]!;
      this.pos++;
      if (ch !== "'") value += ch;
      else if (this.text[this.pos] === "'") {
        value += "'";
        this.pos++;
      } else return value;
    }
  }

  private readNumber(): number {
    const match = /^-?(\d+(\.\d*)?|\.\d+)/.exec(this.text.slice(this.pos));
    if (!match) this.fail('Invalid number', this.pos);
    this.pos += match[0].length;
    return Number(match[0]);
  }
}
