/**
 * Turns an inference server's startup log into one structured failure: which step failed, the user's file
 * and line, the traceback, and what the model directory held. Works on the local server's log (which ends
 * with a machine-readable `AZUREML_LOCAL_FAILURE {…}` line) and on a real azmlinfsrv container log, which
 * has only the human-readable lines ("User's init function failed", "Model Directory Contents:", …).
 */
import { innermostUserFrame, parsePythonTraceback, type PythonTraceback } from './python-traceback.js';

/** Why the server did not start. */
export type InitFailureCode =
  /** The entry script raised while being imported (SyntaxError, ModuleNotFoundError, …). */
  | 'UserScriptImportError'
  /** The entry script has no `init()` or no `run()`. */
  | 'UserScriptFunctionNotFound'
  /** `run()` takes no input argument, or takes `*args`/`**kwargs`. */
  | 'UserScriptInvalidRunSignature'
  /** `init()` raised. */
  | 'UserScriptInitFailed'
  /** The entry script path does not exist. */
  | 'EntryScriptNotFound'
  /** The server exited without saying why (bad Python, crash, killed). */
  | 'ServerExited';

/** A file in the model directory; `size` is unknown when read from a real server's tree listing. */
export interface ModelDirEntry {
  path: string;
  size?: number;
}

export interface InitFailure {
  code: InitFailureCode;
  /** The exception as `Type: message`, or the server's own sentence. */
  message: string;
  exceptionType?: string;
  /** `init` or `run` for UserScriptFunctionNotFound. */
  function?: string;
  /** The innermost frame in the user's code (for a SyntaxError: where the syntax is wrong). */
  file?: string;
  line?: number;
  traceback?: string;
  parsedTraceback?: PythonTraceback;
  modelDir?: string;
  modelDirListing: ModelDirEntry[];
  modelDirListingTruncated: boolean;
}

const FAILURE_MARKER = 'AZUREML_LOCAL_FAILURE ';
/** `2024-01-02 10:11:12,345 I [123] azmlinfsrv - message`, the real server's record format. */
const RECORD_PREFIX = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} [A-Z] \[\d+\] [\w.]+ - /;

/** Parses a startup failure from log text; undefined when the log shows none. */
export function parseInitFailure(logText: string): InitFailure | undefined {
  const marker = logText.split(/\r?\n/).find(line => line.startsWith(FAILURE_MARKER));
  if (marker) {
    const parsed = fromMarker(marker.slice(FAILURE_MARKER.length));
    if (parsed) return parsed;
  }
  return fromServerLog(logText);
}

interface MarkerJson {
  code: InitFailureCode;
  message: string;
  exceptionType?: string | null;
  function?: string | null;
  file?: string | null;
  line?: number | null;
  traceback?: string | null;
  modelDir?: string | null;
  modelDirListing?: { path: string; size: number | null }[];
  modelDirListingTruncated?: boolean;
}

function fromMarker(json: string): InitFailure | undefined {
  let data: MarkerJson;
  try {
    data = JSON.parse(json) as MarkerJson;
  } catch {
    return undefined; // a truncated line: fall back to reading the human-readable log
  }
  const parsedTraceback = data.traceback ? parsePythonTraceback(data.traceback) : undefined;
  return dropUndefined({
    code: data.code,
    message: data.message,
    exceptionType: data.exceptionType ?? undefined,
    function: data.function ?? undefined,
    file: data.file ?? undefined,
    line: data.line ?? undefined,
    traceback: data.traceback ?? undefined,
    parsedTraceback,
    modelDir: data.modelDir ?? undefined,
    modelDirListing: (data.modelDirListing ?? []).map(e =>
      e.size === null ? { path: e.path } : { path: e.path, size: e.size }
    ),
    modelDirListingTruncated: data.modelDirListingTruncated ?? false
  });
}

function fromServerLog(logText: string): InitFailure | undefined {
  const code = classify(logText);
  if (!code) return undefined;
  const tracebackText = extractTraceback(logText);
  const parsedTraceback = tracebackText ? parsePythonTraceback(tracebackText) : undefined;
  const frame = parsedTraceback ? innermostUserFrame(parsedTraceback.frames) : undefined;
  const missing = /does not have a (init|run)\(\) function defined/.exec(logText);
  const modelDir = /^Model Directory: (.+)$/m.exec(logText)?.[1]?.trim();
  const { entries, truncated } = readTreeListing(logText);
  return dropUndefined({
    code,
    message: parsedTraceback
      ? `${parsedTraceback.exceptionType}: ${parsedTraceback.exceptionMessage}`
      : (missing?.[0] ?? 'The inference server exited during startup.'),
    exceptionType: parsedTraceback?.exceptionType,
    function: missing?.[1],
    file: frame?.file,
    line: frame?.line,
    traceback: tracebackText,
    parsedTraceback,
    modelDir: modelDir && modelDir !== 'None' ? modelDir : undefined,
    modelDirListing: entries,
    modelDirListingTruncated: truncated
  });
}

function classify(logText: string): InitFailureCode | undefined {
  if (logText.includes("User's init function failed")) return 'UserScriptInitFailed';
  if (/does not have a (init|run)\(\) function defined/.test(logText)) return 'UserScriptFunctionNotFound';
  if (/run\(\) (cannot accept positional-only|needs to accept an argument)/.test(logText)) {
    return 'UserScriptInvalidRunSignature';
  }
  if (logText.includes('Failed to import user script')) return 'UserScriptImportError';
  if (logText.includes('No score script found') || logText.includes('No such file or directory.')) {
    return 'EntryScriptNotFound';
  }
  return undefined;
}

/** The traceback text from the first header to the end of its exception message block. */
function extractTraceback(logText: string): string | undefined {
  const lines = logText.split(/\r?\n/);
  const start = lines.findIndex(line => line.includes('Traceback (most recent call last):'));
  if (start < 0) return undefined;
  const out = [lines[start]!.slice(lines[start]!.indexOf('Traceback (most recent call last):'))];
  for (let i = start + 1; i < lines.length && !RECORD_PREFIX.test(lines[i]!); i++) out.push(lines[i]!);
  return out.join('\n').trimEnd();
}

/** Rebuilds relative paths from the real server's indented tree under "Model Directory Contents:". */
function readTreeListing(logText: string): { entries: ModelDirEntry[]; truncated: boolean } {
  const lines = logText.split(/\r?\n/);
  const start = lines.findIndex(line => line.endsWith('Model Directory Contents:'));
  if (start < 0) return { entries: [], truncated: false };
  const entries: ModelDirEntry[] = [];
  const stack: string[] = [];
  let truncated = false;
  for (let i = start + 2; i < lines.length; i++) {
    const match = RECORD_PREFIX.exec(lines[i]!);
    if (!match) break;
    const text = lines[i]!.slice(match[0].length);
    if (text.startsWith('Output Truncated.')) {
      truncated = true;
      break;
    }
    const depth = Math.floor((text.length - text.trimStart().length) / 4);
    if (depth < 1) break; // not a tree line: the listing has ended
    const name = text.trim();
    stack.length = depth - 1;
    if (/[\\/]$/.test(name)) stack.push(name.slice(0, -1));
    else entries.push({ path: [...stack, name].join('/') });
  }
  return { entries, truncated };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
