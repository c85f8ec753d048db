import { createScanner, findNodeAtLocation, getLocation, parseTree, type JSONPath } from 'jsonc-parser';
import { parseJsonDocument } from '../../src/arm/json-document.js';
import { TemplateFileError } from '../../src/arm/errors.js';

/** A request body read as ARM reads it, with the text its positions refer to. */
export interface LenientJson {
  value: unknown;
  /** The body with unquoted property names quoted; line/column of everything else unchanged. */
  text: string;
}

/** A body ARM cannot read: where (1-based line and column, as ARM's `line N, position M`) and what path. */
export class LenientJsonError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly path: string
  ) {
    super(
      `Unexpected character encountered while parsing value. Path '${path}', line ${line}, position ${column}.`
    );
  }
}

// jsonc-parser's SyntaxKind values (a const enum, which isolatedModules cannot import).
const OPEN_BRACE = 1;
const OPEN_BRACKET = 3;
const CLOSE_BRACE = 2;
const CLOSE_BRACKET = 4;
const COMMA = 5;
const COLON = 6;
const TRIVIA = new Set([12, 13, 14, 15]);
const EOF = 17;
/** Tokens that can stand as an unquoted property name: a bare word, a number, true/false/null. */
const BARE_NAME = new Set([7, 8, 9, 11, 16]);

interface Token {
  kind: number;
  offset: number;
  length: number;
}

function significantTokens(text: string): Token[] {
  const scanner = createScanner(text, false);
  const tokens: Token[] = [];
  for (let kind = scanner.scan(); kind !== EOF; kind = scanner.scan()) {
    if (!TRIVIA.has(kind))
      tokens.push({ kind, offset: scanner.getTokenOffset(), length: scanner.getTokenLength() });
  }
  return tokens;
}

/** Offsets of unquoted property names: a bare token after `{` or `,` inside an object, followed by `:`. */
function unquotedNames(tokens: Token[]): Token[] {
  const containers: number[] = [];
  const names: Token[] = [];
  tokens.forEach((token, i) => {
    if (token.kind === OPEN_BRACE || token.kind === OPEN_BRACKET) containers.push(token.kind);
    else if (token.kind === CLOSE_BRACE || token.kind === CLOSE_BRACKET) containers.pop();
    const inObject = containers[containers.length - 1] === OPEN_BRACE;
    const after = tokens[i - 1]?.kind;
    if (
      inObject &&
      BARE_NAME.has(token.kind) &&
      (after === OPEN_BRACE || after === COMMA) &&
      tokens[i + 1]?.kind === COLON
    ) {
      names.push(token);
    }
  });
  return names;
}

const isBlank = (ch: string | undefined) => ch === ' ' || ch === '\t';

/**
 * Quotes one name. Where a blank sits before the name and one after the colon (the usual `  name: value`),
 * `"name":` is written over them, so every other position on the line is unchanged and the name moves by one
 * column; otherwise the quotes are inserted and the rest of that line shifts by two columns.
 */
function quoteName(text: string, name: Token, colon: Token): string {
  const word = text.slice(name.offset, name.offset + name.length);
  const start = name.offset - 1;
  const end = colon.offset + 2;
  if (isBlank(text[start]) && isBlank(text[end - 1]) && !text.slice(start, end).includes('\n')) {
    const quoted = `"${word}":`;
    return text.slice(0, start) + quoted.padEnd(end - start, ' ') + text.slice(end);
  }
  return `${text.slice(0, name.offset)}"${word}"${text.slice(name.offset + name.length)}`;
}

function formatPath(path: JSONPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');
}

/**
 * Reads a JSON body as ARM (Newtonsoft.Json) does: comments, trailing commas, multi-line strings and
 * unquoted property names are accepted (`az deployment … -f` sends the template file's text as written).
 */
export function parseLenientJson(raw: string): LenientJson {
  let text = raw;
  const tokens = significantTokens(raw);
  const names = unquotedNames(tokens);
  // Right to left, so the offsets of names not yet quoted stay valid.
  for (const name of names.reverse()) {
    const colon = tokens[tokens.indexOf(name) + 1]!;
    text = quoteName(text, name, colon);
  }
  try {
    return { value: parseJsonDocument(text, 'request').value, text };
  } catch (error) {
    if (!(error instanceof TemplateFileError) || !error.location) throw error;
    const { line, column } = error.location;
    throw new LenientJsonError(line, column, pathAt(text, line, column));
  }
}

/** The 0-based offset of a 1-based line and column in `text`. */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let current = 1; current < line; current += 1) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

/** The JSON path (ARM's form: `properties.template.resources[0]`) of the value at a line and column. */
export function pathAt(text: string, line: number, column: number): string {
  return formatPath(getLocation(text, offsetOf(text, line, column)).path);
}

/**
 * `text` with everything but the value at `path` blanked (line breaks kept): that value parsed on its own
 * keeps the line and column it has in the whole body. Undefined when there is no such value.
 */
export function onlyValueAt(text: string, path: JSONPath): string | undefined {
  const root = parseTree(text, [], { allowTrailingComma: true, disallowComments: false });
  const node = root && findNodeAtLocation(root, path);
  if (!node) return undefined;
  const blank = (part: string) => part.replace(/[^\r\n]/g, ' ');
  const end = node.offset + node.length;
  return blank(text.slice(0, node.offset)) + text.slice(node.offset, end) + blank(text.slice(end));
}
