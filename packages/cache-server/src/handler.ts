import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Authenticator } from './auth';
import { isValidKey } from './keys';
import type { Logger } from './log';
import { EntryTooLargeError, type DiskStore, type PendingWrite } from './store';

/**
 * HTTP routing and handling for Nx's self-hosted remote cache protocol:
 *   GET /v1/cache/{hash}  200 (entry bytes) | 404 | 401 (bad/missing token)
 *   PUT /v1/cache/{hash}  200 | 401 | 403 (read-only token) | 409 (exists / upload in progress) | 413 | 411 | 400
 *   GET /healthz          200 (no auth; used by `start` to wait for readiness)
 *
 * Nx fails the whole run when a GET is answered 401/403/5xx, so a GET the server cannot serve for its own
 * reasons (corrupt entry, I/O error) is answered 404: a cache miss, and Nx just runs the task.
 */

export interface HandlerOptions {
  store: DiskStore;
  auth: Authenticator;
  /** Largest accepted entry (request body) in bytes; larger uploads get 413. */
  maxEntryBytes: number;
  log: Logger;
  logRequests?: boolean;
  /** How long a rejected request body is read-and-discarded (so the client sees the answer) before the connection is dropped. */
  discardBudgetMs?: number;
  /** ...and at most this many bytes (default 64 MiB). */
  discardBudgetBytes?: number;
}

export type Route =
  | { kind: 'cache'; key: string }
  | { kind: 'health' }
  | { kind: 'error'; status: number; message: string };

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
      if (!res.headersSent && !res.destroyed) {
        // Never a 5xx for GET: Nx would abort the run. A miss is always safe.
        if (req.method === 'GET' || req.method === 'HEAD') send(res, 404, 'not found');
        else send(res, 500, 'internal error', true);
      } else {
        res.destroy();
      }
    });
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = route(req.url);
    const method = req.method ?? '';
    if (r.kind === 'error') return reject(req, res, r.status, r.message);
    if (r.kind === 'health') {
      if (method !== 'GET' && method !== 'HEAD') return reject(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      const body = JSON.stringify({ ok: true, ...store.size });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store' });
      res.end(method === 'HEAD' ? undefined : body);
      return;
    }
    if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
      return reject(req, res, 405, 'method not allowed', { Allow: 'GET, HEAD, PUT' });
    }
    const access = auth.check(req.headers.authorization);
    if (access === 'none') {
      return reject(req, res, 401, 'missing or invalid token', { 'WWW-Authenticate': 'Bearer realm="nx-fastled-cache"' });
    }
    if (method === 'PUT') return put(req, res, r.key, access);
    return get(res, r.key, method === 'HEAD');
  }

  async function get(res: ServerResponse, key: string, head: boolean): Promise<void> {
    const entry = await store.read(key);
    if (!entry) return send(res, 404, 'not found');
    const headers = {
      'Content-Type': 'application/octet-stream',
      'Content-Length': entry.size,
      ETag: `"${entry.sha256}"`,
      'Cache-Control': 'no-store',
    };
    if (entry.kind === 'buffer') {
      res.writeHead(200, headers);
      res.end(head ? undefined : entry.data);
      return;
    }
    if (head || res.destroyed) {
      await entry.discard();
      if (!res.destroyed) res.writeHead(200, headers).end();
      return;
    }
    res.writeHead(200, headers);
    try {
      await pipeline(entry.stream(), res);
    } catch (e) {
      // Client went away or the file could not be read mid-way; headers are out, so just drop the connection.
      log.warn(`GET ${key} interrupted: ${(e as Error).message}`);
      res.destroy();
    }
  }

  async function put(req: IncomingMessage, res: ServerResponse, key: string, access: 'read' | 'write'): Promise<void> {
    if (access !== 'write') return reject(req, res, 403, 'token is read-only');
    if (store.has(key)) return reject(req, res, 409, 'entry already exists');
    const te = req.headers['transfer-encoding'];
    const cl = req.headers['content-length'];
    if (te === undefined && cl === undefined) return reject(req, res, 411, 'content-length required');
    if (cl !== undefined) {
      const n = Number(cl);
      if (!/^[0-9]{1,16}$/.test(cl) || !Number.isSafeInteger(n)) return reject(req, res, 400, 'bad content-length');
      if (n === 0) return reject(req, res, 400, 'empty entry');
      if (n > maxEntryBytes) return reject(req, res, 413, `entry larger than ${maxEntryBytes} bytes`);
    }
    const pending = await store.beginWrite(key, maxEntryBytes);
    if (pending === 'exists') return reject(req, res, 409, 'entry already exists');
    if (pending === 'busy') return reject(req, res, 409, 'entry is being uploaded');
    try {
      await readBodyInto(req, pending);
    } catch (e) {
      await pending.abort();
      if (e instanceof EntryTooLargeError) return reject(req, res, 413, `entry larger than ${maxEntryBytes} bytes`);
      // Client aborted or the connection failed: nothing was published.
      log.warn(`PUT ${key} aborted after ${pending.bytesWritten} bytes: ${(e as Error).message}`);
      if (!res.headersSent && !res.destroyed) reject(req, res, 400, 'incomplete body');
      return;
    }
    if (pending.bytesWritten === 0) {
      await pending.abort();
      return send(res, 400, 'empty entry');
    }
    const { result } = await pending.commit();
    if (result === 'exists') return send(res, 409, 'entry already exists');
    send(res, 200, 'stored');
  }

  /** Answers without (fully) reading the body: discards what the client still sends, within a budget, then drops the connection. */
  function reject(req: IncomingMessage, res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
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
    send(res, status, message, false, headers);
  }
}

/** Reads the request body into the pending write with backpressure (the socket is paused while a chunk is written). */
function readBodyInto(req: IncomingMessage, pending: PendingWrite): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    let writing: Promise<void> = Promise.resolve();
    const onData = (chunk: Buffer) => {
      req.pause();
      writing = pending.write(chunk).then(
        () => {
          if (!settled) req.resume();
        },
        (e) => finish(e as Error),
      );
    };
    const onEnd = () => {
      writing.then(() => finish(), (e) => finish(e as Error));
    };
    const onError = (e: Error) => finish(e);
    const onClose = () => {
      if (!req.complete) finish(new Error('client disconnected'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function send(res: ServerResponse, status: number, message: string, close = false, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = `${message}\n`;
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(body);
}

function truncate(s: string | undefined): string {
  const v = JSON.stringify(s ?? '');
  return v.length > 120 ? `${v.slice(0, 117)}...` : v;
}
