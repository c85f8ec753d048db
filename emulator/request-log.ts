import type { FaultKind } from './faults.js';

/** Which part of the emulator answered a request. */
export type ServiceName = 'arm' | 'identity' | 'github' | 'blob' | 'control';

/** One request as the emulator saw it. */
export interface RequestLogEntry {
  /** When the request arrived (ISO 8601). */
  time: string;
  method: string;
  /** The URL path, without the query. */
  path: string;
  /** Query parameters (the last value wins when a name repeats). */
  query: Record<string, string>;
  /** HTTP status sent; 0 when the connection was reset or closed before a response. */
  status: number;
  durationMs: number;
  service: ServiceName;
  /** True when the request changes state in Azure (see {@link isWriteRequest}). */
  write: boolean;
  /** The `x-ms-request-id` the emulator sent. */
  requestId: string;
  /** The scripted fault applied to this request, if any. */
  fault?: FaultKind;
}

// ARM POST actions that only read: validate, what-if, and the list*/get* actions (listKeys, listSecrets,
// getLogs, getToken...). Everything else that is POST changes something.
const READ_LIKE_ACTION = /\/(validate|whatif|list[^/]*|getlogs|gettoken)$/i;

/**
 * Whether a request writes. PUT, PATCH and DELETE always do; POST does unless it is a read-like ARM action;
 * token requests and the emulator's own control requests never count.
 */
export function isWriteRequest(service: ServiceName, method: string, path: string): boolean {
  if (service === 'identity' || service === 'github' || service === 'control') return false;
  const upper = method.toUpperCase();
  if (upper === 'PUT' || upper === 'PATCH' || upper === 'DELETE') return true;
  if (upper === 'POST') return !READ_LIKE_ACTION.test(path);
  return false;
}

/** Every request the emulator served, in the order the responses ended. */
export class RequestLog {
  readonly #entries: RequestLogEntry[] = [];

  /** Appends an entry (called by the server when a response ends). */
  record(entry: RequestLogEntry): void {
    this.#entries.push(entry);
  }

  /** A copy of all entries so far. */
  entries(): RequestLogEntry[] {
    return [...this.#entries];
  }

  /** Only the entries that wrote (see {@link isWriteRequest}). */
  writes(): RequestLogEntry[] {
    return this.#entries.filter(entry => entry.write);
  }

  /** Forgets all entries. */
  clear(): void {
    this.#entries.length = 0;
  }
}
