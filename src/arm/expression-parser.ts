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

/** A call whose arguments, or an index whose chain, is being parsed. */
type OpenNode =
  | { kind: 'call'; name: string; args: ExpressionNode[]; position: number }
  | { kind: 'index'; target: ExpressionNode; position: number };

/**
 * ARM's documented limit on a template expression ("A template expression can't exceed 24,576 characters").
 * Counted between the brackets, so that nothing ARM accepts is refused.
 */
export const MAX_EXPRESSION_LENGTH = 24_576;

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
    const length = this.text.length - 2;
    if (length > MAX_EXPRESSION_LENGTH) {
      this.fail(
        `The expression is ${length} characters long; a template expression can't exceed ${MAX_EXPRESSION_LENGTH} characters`,
        0
      );
    }
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

  /**
   * A primary value followed by any number of `.name` and `[index]` accessors; call arguments and indexes are
   * chains again. Parsed with an explicit stack of open calls and indexes, not recursion: ARM accepts any
   * nesting its 24,576 characters can hold (8,000 levels of `f(`), far beyond the JavaScript call stack.
   */
  private parseChain(): ExpressionNode {
    const open: OpenNode[] = [];
    for (;;) {
      let node = this.parsePrimary(open);
      if (!node) continue;
      for (;;) {
        const index = this.parseAccessors(node, open);
        if (index === 'opened') break;
        node = index;
        const top = open.at(-1);
        if (!top) return node;
        if (top.kind === 'index') {
          this.expect(']');
          open.pop();
          node = { kind: 'index', target: top.target, index: node, position: top.position };
          continue;
        }
        top.args.push(node);
        this.skipSpaces();
        if (this.text[this.pos] === ',') {
          this.pos++;
          break;
        }
        this.expect(')');
        open.pop();
        node = { kind: 'call', name: top.name, args: top.args, position: top.position };
      }
    }
  }

  /** Applies `.name` accessors; an `[` opens an index whose chain is parsed next ('opened'). */
  private parseAccessors(node: ExpressionNode, open: OpenNode[]): ExpressionNode | 'opened' {
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
        open.push({ kind: 'index', target: node, position });
        return 'opened';
      } else {
        return node;
      }
    }
  }

  /** A literal or a complete call without arguments; a call with arguments is opened (undefined). */
  private parsePrimary(open: OpenNode[]): ExpressionNode | undefined {
    this.skipSpaces();
    const ch = this.text[this.pos];
    const position = this.pos;
    if (ch === "'") return { kind: 'string', value: this.readString(), position };
    if (ch !== undefined && /[-0-9.]/.test(ch)) return { kind: 'number', value: this.readNumber(), position };
    if (ch !== undefined && /[A-Za-z_$]/.test(ch)) return this.openCall(position, open);
    return this.fail(ch === ']' || ch === undefined ? 'Expected a value' : `Unexpected '${ch}'`, position);
  }

  private openCall(position: number, open: OpenNode[]): ExpressionNode | undefined {
    let name = this.readIdentifier();
    // Namespaced user-defined functions: `ns.fn(...)`.
    if (this.text[this.pos] === '.' && /[A-Za-z_]/.test(this.text[this.pos + 1] ?? '')) {
      this.pos++;
      name = `${name}.${this.readIdentifier()}`;
    }
    this.skipSpaces();
    if (this.text[this.pos] !== '(') this.fail(`Expected '(' after '${name}'`, this.pos);
    this.pos++;
    this.skipSpaces();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return { kind: 'call', name, args: [], position };
    }
    open.push({ kind: 'call', name, args: [], position });
    return undefined;
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
