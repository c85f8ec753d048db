import { isExpressionString, parseExpression, type TemplateJson } from '../arm/index.js';
import type { ExpressionNode } from '../arm/expression-parser.js';

/**
 * Which template outputs carry a secret, read from the template alone: an output whose expression uses a
 * `securestring`/`secureObject` parameter (directly or through variables) or calls a `list*()` function
 * (listKeys, listSecrets, listConnectionStrings, listAccountSas, …). ARM hides only outputs *declared*
 * secure; a secret echoed through a plain `string` output comes back in clear, and would be published as a
 * step output and in the log. Keys are lower-case output names (ARM names are case-insensitive); values
 * say why, for the warning. Doubtful cases (a parameter named by an expression) count as secret.
 */
export function secretOutputs(template: TemplateJson): Map<string, string> {
  const taint = new SecretTaint(template);
  const found = new Map<string, string>();
  for (const [name, output] of Object.entries(template.outputs ?? {})) {
    // Everything but the type and metadata: `value`, or `copy` for an output loop.
    const definition = Object.entries((output ?? {}) as Record<string, unknown>).filter(
      ([key]) => key !== 'type' && key !== 'metadata'
    );
    const reason = taint.of(definition.map(([, value]) => value));
    if (reason) found.set(name.toLowerCase(), reason);
  }
  return found;
}

/**
 * Functions whose result is a length, a position or a yes/no about their arguments, never a piece of them:
 * `length(parameters('adminPassword'))` is not the password, and workflows read such outputs.
 */
const VALUE_FREE_FUNCTIONS = new Set([
  'length',
  'empty',
  'equals',
  'less',
  'lessorequals',
  'greater',
  'greaterorequals',
  'contains',
  'startswith',
  'endswith',
  'indexof',
  'lastindexof'
]);

class SecretTaint {
  readonly #secureParameters: Map<string, string>;
  readonly #variables = new Map<string, unknown>();
  readonly #variableReasons = new Map<string, string | undefined>();
  readonly #evaluating = new Set<string>();

  constructor(template: TemplateJson) {
    this.#secureParameters = new Map(
      Object.entries(template.parameters ?? {})
        .filter(([, definition]) => /^secure(string|object)$/i.test(definition?.type ?? ''))
        .map(([name]) => [name.toLowerCase(), name])
    );
    for (const [name, value] of Object.entries(template.variables ?? {})) {
      if (name.toLowerCase() !== 'copy') this.#variables.set(name.toLowerCase(), value);
      // A variable copy loop defines each `name` from its `input` (and `count`).
      else if (Array.isArray(value))
        for (const loop of value as Array<{ name?: string }>)
          if (loop?.name) this.#variables.set(loop.name.toLowerCase(), loop);
    }
  }

  /** Why a JSON value (with expressions in its strings) carries a secret, or undefined. */
  of(value: unknown): string | undefined {
    if (typeof value === 'string') return isExpressionString(value) ? this.#expression(value) : undefined;
    const items = Array.isArray(value)
      ? value
      : value && typeof value === 'object'
        ? Object.values(value)
        : [];
    for (const item of items) {
      const reason = this.of(item);
      if (reason) return reason;
    }
    return undefined;
  }

  #expression(text: string): string | undefined {
    try {
      return this.#node(parseExpression(text));
    } catch {
      // ARM ran it, so it is an expression (perhaps nested deeper than this walk goes): judged by its text
      // rather than published on a guess.
      return this.#byText(text);
    }
  }

  #node(node: ExpressionNode): string | undefined {
    if (node.kind === 'property') return this.#node(node.target);
    if (node.kind === 'index') return this.#node(node.target) ?? this.#node(node.index);
    if (node.kind !== 'call') return undefined;
    const name = node.name.toLowerCase();
    if (VALUE_FREE_FUNCTIONS.has(name)) return undefined;
    if (name.startsWith('list')) return `it calls ${node.name}()`;
    const first = node.args[0];
    if (name === 'parameters') {
      if (first?.kind !== 'string')
        return this.#secureParameters.size > 0 ? 'it uses a parameter named by an expression' : undefined;
      const secure = this.#secureParameters.get(first.value.toLowerCase());
      if (secure) return `it uses the secure parameter '${secure}'`;
    }
    if (name === 'variables') {
      if (first?.kind !== 'string')
        return [...this.#variables.keys()].some(variable => this.#variable(variable))
          ? 'it uses a variable named by an expression'
          : undefined;
      const reason = this.#variable(first.value.toLowerCase());
      if (reason) return reason;
    }
    for (const arg of node.args) {
      const reason = this.#node(arg);
      if (reason) return reason;
    }
    return undefined;
  }

  #variable(name: string): string | undefined {
    if (this.#variableReasons.has(name)) return this.#variableReasons.get(name);
    // A variable that refers to itself is ARM's error to report; here it simply adds nothing.
    if (this.#evaluating.has(name) || !this.#variables.has(name)) return undefined;
    this.#evaluating.add(name);
    const reason = this.of(this.#variables.get(name));
    this.#evaluating.delete(name);
    this.#variableReasons.set(name, reason);
    return reason;
  }

  #byText(text: string): string | undefined {
    const list = /\b(list\w*)\s*\(/i.exec(text);
    if (list) return `it calls ${list[1]}()`;
    for (const [lower, name] of this.#secureParameters)
      if (text.toLowerCase().includes(`'${lower}'`)) return `it uses the secure parameter '${name}'`;
    return /\bvariables\s*\(/i.test(text) && this.#secureParameters.size > 0
      ? 'it uses variables the action could not read'
      : undefined;
  }
}
