/**
 * Command-line arguments of `nx-fastled-cache`: the usage text, the option table (node:util parseArgs) and
 * the value parsers shared by the commands (sizes such as 512M, seconds, ports, tokens from the environment).
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseScopedTokens, parseTokenList, validateToken } from '../auth';
import type { CacheServerOptions } from '../server';

export const WRITE_TOKEN_ENV = 'NX_FASTLED_CACHE_WRITE_TOKEN';
export const READ_TOKEN_ENV = 'NX_FASTLED_CACHE_READ_TOKEN';
export const SCOPED_TOKENS_ENV = 'NX_FASTLED_CACHE_SCOPED_TOKENS';
export const UPSTREAM_TOKEN_ENV = 'NX_FASTLED_CACHE_UPSTREAM_TOKEN';

export const USAGE = `Usage:
  nx-fastled-cache [serve] --store <dir> [--host 127.0.0.1] [--port 0] [--max-bytes 10G]
                   [--max-entry-bytes 1G] [--pid-file <f>] [--log-requests] [--max-connections 1024]
                   [--auth-reserve 128] [--per-client-connections 256]
                   [--headers-timeout 10] [--request-timeout 600] [--idle-timeout 30]   (seconds)
      Serves in the foreground until SIGTERM/SIGINT; prints the URL it listens on as one line.
      Tokens: ${WRITE_TOKEN_ENV} (read-write main), ${READ_TOKEN_ENV} (read-only main),
      ${SCOPED_TOKENS_ENV}=<namespace>=<token>,... (write their namespace, read it then main);
      comma-separated lists allowed.

  nx-fastled-cache proxy --upstream <url> --store <dir> [--upstream-timeout 5] [--upstream-cooldown 10]
                   [--upload-attempts 4] [--drain-timeout 30] [serve options]
      A local cache in front of a shared server: Nx talks to it; upstream errors, timeouts and refusals
      become misses and accepted no-ops; uploads go upstream in the background with bounded retries.
      Local token: ${WRITE_TOKEN_ENV}; upstream token: ${UPSTREAM_TOKEN_ENV}
      (default: NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).

  nx-fastled-cache start --store <dir> [--upstream <url>] [--pid-file <f>] [--log-file <f>] [options]
      Starts the server (or, with --upstream, the proxy) detached, waits until it answers, and prints
        export NX_SELF_HOSTED_REMOTE_CACHE_SERVER=...
        export NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=...
      for eval "$(nx-fastled-cache start ...)". Generates a write token if ${WRITE_TOKEN_ENV} is unset.
      Defaults: --pid-file <store>/server.pid, --log-file <store>/server.log.

  nx-fastled-cache stop (--pid-file <f> | --store <dir>) [--timeout 10]
      Sends SIGTERM (SIGKILL after the timeout) to a server started with 'start'.

  nx-fastled-cache admin list    --store <dir> [--namespace <ns>] [--json]
  nx-fastled-cache admin inspect --store <dir> <hash|namespace+hash>
  nx-fastled-cache admin rm      --store <dir> <hash|namespace+hash>...
  nx-fastled-cache admin verify  --store <dir> [--remove]
      Lists, inspects (size, digest, members, verdict of the entry check) and removes entries, or checks all
      of them (--remove deletes the bad ones). Works on a store a running server uses.
`;

export const OPTIONS = {
  store: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'max-bytes': { type: 'string' },
  'max-entry-bytes': { type: 'string' },
  'max-connections': { type: 'string' },
  'auth-reserve': { type: 'string' },
  'per-client-connections': { type: 'string' },
  'pid-file': { type: 'string' },
  'log-file': { type: 'string' },
  'ready-file': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  timeout: { type: 'string' },
  'log-requests': { type: 'boolean' },
  upstream: { type: 'string' },
  'upstream-timeout': { type: 'string' },
  'upstream-cooldown': { type: 'string' },
  'upload-attempts': { type: 'string' },
  'drain-timeout': { type: 'string' },
  namespace: { type: 'string' },
  json: { type: 'boolean' },
  remove: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
export type Values = ReturnType<typeof parse>['values'];

export class UsageError extends Error {}

/** Parses `123`, `64K`, `512M`, `10G`, `1T` (binary units). */
export function parseSize(value: string, name: string): number {
  const m = /^([0-9]+)([KMGT]i?B?|B)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--${name}: expected a size such as 1048576, 512M or 10G, got '${value}'`);
  const mult = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').charAt(0).toUpperCase()] ?? 1;
  const n = Number(m[1]) * mult;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name}: must be a positive size`);
  return n;
}

export function parseSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new UsageError(`--${name}: expected seconds (0 < n <= 86400)`);
  return Math.round(n * 1000);
}

export function parseCount(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]{1,7}$/.test(value) || Number(value) < 1) throw new UsageError(`--${name}: expected a positive whole number, got '${value}'`);
  return Number(value);
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port: expected 0-65535, got '${value}'`);
  return Number(value);
}

/** The serve/proxy options shared by both, with the tokens from the environment. */
export function serverOptions(values: Values, env: NodeJS.ProcessEnv): CacheServerOptions {
  if (!values.store) throw new UsageError('--store <dir> is required');
  const writeTokens = parseTokenList(env[WRITE_TOKEN_ENV]);
  const readTokens = parseTokenList(env[READ_TOKEN_ENV]);
  let scopedTokens: CacheServerOptions['scopedTokens'];
  try {
    scopedTokens = parseScopedTokens(env[SCOPED_TOKENS_ENV]);
  } catch (e) {
    throw new UsageError(`${SCOPED_TOKENS_ENV}: ${(e as Error).message}`);
  }
  if (writeTokens.length + readTokens.length + scopedTokens.length === 0) {
    throw new UsageError(`set ${WRITE_TOKEN_ENV} (read-write) and/or ${READ_TOKEN_ENV} (read-only)`);
  }
  for (const t of [...writeTokens, ...readTokens, ...scopedTokens.map((s) => s.token)]) {
    const err = validateToken(t);
    if (err) throw new UsageError(err);
  }
  return {
    storeDir: path.resolve(values.store),
    host: values.host ?? '127.0.0.1',
    port: parsePort(values.port),
    maxBytes: values['max-bytes'] ? parseSize(values['max-bytes'], 'max-bytes') : undefined,
    maxEntryBytes: values['max-entry-bytes'] ? parseSize(values['max-entry-bytes'], 'max-entry-bytes') : undefined,
    maxConnections: parseCount(values['max-connections'], 'max-connections'),
    authReserve: parseCount(values['auth-reserve'], 'auth-reserve'),
    perClientConnections: parseCount(values['per-client-connections'], 'per-client-connections'),
    headersTimeoutMs: parseSeconds(values['headers-timeout'], 'headers-timeout'),
    requestTimeoutMs: parseSeconds(values['request-timeout'], 'request-timeout'),
    idleTimeoutMs: parseSeconds(values['idle-timeout'], 'idle-timeout'),
    writeTokens,
    readTokens,
    scopedTokens,
    logRequests: values['log-requests'] ?? false,
  };
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
