/**
 * Keeps only the parts of a source map that point into the action's own sources. A stack trace needs
 * `file:line` of our code; mappings into node_modules (most of the bundle) and the embedded sources
 * (`sourcesContent`) would triple the size of dist/ without helping anyone read a failure.
 */
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

export interface SourceMapV3 {
  version: 3;
  sources: string[];
  sourcesContent?: (string | null)[];
  names: string[];
  mappings: string;
  file?: string;
  sourceRoot?: string;
}

/** One segment of a line: [column, source, line, column, name?] with absolute values. */
type Segment = number[];

function decodeVlq(text: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of text) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`Invalid base64 VLQ character '${char}' in a source map.`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

function encodeVlq(values: number[]): string {
  let text = '';
  for (const signed of values) {
    let value = signed < 0 ? (-signed << 1) | 1 : signed << 1;
    do {
      let digit = value & 31;
      value >>>= 5;
      if (value > 0) digit |= 32;
      text += BASE64[digit];
    } while (value > 0);
  }
  return text;
}

function decodeMappings(mappings: string): Segment[][] {
  const state = [0, 0, 0, 0, 0];
  return mappings.split(';').map(line => {
    state[0] = 0;
    return line
      .split(',')
      .filter(Boolean)
      .map(text => {
        const deltas = decodeVlq(text);
        return deltas.map((delta, i) => (state[i] = state[i]! + delta));
      });
  });
}

function encodeMappings(lines: Segment[][]): string {
  const previous = [0, 0, 0, 0, 0];
  return lines
    .map(line => {
      previous[0] = 0;
      return line
        .map(segment =>
          encodeVlq(
            segment.map((value, i) => {
              const delta = value - previous[i]!;
              previous[i] = value;
              return delta;
            })
          )
        )
        .join(',');
    })
    .join(';');
}

/**
 * The map without sourcesContent, names, and every segment whose source does not satisfy `keep`; the
 * remaining sources are renumbered. Segments of dropped sources become unmapped (a stack frame there shows
 * the bundle's own line).
 */
export function filterSourceMap(map: SourceMapV3, keep: (source: string) => boolean): SourceMapV3 {
  const renumbered = new Map<number, number>();
  const sources: string[] = [];
  map.sources.forEach((source, index) => {
    if (!keep(source)) return;
    renumbered.set(index, sources.length);
    sources.push(source);
  });
  const lines = decodeMappings(map.mappings).map(line => {
    let previous = 'unmapped';
    return line.flatMap(segment => {
      if (segment.length < 4 || !renumbered.has(segment[1]!)) {
        // Code from a dropped source ends the previous mapping: without this unmapped segment a frame in
        // node_modules would resolve to whichever src/ line came before it in the bundle.
        if (previous === 'unmapped') return [];
        previous = 'unmapped';
        return [[segment[0]!]];
      }
      // A stack frame is read as file:line, so of consecutive segments on the same source line only the
      // first is kept (a position inside the line resolves to the segment before it: the same line).
      const sourceLine = `${segment[1]}:${segment[2]}`;
      if (sourceLine === previous) return [];
      previous = sourceLine;
      // Names are dropped (stack traces take function names from the code); keep the four positions.
      return [[segment[0]!, renumbered.get(segment[1]!)!, segment[2]!, segment[3]!]];
    });
  });
  return {
    version: 3,
    sources,
    names: [],
    mappings: encodeMappings(lines),
    ...(map.file ? { file: map.file } : {})
  };
}
