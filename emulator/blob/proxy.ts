import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { Transform } from 'node:stream';

/** Whether a path belongs to the blob service behind the proxy. */
export function isBlobPath(path: string, accountName: string): boolean {
  const lower = path.toLowerCase();
  const prefix = `/${accountName.toLowerCase()}`;
  return lower === prefix || lower.startsWith(prefix + '/');
}

/** Passes the first `limit` bytes, then cuts the stream (the "truncate" fault). */
function truncator(limit: number, onCut: () => void): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const room = limit - passed;
      if (room > 0) this.push(chunk.subarray(0, room));
      passed += chunk.length;
      if (passed >= limit) onCut();
      done();
    }
  });
}

/**
 * Forwards one request to Azurite and streams both bodies through without buffering, so a 1 GiB upload
 * costs only the sockets' buffers. The Host header is kept, so URLs Azurite builds point back at the proxy.
 */
export function proxyToAzurite(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
  extraHeaders: Record<string, string>,
  truncateTo?: number | 'half'
): void {
  const target = new URL(upstream);
  const outgoing = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers
    },
    answer => {
      const headers = { ...extraHeaders, ...answer.headers };
      res.writeHead(answer.statusCode ?? 502, headers);
      if (truncateTo !== undefined && answer.statusCode === 200) {
        const length = Number(answer.headers['content-length'] ?? 2);
        const limit = truncateTo === 'half' ? Math.floor(length / 2) : truncateTo;
        answer.pipe(truncator(limit, () => res.destroy())).pipe(res);
        return;
      }
      answer.pipe(res);
    }
  );
  outgoing.on('error', error => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>Blob proxy: ${error.message}</Message></Error>`;
    res.writeHead(503, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  req.on('aborted', () => outgoing.destroy());
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.pipe(outgoing);
}
