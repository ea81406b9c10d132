import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Authenticator } from './auth';
import { ConnectionGuard, DEFAULT_CONNECTION_LIMITS } from './connections';
import { DEFAULT_ENTRY_LIMITS, type EntryLimits } from './entry-check';
import { createHandler, type HandlerOptions } from './handler';
import { silentLogger, type Logger } from './log';
import { DiskStore } from './store';

export interface CacheServerOptions {
  storeDir: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Total store size before LRU eviction. Default 10 GiB. */
  maxBytes?: number;
  /** Largest single entry. Default min(1 GiB, maxBytes). */
  maxEntryBytes?: number;
  writeTokens?: string[];
  readTokens?: string[];
  /** Tokens that write to their own namespace and read it, then main (see auth.ts). */
  scopedTokens?: Array<{ namespace: string; token: string }>;
  /** Upload checks (default: DEFAULT_ENTRY_LIMITS); false accepts any bytes. */
  entryLimits?: EntryLimits | false;
  /** Time allowed to receive a request's headers (slowloris guard). Default 10 s. */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request, body included. Default 10 min. */
  requestTimeoutMs?: number;
  /** A connection with no traffic for this long is dropped (stalled uploads/downloads). Default 30 s. */
  idleTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  /** Open connections in all (default 1024). */
  maxConnections?: number;
  /** Of those, slots only connections that presented a valid token may use (default 128). */
  authReserve?: number;
  /** Open connections from one address (default 256). */
  perClientConnections?: number;
  log?: Logger;
  logRequests?: boolean;
  /** The proxy's hooks (see proxy/proxy.ts): fill a local miss, queue a stored upload. */
  hooks?: (store: DiskStore) => Pick<HandlerOptions, 'fillMiss' | 'onStored' | 'health'>;
  /** Passed to the store (see StoreOptions); mainly for tests. */
  memoryReadLimit?: number;
  touchIntervalMs?: number;
}

export interface RunningCacheServer {
  url: string;
  host: string;
  port: number;
  store: DiskStore;
  server: http.Server;
  connections: ConnectionGuard;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes everything and unlocks the store. */
  close(graceMs?: number): Promise<void>;
}

export const DEFAULT_MAX_BYTES = 10 * 1024 ** 3;
export const DEFAULT_MAX_ENTRY_BYTES = 1024 ** 3;

export async function startCacheServer(opts: CacheServerOptions): Promise<RunningCacheServer> {
  const log = opts.log ?? silentLogger;
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntryBytes = Math.min(opts.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES, maxBytes);
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const requestTimeout = Math.max(opts.requestTimeoutMs ?? 600_000, headersTimeout);
  const idleTimeout = opts.idleTimeoutMs ?? 30_000;

  const auth = new Authenticator({
    writeTokens: opts.writeTokens ?? [],
    readTokens: opts.readTokens ?? [],
    scopedTokens: opts.scopedTokens,
  });
  const maxConnections = opts.maxConnections ?? DEFAULT_CONNECTION_LIMITS.maxConnections;
  const connections = new ConnectionGuard({
    maxConnections,
    authReserve: Math.min(opts.authReserve ?? DEFAULT_CONNECTION_LIMITS.authReserve, Math.floor(maxConnections / 2)),
    perClient: opts.perClientConnections ?? DEFAULT_CONNECTION_LIMITS.perClient,
  });
  const store = await DiskStore.open({
    dir: opts.storeDir,
    maxBytes,
    log,
    memoryReadLimit: opts.memoryReadLimit,
    touchIntervalMs: opts.touchIntervalMs,
    entryLimits: opts.entryLimits ?? {
      ...DEFAULT_ENTRY_LIMITS,
      maxUnpackedBytes: Math.max(DEFAULT_ENTRY_LIMITS.maxUnpackedBytes, 16 * maxEntryBytes),
    },
  });
  const handler = createHandler({
    store,
    auth,
    maxEntryBytes,
    log,
    logRequests: opts.logRequests,
    onAuthenticated: (req) => connections.authenticated(req.socket),
    ...opts.hooks?.(store),
  });

  let inFlight = 0;
  let closing = false;
  const server = http.createServer(
    {
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: opts.keepAliveTimeoutMs ?? 5_000,
      // How often header/request timeouts are checked; Node's default (30 s) is too coarse for short limits.
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      inFlight++;
      res.once('close', () => inFlight--);
      if (closing) res.setHeader('Connection', 'close');
      handler(req, res);
    },
  );
  server.setTimeout(idleTimeout); // no 'timeout' listener: Node destroys the idle socket
  // No server.maxConnections: Node would refuse the newest connection, which is how a flood locks clients out.
  server.on('connection', (socket) => connections.admit(socket));
  server.maxHeadersCount = 100;
  // Malformed requests are answered by Node's default clientError handling (400/408/413/431 + close).

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await store.close();
    throw e;
  }
  server.on('error', (e) => log.error(`server error: ${e.message}`));

  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  const url = `http://${hostForUrl}:${addr.port}`;
  let closed: Promise<void> | undefined;

  return {
    url,
    host: addr.address,
    port: addr.port,
    store,
    server,
    connections,
    close(graceMs = 10_000) {
      closed ??= (async () => {
        closing = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = Date.now() + graceMs;
        while (inFlight > 0 && Date.now() < deadline) await sleep(20);
        server.closeAllConnections();
        await serverClosed;
        await store.close();
      })();
      return closed;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
