import {
  findNodeAtLocation,
  getNodeValue,
  type Node,
  parseTree,
  type ParseError,
  printParseErrorCode
} from 'jsonc-parser';
import { type SourceLocation, TemplateFileError } from './errors.js';

/** jsonc-parser's ParseErrorCode.InvalidCharacter (a const enum, which isolatedModules cannot import). */
const INVALID_CHARACTER = 16;

/** A path into a JSON value: property names and array indices. */
export type JsonPath = (string | number)[];

/** A parsed JSON-with-comments file that can say where any JSON path sits in the source. */
export interface JsonDocument {
  file: string;
  value: unknown;
  /** The file:line:column of the value at `path` (or of its nearest existing ancestor). */
  locate(path: JsonPath): SourceLocation;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function offsetToLocation(file: string, starts: number[], offset: number): SourceLocation {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { file, line: low + 1, column: offset - starts[low]! + 1 };
}

function nearestNode(root: Node, path: JsonPath): Node {
  for (let length = path.length; length >= 0; length--) {
    const node = findNodeAtLocation(root, path.slice(0, length));
    if (node) return node;
  }
  return root;
}

// Private-use characters stand in for raw line breaks inside strings while jsonc-parser runs: ARM
// (Newtonsoft.Json) accepts multi-line strings, e.g. inline deployment scripts; jsonc-parser does not.
// One UTF-16 unit replaces one, so offsets (and so line/column) stay exact.
const LF_STANDIN = '\ue000';
const CR_STANDIN = '\ue001';

/** Replaces line breaks inside string literals (outside comments) with stand-ins. */
function protectMultilineStrings(text: string): { text: string; changed: boolean } {
  let out = '';
  let changed = false;
  let i = 0;
  let last = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '/' && text[i + 1] === '/') i = skipUntil(text, i, '\n');
    else if (ch === '/' && text[i + 1] === '*') i = skipUntil(text, i + 2, '*/') + 1;
    else if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') i++;
        else if (text[i] === '\n' || text[i] === '\r') {
          out += text.slice(last, i) + (text[i] === '\n' ? LF_STANDIN : CR_STANDIN);
          last = i + 1;
          changed = true;
        }
        i++;
      }
    }
    i++;
  }
  return { text: out + text.slice(last), changed };
}

function skipUntil(text: string, from: number, end: string): number {
  const at = text.indexOf(end, from);
  return at < 0 ? text.length : at;
}

function restoreLineBreaks(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\ue000/g, '\n').replace(/\ue001/g, '\r');
  if (Array.isArray(value)) return value.map(restoreLineBreaks);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, restoreLineBreaks(v)]));
  }
  return value;
}

/**
 * Parses JSON with comments and trailing commas (both accepted by ARM). A syntax error becomes a
 * TemplateFileError pointing at file:line:column.
 */
export function parseJsonDocument(text: string, file: string): JsonDocument {
  const errors: ParseError[] = [];
  // A UTF-8 byte order mark is common in files saved by Visual Studio; ARM ignores it.
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const { text: body, changed } = protectMultilineStrings(withoutBom);
  const parsed = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false });
  const starts = lineStarts(body);
  // Tabs and other control characters inside strings are accepted by ARM; jsonc-parser flags them.
  const fatal = errors.filter(e => e.error !== INVALID_CHARACTER);
  const root = fatal.length === 0 ? parsed : undefined;
  if (!root) {
    const first = fatal[0];
    const location = offsetToLocation(file, starts, first?.offset ?? 0);
    const what = first ? printParseErrorCode(first.error) : 'ValueExpected';
    throw new TemplateFileError(`invalid JSON (${what})`, location);
  }
  return {
    file,
    value: changed ? restoreLineBreaks(getNodeValue(root)) : getNodeValue(root),
    locate: path => offsetToLocation(file, starts, nearestNode(root, path).offset)
  };
}
