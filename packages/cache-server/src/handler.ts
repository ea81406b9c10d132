import type { IncomingMessage, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Authenticator, Grant } from './auth';
import { entryId, isValidKey } from './keys';
import type { Logger } from './log';
import { EntryTooLargeError, StoreFullError, type DiskStore, type PendingWrite } from './store';

/**
 * HTTP routing and handling for Nx's self-hosted remote cache protocol, answering only what Nx 24 tolerates:
 *   GET  /v1/cache/{hash}  200 (entry bytes) | 404 (absent, corrupt, unreadable, any server-side problem) | 401
 *   PUT  /v1/cache/{hash}  200 | 409 (exists, upload in progress) | 403 (anything else it will not store) | 401
 *   HEAD /v1/cache/{hash}  like GET without the body (no re-hash)
 *   GET  /healthz          200 (no auth; used by `start` to wait for readiness)
 *
 * Nx 24 fails the whole run on a GET answered with anything but 200/404, and on a PUT answered with anything
 * but 200/403/409. So a GET the server cannot serve is a miss, and a PUT it will not store (read-only token,
 * too large, not a valid entry, store full, disk error) is a 403 whose reason goes to the log and the body.
 * 401 (a wrong token) stays an error on purpose, as `text/plain` which is what Nx expects for it.
 */

export interface HandlerOptions {
  store: DiskStore;
  auth: Authenticator;
  /** Largest accepted entry (request body) in bytes; larger uploads are refused with 403. */
  maxEntryBytes: number;
  log: Logger;
  logRequests?: boolean;
  /** How long a rejected request body is read-and-discarded (so the client sees the answer) before the connection is dropped. */
  discardBudgetMs?: number;
  /** ...and at most this many bytes (default 64 MiB). */
  discardBudgetBytes?: number;
  /** Called when a request presents a valid token (the connection then counts as authenticated). */
  onAuthenticated?: (req: IncomingMessage) => void;
  /** On a local miss: may fill the store with `id` (the proxy fetches it from upstream); true if it did. */
  fillMiss?: (id: string) => Promise<boolean>;
  /** After an upload was stored (the proxy queues it for upstream). */
  onStored?: (id: string) => void;
  /** Extra fields for /healthz (the proxy's upstream and upload figures). */
  health?: () => Record<string, unknown>;
}

export type Route = { kind: 'cache'; key: string } | { kind: 'health' } | { kind: 'error'; status: number; message: string };

const MAX_URL_LENGTH = 2048;

/** Maps a request target to a route. Never decodes percent-escapes: a valid key is plain digits. */
export function route(rawUrl: string | undefined): Route {
  const url = rawUrl ?? '';
  if (url.length > MAX_URL_LENGTH) return { kind: 'error', status: 414, message: 'URI too long' };
  if (!url.startsWith('/')) return { kind: 'error', status: 400, message: 'bad request target' };
  let p = url;
  const q = p.search(/[?#]/);
  if (q >= 0) p = p.slice(0, q);
  // Nx joins base URL and path naively: a base URL with a trailing slash yields `//v1/cache/...`.
  p = p.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  if (p === '/healthz') return { kind: 'health' };
  if (p.startsWith('/v1/cache/')) {
    const key = p.slice('/v1/cache/'.length);
    if (!isValidKey(key)) return { kind: 'error', status: 400, message: 'invalid cache key' };
    return { kind: 'cache', key };
  }
  return { kind: 'error', status: 404, message: 'not found' };
}

/**
 * The status a refusal is sent with: PUT refusals become 403 (Nx ignores it) unless they are 401/409; GET and
 * HEAD refusals become 404 unless 401. Other methods keep their status (Nx never sends them).
 */
export function tolerated(method: string, status: number): number {
  if (status === 401) return 401;
  if (method === 'PUT') return status === 409 ? 409 : 403;
  if (method === 'GET' || method === 'HEAD') return 404;
  return status;
}

export function createHandler(opts: HandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { store, auth, maxEntryBytes, log } = opts;
  const discardBudgetMs = opts.discardBudgetMs ?? 5_000;
  const discardBudgetBytes = opts.discardBudgetBytes ?? 64 * 1024 * 1024;

  return (req, res) => {
    const started = process.hrtime.bigint();
    if (opts.logRequests) {
      res.once('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info(`${req.method} ${truncate(req.url)} ${res.statusCode} ${ms.toFixed(1)}ms`);
      });
    }
    handle(req, res).catch((err) => {
      log.error(`${req.method} ${truncate(req.url)} failed: ${(err as Error)?.stack ?? err}`);
      if (!res.headersSent && !res.destroyed) refuse(req, res, 500, `internal error: ${(err as Error)?.message ?? err}`);
      else res.destroy();
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = route(req.url);
    const method = req.method ?? '';
    if (r.kind === 'health') {
      if (method !== 'GET' && method !== 'HEAD') return refuse(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const body = JSON.stringify({ ok: true, ...store.size, ...opts.health?.() });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
      return refuse(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD, PUT' });
    }
    const grant = auth.grant(req.headers.authorization);
    if (!grant) {
      return refuse(req, res, 401, 'missing or invalid token', { 'WWW-Authenticate': 'Bearer realm="nx-fastled-cache"' });
    }
    opts.onAuthenticated?.(req);
    if (r.kind === 'error') return refuse(req, res, r.status, r.message);
    if (method === 'PUT') return put(req, res, r.key, grant);
    return get(req, res, r.key, grant, method === 'HEAD');
  }

  async function get(req: IncomingMessage, res: ServerResponse, key: string, grant: Grant, head: boolean): Promise<void> {
    for (const ns of grant.readNamespaces) {
      const id = entryId(ns, key);
      if (opts.fillMiss && !(await store.exists(id)) && !(await opts.fillMiss(id).catch(() => false))) continue;
      if (head) {
        const st = await store.stat(id);
        if (!st) continue;
        res.writeHead(200, entryHeaders(st.size, st.sha256)).end();
        return;
      }
      if (res.destroyed) return;
      const entry = await store.read(id);
      if (!entry) continue;
      const headers = entryHeaders(entry.size, entry.sha256);
      if (entry.kind === 'buffer') {
        res.writeHead(200, headers);
        res.end(entry.data);
        return;
      }
      if (res.destroyed) return entry.discard();
      res.writeHead(200, headers);
      try {
        // Streamed with backpressure: a client that does not read holds one file handle and a few buffers, no more.
        await pipeline(entry.stream(), res);
      } catch (e) {
        // Client went away or the file could not be read mid-way; headers are out, so just drop the connection.
        log.warn(`GET ${id} interrupted: ${(e as Error).message}`);
        res.destroy();
      }
      return;
    }
    refuse(req, res, 404, 'not found');
  }

  async function put(req: IncomingMessage, res: ServerResponse, key: string, grant: Grant): Promise<void> {
    if (!grant.writeNamespace) return refuse(req, res, 403, 'token is read-only');
    const id = entryId(grant.writeNamespace, key);
    for (const ns of grant.readNamespaces) {
      // A pull request's upload of a hash main already has would only shadow main's entry: nothing to do.
      if (ns !== grant.writeNamespace && (await store.exists(entryId(ns, key))))
        return refuse(req, res, 409, `entry already exists in ${ns}`);
    }
    const te = req.headers['transfer-encoding'];
    const cl = req.headers['content-length'];
    if (te === undefined && cl === undefined) return refuse(req, res, 411, 'content-length required');
    let declared = 0;
    if (cl !== undefined) {
      const n = Number(cl);
      if (!/^[0-9]{1,16}$/.test(cl) || !Number.isSafeInteger(n)) return refuse(req, res, 400, 'bad content-length');
      if (n === 0) return refuse(req, res, 400, 'empty entry');
      if (n > maxEntryBytes) return refuse(req, res, 413, `entry of ${n} bytes is larger than --max-entry-bytes (${maxEntryBytes})`);
      declared = n;
    }
    let pending: PendingWrite | 'exists' | 'busy';
    try {
      pending = await store.beginWrite(id, maxEntryBytes, declared);
    } catch (e) {
      if (e instanceof StoreFullError) return refuse(req, res, 507, `store full: ${e.message}`);
      throw e;
    }
    if (pending === 'exists') return refuse(req, res, 409, 'entry already exists');
    if (pending === 'busy') return refuse(req, res, 409, 'entry is being uploaded');
    const upload = pending;
    // Whatever happens to the connection from here on, the upload is either committed or aborted.
    res.once('close', () => void upload.abort());
    try {
      await pipeline(req, uploadSink(upload));
    } catch (e) {
      await upload.abort();
      if (e instanceof EntryTooLargeError) return refuse(req, res, 413, `entry larger than --max-entry-bytes (${maxEntryBytes})`);
      if (e instanceof StoreFullError) return refuse(req, res, 507, `store full: ${e.message}`);
      // Client aborted or the connection failed: nothing was published.
      log.warn(`PUT ${id} aborted after ${upload.bytesWritten} bytes: ${(e as Error).message}`);
      return refuse(req, res, 400, 'incomplete body');
    }
    if (upload.finished) return; // the connection closed meanwhile: aborted, nobody to answer
    if (upload.bytesWritten === 0) {
      await upload.abort();
      return refuse(req, res, 400, 'empty entry');
    }
    if (declared && upload.bytesWritten !== declared) {
      await upload.abort();
      return refuse(req, res, 400, `body of ${upload.bytesWritten} bytes, content-length ${declared}`);
    }
    if (upload.finished) return;
    const { result, reason } = await upload.commit();
    if (result === 'exists') return refuse(req, res, 409, 'entry already exists');
    if (result === 'invalid') return refuse(req, res, 422, `not a valid Nx cache entry: ${reason}`);
    send(res, 200, 'stored');
    opts.onStored?.(id);
  }

  /**
   * Answers a refusal with the status Nx tolerates (see `tolerated`), logs why a PUT or GET was refused, and
   * discards what the client still sends (within a budget) so it sees the answer; then drops the connection.
   */
  function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
    const method = req.method ?? '';
    const sent = tolerated(method, status);
    if (method === 'PUT' && sent !== 401)
      log.warn(`PUT ${truncate(req.url)} refused (${sent}${sent !== status ? `, was ${status}` : ''}): ${message}`);
    else if (status >= 500) log.warn(`${method} ${truncate(req.url)} answered ${sent} instead of ${status}: ${message}`);
    if (!req.complete && !req.destroyed) {
      let discarded = 0;
      const timer = setTimeout(() => req.socket.destroy(), discardBudgetMs);
      timer.unref();
      const onData = (chunk: Buffer) => {
        discarded += chunk.length;
        if (discarded > discardBudgetBytes) req.socket.destroy();
      };
      req.on('data', onData);
      req.once('close', () => clearTimeout(timer));
      req.once('end', () => clearTimeout(timer));
      req.resume();
    }
    send(res, sent, message, false, { ...headers, ...(sent !== status ? { 'X-Refused-Because': String(status) } : {}) });
  }
}

function entryHeaders(size: number, sha256: string): Record<string, string | number> {
  return {
    'Content-Type': 'application/octet-stream',
    'Content-Length': size,
    ETag: `"${sha256}"`,
    'Cache-Control': 'no-store',
  };
}

/** A Writable feeding the pending upload; pipeline() then handles an aborted, already-closed or erroring request. */
function uploadSink(pending: PendingWrite): Writable {
  return new Writable({
    highWaterMark: 256 * 1024,
    write(chunk: Buffer, _enc, cb) {
      pending.write(chunk).then(() => cb(), cb);
    },
  });
}

function send(res: ServerResponse, status: number, message: string, close = false, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    // Exactly `text/plain`: Nx 24 reports any other type on a 401 as "Misconfigured remote cache endpoint".
    'Content-Type': 'text/plain',
    'Content-Length': Buffer.byteLength(body),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

function truncate(s: string | undefined): string {
  const v = JSON.stringify(s ?? '');
  return v.length > 120 ? `${v.slice(0, 117)}...` : v;
}
