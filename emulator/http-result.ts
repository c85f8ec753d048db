import type { IncomingMessage, ServerResponse } from 'node:http';

/** A complete response: status, extra headers, and a body (objects are sent as JSON). */
export interface HttpResult {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** One entry of an ARM error's `details`. */
export interface ArmErrorDetail {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorDetail[];
  /** ARM's `additionalInfo`, e.g. `{ type: 'TemplateViolation', info: { lineNumber, linePosition, path } }`. */
  additionalInfo?: { type: string; info: unknown }[];
}

/**
 * An ARM error response in the envelope every resource provider uses:
 * `{"error":{"code","message","target"?,"details"?}}`.
 */
export function armError(
  status: number,
  code: string,
  message: string,
  details?: ArmErrorDetail[],
  target?: string
): HttpResult {
  const error: Record<string, unknown> = { code, message };
  if (target !== undefined) error.target = target;
  if (details !== undefined) error.details = details;
  return { status, body: { error } };
}

/** Thrown by handlers to stop and answer with `result` (usually an {@link armError}). */
export class HttpResultError extends Error {
  constructor(readonly result: HttpResult) {
    super(`HTTP ${result.status}`);
  }
}

/** Reads a request body fully; only for small bodies (ARM and token requests), never for blobs. */
export async function readBody(req: IncomingMessage, limitBytes = 32 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes)
      throw new HttpResultError(armError(413, 'RequestTooLarge', 'The request is too large.'));
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Writes `result` to `res`. With `truncateTo` set (a scripted fault) a 200 announces its full length but
 * sends only that many bytes before the socket is destroyed, as a dropped connection would.
 */
export function writeResult(
  req: IncomingMessage,
  res: ServerResponse,
  result: HttpResult,
  truncateTo?: number | 'half'
): void {
  const headers: Record<string, string> = { ...result.headers };
  let payload: Buffer | undefined;
  if (result.body !== undefined) {
    if (Buffer.isBuffer(result.body)) payload = result.body;
    else if (typeof result.body === 'string') payload = Buffer.from(result.body);
    else {
      payload = Buffer.from(JSON.stringify(result.body));
      headers['content-type'] ??= 'application/json; charset=utf-8';
    }
  }
  if (payload) headers['content-length'] = String(payload.length);
  else if (result.status !== 204 && result.status !== 304) headers['content-length'] = '0';
  res.writeHead(result.status, headers);
  if (!payload || req.method === 'HEAD') {
    res.end();
    return;
  }
  if (truncateTo !== undefined && result.status === 200) {
    const keep =
      truncateTo === 'half' ? Math.floor(payload.length / 2) : Math.min(truncateTo, payload.length - 1);
    res.write(payload.subarray(0, Math.max(0, keep)), () => res.destroy());
    return;
  }
  res.end(payload);
}
