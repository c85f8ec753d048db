/**
 * A scripted fault: which requests it hits (`method`, `path`, `nth`/`times`) and what it does to them. Set
 * one of `status` (answer with it), `reset` (destroy the socket) or `truncate` (cut a 200 body); `delayMs`
 * waits first, and on its own then serves the request normally.
 */
export interface Fault {
  /** HTTP method to match; omitted or `*` matches any. */
  method?: string;
  /**
   * The URL path (no query) to match, case-insensitively: a RegExp, or a string where `*` matches any run of
   * characters and everything else is literal.
   */
  path: string | RegExp;
  /** Apply only to the n-th matching request (1-based). */
  nth?: number;
  /** Apply to the first `times` matching requests. Without `nth` or `times` the fault applies every time. */
  times?: number;
  /** Answer with this status and an ARM error body (`code`, `message`) plus `headers` (e.g. `retry-after-ms`). */
  status?: number;
  headers?: Record<string, string>;
  code?: string;
  message?: string;
  /** Wait this long before answering (or before serving normally). */
  delayMs?: number;
  /** Destroy the connection without an answer. */
  reset?: boolean;
  /** Send a 200's headers but only `truncate` bytes of its body (`true`: half), then cut the connection. */
  truncate?: boolean | number;
}

/** The kind of a fault, as recorded in the request log. */
export type FaultKind = 'status' | 'delay' | 'reset' | 'truncate';

/** Which kind of fault this is: reset, truncate and status take precedence over a bare delay. */
export function faultKind(fault: Fault): FaultKind {
  if (fault.reset) return 'reset';
  if (fault.truncate !== undefined && fault.truncate !== false) return 'truncate';
  if (fault.status !== undefined) return 'status';
  return 'delay';
}

interface ArmedFault {
  fault: Fault;
  pattern: RegExp;
  seen: number;
}

function compilePath(path: string | RegExp): RegExp {
  if (path instanceof RegExp) {
    return path.flags.includes('i') ? path : new RegExp(path.source, path.flags + 'i');
  }
  const literal = path
    .split('*')
    .map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${literal}$`, 'i');
}

/** The faults a test scripted; the server asks it about every request before routing. */
export class FaultScript {
  #armed: ArmedFault[] = [];

  /** Adds a fault; faults are checked in the order they were added and the first that applies wins. */
  add(fault: Fault): void {
    if (fault.nth !== undefined && fault.nth < 1) throw new Error('Fault nth is 1-based.');
    if (fault.status === undefined && !fault.reset && !fault.truncate && fault.delayMs === undefined) {
      throw new Error('A fault needs one of status, reset, truncate or delayMs.');
    }
    this.#armed.push({ fault, pattern: compilePath(fault.path), seen: 0 });
  }

  /** Removes all faults. */
  clear(): void {
    this.#armed = [];
  }

  /**
   * Finds the action for a request. Every matching fault counts the request as an occurrence, even when an
   * earlier fault already applies, so `nth` means "the n-th request to this path".
   */
  match(method: string, path: string): Fault | undefined {
    let chosen: Fault | undefined;
    for (const armed of this.#armed) {
      const wanted = armed.fault.method;
      if (wanted && wanted !== '*' && wanted.toUpperCase() !== method.toUpperCase()) continue;
      if (!armed.pattern.test(path)) continue;
      armed.seen += 1;
      if (chosen) continue;
      const { nth, times } = armed.fault;
      const applies =
        nth !== undefined ? armed.seen === nth : times !== undefined ? armed.seen <= times : true;
      if (applies) chosen = armed.fault;
    }
    return chosen;
  }
}

/** Parses a fault sent as JSON to the control endpoint; `pathRegex` (a string) stands in for a RegExp. */
export function faultFromJson(input: unknown): Fault {
  const raw = input as (Partial<Fault> & { pathRegex?: string }) | null;
  if (!raw || typeof raw !== 'object') throw new Error('A fault must be a JSON object.');
  const { pathRegex, ...fault } = raw;
  const path = typeof pathRegex === 'string' ? new RegExp(pathRegex, 'i') : fault.path;
  if (typeof path !== 'string' && !(path instanceof RegExp))
    throw new Error('A fault needs a path or pathRegex.');
  return { ...fault, path };
}
