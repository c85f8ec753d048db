/**
 * Reads Python tracebacks out of log text, so a failure can be pinned to the user's file and line.
 * It understands what CPython prints: frames (`File "x", line N, in f`), the source and `^~~` marker lines
 * under them, SyntaxError frames without a function, and chained exceptions ("The above exception was the
 * direct cause…", "During handling of the above exception…"), which print the original cause first.
 */

/** One `File "…", line N, in f` entry. */
export interface TracebackFrame {
  file: string;
  line: number;
  /** Absent for the frame CPython prints for a SyntaxError. */
  function?: string;
  /** The source line CPython shows under the frame, trimmed. */
  code?: string;
}

/** One `Traceback (most recent call last):` block and the exception line that ends it. */
export interface TracebackBlock {
  frames: TracebackFrame[];
  exceptionType: string;
  exceptionMessage: string;
}

/** A parsed traceback. The top-level fields describe the original cause: the first block Python printed. */
export interface PythonTraceback extends TracebackBlock {
  /** Every block in printed order: the original cause first, the exception that reached the top last. */
  chain: TracebackBlock[];
}

const TRACEBACK_HEADER = 'Traceback (most recent call last):';
const FRAME = /^\s*File "(.+)", line (\d+)(?:, in (.+))?\s*$/;
const MARKER = /^\s*[~^\s]+$/;
const EXCEPTION_LINE = /^([A-Za-z_][\w.]*)(?::\s?(.*))?$/;
const CHAIN_SEPARATORS = [
  'The above exception was the direct cause of the following exception:',
  'During handling of the above exception, another exception occurred:'
];
/** A line that starts a new log record (`2024-01-02 10:11:12,345 …`), which ends a multi-line message. */
const LOG_RECORD = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/;

/**
 * Parses the first traceback (with its chained blocks) found in `text`. A header may sit after a log prefix,
 * as in `… azmlinfsrv - Encountered Exception: Traceback (most recent call last):`.
 * Returns undefined when the text holds no traceback.
 */
export function parsePythonTraceback(text: string): PythonTraceback | undefined {
  const lines = text.split(/\r?\n/);
  let index = lines.findIndex(line => line.includes(TRACEBACK_HEADER));
  if (index < 0) return undefined;
  const chain: TracebackBlock[] = [];
  while (index >= 0 && index < lines.length) {
    const { block, next } = parseBlock(lines, index + 1);
    chain.push(block);
    index = chainedBlockStart(lines, next);
  }
  const cause = chain[0]!;
  return { ...cause, chain };
}

/** The deepest frame whose file lies under `folder` (the user's code), or undefined. */
export function innermostFrameUnder(
  frames: readonly TracebackFrame[],
  folder: string
): TracebackFrame | undefined {
  const prefix = folder.replace(/[\\/]+$/, '');
  const inside = (file: string): boolean =>
    file === prefix || file.startsWith(`${prefix}/`) || file.startsWith(`${prefix}\\`);
  return [...frames].reverse().find(frame => inside(frame.file));
}

/** The deepest frame that is not Python's or a library's: neither `<frozen …>` nor site-packages nor the server. */
export function innermostUserFrame(frames: readonly TracebackFrame[]): TracebackFrame | undefined {
  const foreign =
    /^<|[\\/](site|dist)-packages[\\/]|[\\/]lib[\\/]python\d|azureml_inference_server_http|inference_server\.py$/;
  return [...frames].reverse().find(frame => !foreign.test(frame.file));
}

function parseBlock(lines: string[], start: number): { block: TracebackBlock; next: number } {
  const frames: TracebackFrame[] = [];
  let index = start;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    const frame = FRAME.exec(line);
    if (frame) {
      frames.push({ file: frame[1]!, line: Number(frame[2]), ...(frame[3] ? { function: frame[3] } : {}) });
      continue;
    }
    if (/^\s/.test(line) || line === '') {
      const last = frames[frames.length - 1];
      if (last && last.code === undefined && line.trim() !== '' && !MARKER.test(line))
        last.code = line.trim();
      continue;
    }
    break;
  }
  const exception = EXCEPTION_LINE.exec(lines[index] ?? '');
  const messageLines = exception?.[2] !== undefined ? [exception[2]] : [];
  index++;
  while (index < lines.length && !endsMessage(lines[index]!)) messageLines.push(lines[index++]!);
  return {
    block: {
      frames,
      exceptionType: exception?.[1] ?? 'UnknownError',
      exceptionMessage: messageLines.join('\n').trim()
    },
    next: index
  };
}

function endsMessage(line: string): boolean {
  return (
    line.trim() === '' || LOG_RECORD.test(line) || line.includes(TRACEBACK_HEADER) || isChainSeparator(line)
  );
}

function isChainSeparator(line: string): boolean {
  return CHAIN_SEPARATORS.includes(line.trim());
}

/** After a block: a chain separator, blank lines, then the next header; otherwise the chain has ended. */
function chainedBlockStart(lines: string[], index: number): number {
  let i = index;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  if (i >= lines.length || !isChainSeparator(lines[i]!)) return -1;
  i++;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  return lines[i]?.trim() === TRACEBACK_HEADER ? i : -1;
}
