import { parsePythonTraceback, type PythonTraceback } from '../scoring-script/python-traceback.js';

/**
 * Reads the crashes out of an inference server log (`getLogs`, containerType `InferenceServer`). A crash is
 * one container's life that ended with a traceback: the segment before a restart line (Kubernetes' event
 * "Back-off restarting failed container", which the stand-in writes too) or before the banner of the next
 * container; the container still running counts only once its log says start-up failed.
 */

/** One container start that ended with a Python traceback. */
export interface Crash {
  /**
   * The line that opens the traceback (`2024-… E [pid] azmlinfsrv - Encountered Exception Traceback …`). Its
   * timestamp and process id tell one crash from the next when polls see overlapping tails.
   */
  key: string;
  /** The same exception at the same frames: what "crashed again with the same traceback" compares. */
  signature: string;
  traceback: PythonTraceback;
}

/** A new container starting: a restart event, or the server's banner. */
const CONTAINER_BOUNDARY = /Back-off restarting failed container|^\s*Azure ML Inferencing HTTP server\b/;
/** Lines the server writes when start-up failed and the process is about to exit. */
const STARTUP_FAILED =
  /init function failed|Worker failed to boot|Worker exiting|AZUREML_LOCAL_FAILURE|UserScript(Init|Import)\w*|Failed to (import|load) (the )?(user|entry|scoring) script/i;
const TRACEBACK_HEADER = 'Traceback (most recent call last):';

/** The crashes in `log`, oldest first. A traceback without a sign that the container died is not counted. */
export function crashesInLog(log: string): Crash[] {
  const crashes: Crash[] = [];
  const segments = containerSegments(log.split(/\r?\n/));
  segments.forEach((segment, index) => {
    const ended = index < segments.length - 1;
    if (!ended && !segment.some(line => STARTUP_FAILED.test(line))) return;
    const header = segment.find(line => line.includes(TRACEBACK_HEADER));
    if (header === undefined) return;
    const traceback = parsePythonTraceback(segment.join('\n'));
    if (traceback) crashes.push({ key: header.trim(), signature: signatureOf(traceback), traceback });
  });
  return crashes;
}

/** Lines split at container boundaries; a boundary line starts the next segment. */
function containerSegments(lines: string[]): string[][] {
  const segments: string[][] = [[]];
  for (const line of lines) {
    if (CONTAINER_BOUNDARY.test(line) && segments[segments.length - 1]!.length > 0) segments.push([]);
    segments[segments.length - 1]!.push(line);
  }
  return segments;
}

/**
 * Exception type, message and frames (file name and line) of every block in the chain. Addresses and
 * process ids differ between restarts of the same bug, so they are left out.
 */
function signatureOf(traceback: PythonTraceback): string {
  return traceback.chain
    .map(block => {
      const frames = block.frames.map(frame => `${frame.file.split(/[\\/]/).pop()}:${frame.line}`);
      const message = block.exceptionMessage.replace(/0x[0-9a-f]+/gi, '0x…').replace(/\[\d+\]/g, '[…]');
      return `${frames.join(' > ')} ${block.exceptionType}: ${message}`;
    })
    .join(' | ');
}
