import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseTokenList, validateToken } from './auth';
import { stderrLogger } from './log';
import { startCacheServer, type CacheServerOptions } from './server';
import { isRunning } from './store';

export const WRITE_TOKEN_ENV = 'NX_FASTLED_CACHE_WRITE_TOKEN';
export const READ_TOKEN_ENV = 'NX_FASTLED_CACHE_READ_TOKEN';

const USAGE = `Usage:
  nx-fastled-cache [serve] --store <dir> [--host 127.0.0.1] [--port 0] [--max-bytes 10G]
                   [--max-entry-bytes 1G] [--pid-file <f>] [--log-requests]
                   [--headers-timeout 10] [--request-timeout 600] [--idle-timeout 30]   (seconds)
      Serves in the foreground until SIGTERM/SIGINT; prints the URL it listens on as one line.
      Tokens: ${WRITE_TOKEN_ENV} (read-write), ${READ_TOKEN_ENV} (read-only); comma-separated lists allowed.

  nx-fastled-cache start --store <dir> [--pid-file <f>] [--log-file <f>] [serve options]
      Starts the server detached, waits until it answers, and prints
        export NX_SELF_HOSTED_REMOTE_CACHE_SERVER=...
        export NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=...
      for eval "$(nx-fastled-cache start ...)". Generates a write token if ${WRITE_TOKEN_ENV} is unset.
      Defaults: --pid-file <store>/server.pid, --log-file <store>/server.log.

  nx-fastled-cache stop (--pid-file <f> | --store <dir>) [--timeout 10]
      Sends SIGTERM (SIGKILL after the timeout) to a server started with 'start'.
`;

const OPTIONS = {
  store: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'max-bytes': { type: 'string' },
  'max-entry-bytes': { type: 'string' },
  'pid-file': { type: 'string' },
  'log-file': { type: 'string' },
  'ready-file': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  timeout: { type: 'string' },
  'log-requests': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parse>['values'];
const parse = (argv: string[]) => parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0] ?? 'serve';
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) {
    process.stderr.write(`unexpected arguments: ${positionals.slice(1).join(' ')}\n\n${USAGE}`);
    return 2;
  }
  try {
    switch (command) {
      case 'serve':
        return await serve(values);
      case 'start':
        return await start(values);
      case 'stop':
        return await stop(values);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    process.stderr.write(`nx-fastled-cache: ${(e as Error).message}\n`);
    return 1;
  }
}

/** Parses `123`, `64K`, `512M`, `10G`, `1T` (binary units). */
export function parseSize(value: string, name: string): number {
  const m = /^([0-9]+)([KMGT]i?B?|B)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`--${name}: expected a size such as 1048576, 512M or 10G, got '${value}'`);
  const mult = { '': 1, B: 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[(m[2] ?? '').charAt(0).toUpperCase()] ?? 1;
  const n = Number(m[1]) * mult;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${name}: must be a positive size`);
  return n;
}

function parseSeconds(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new UsageError(`--${name}: expected seconds (0 < n <= 86400)`);
  return Math.round(n * 1000);
}

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^[0-9]{1,5}$/.test(value) || Number(value) > 65535) throw new UsageError(`--port: expected 0-65535, got '${value}'`);
  return Number(value);
}

function serverOptions(values: Values, env: NodeJS.ProcessEnv): CacheServerOptions {
  if (!values.store) throw new UsageError('--store <dir> is required');
  const writeTokens = parseTokenList(env[WRITE_TOKEN_ENV]);
  const readTokens = parseTokenList(env[READ_TOKEN_ENV]);
  if (writeTokens.length + readTokens.length === 0) {
    throw new UsageError(`set ${WRITE_TOKEN_ENV} (read-write) and/or ${READ_TOKEN_ENV} (read-only)`);
  }
  for (const t of [...writeTokens, ...readTokens]) {
    const err = validateToken(t);
    if (err) throw new UsageError(err);
  }
  return {
    storeDir: path.resolve(values.store),
    host: values.host ?? '127.0.0.1',
    port: parsePort(values.port),
    maxBytes: values['max-bytes'] ? parseSize(values['max-bytes'], 'max-bytes') : undefined,
    maxEntryBytes: values['max-entry-bytes'] ? parseSize(values['max-entry-bytes'], 'max-entry-bytes') : undefined,
    headersTimeoutMs: parseSeconds(values['headers-timeout'], 'headers-timeout'),
    requestTimeoutMs: parseSeconds(values['request-timeout'], 'request-timeout'),
    idleTimeoutMs: parseSeconds(values['idle-timeout'], 'idle-timeout'),
    writeTokens,
    readTokens,
    logRequests: values['log-requests'] ?? false,
  };
}

async function serve(values: Values): Promise<number> {
  const opts = serverOptions(values, process.env);
  const log = stderrLogger();
  const srv = await startCacheServer({ ...opts, log });
  const pidFile = values['pid-file'] && path.resolve(values['pid-file']);
  if (pidFile) await writeFileAtomic(pidFile, `${process.pid}\n`);
  process.stdout.write(`${srv.url}\n`);
  log.info(`listening on ${srv.url} (store ${opts.storeDir}, ${srv.store.size.entries} entries)`);
  if (values['ready-file']) {
    await writeFileAtomic(path.resolve(values['ready-file']), JSON.stringify({ pid: process.pid, url: srv.url }));
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (sig: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${sig} again: exiting immediately`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${sig}: shutting down`);
      srv
        .close(10_000)
        .catch((e) => log.error(`shutdown: ${(e as Error).message}`))
        .then(async () => {
          if (pidFile) {
            const owner = await fsp.readFile(pidFile, 'utf8').catch(() => '');
            if (Number.parseInt(owner, 10) === process.pid) await fsp.rm(pidFile, { force: true });
          }
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
          log.info('stopped');
          resolve(0);
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

const BIN = path.join(__dirname, '..', 'bin', 'nx-fastled-cache.cjs');

const SERVE_FORWARD = ['host', 'port', 'max-bytes', 'max-entry-bytes', 'headers-timeout', 'request-timeout', 'idle-timeout', 'log-requests'] as const;

async function start(values: Values): Promise<number> {
  if (!values.store) throw new UsageError('--store <dir> is required');
  const storeDir = path.resolve(values.store);
  await fsp.mkdir(storeDir, { recursive: true });
  const pidFile = path.resolve(values['pid-file'] ?? path.join(storeDir, 'server.pid'));
  const logFile = path.resolve(values['log-file'] ?? path.join(storeDir, 'server.log'));

  const existing = await readPid(pidFile);
  if (existing && isRunning(existing)) throw new Error(`already running (pid ${existing}, ${pidFile})`);

  const env = { ...process.env };
  let writeToken = parseTokenList(env[WRITE_TOKEN_ENV])[0];
  if (!writeToken) {
    writeToken = randomBytes(24).toString('hex');
    env[WRITE_TOKEN_ENV] = writeToken;
  }
  serverOptions(values, env); // validate everything before detaching

  // Forward the serve options (the ones 'start' owns are passed explicitly below).
  const forwarded: string[] = ['--store', storeDir];
  for (const name of SERVE_FORWARD) {
    const v = values[name];
    if (typeof v === 'string') forwarded.push(`--${name}`, v);
    else if (v === true) forwarded.push(`--${name}`);
  }
  const readyDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nx-fastled-cache-'));
  const readyFile = path.join(readyDir, 'ready.json');
  const logFd = fs.openSync(logFile, 'a');
  let exited: { code: number | null; signal: string | null } | undefined;
  try {
    const child = spawn(process.execPath, [BIN, 'serve', ...forwarded, '--pid-file', pidFile, '--ready-file', readyFile], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env,
    });
    child.on('exit', (code, signal) => (exited = { code, signal }));
    child.unref();

    const deadline = Date.now() + 30_000;
    let ready: { pid: number; url: string } | undefined;
    while (!ready) {
      if (exited) throw new Error(`server exited during start (${exited.code ?? exited.signal}); see ${logFile}:\n${await tail(logFile)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server did not become ready within 30 s; see ${logFile}:\n${await tail(logFile)}`);
      }
      const txt = await fsp.readFile(readyFile, 'utf8').catch(() => undefined);
      if (txt) ready = JSON.parse(txt);
      else await sleep(50);
    }
    const status = await healthCheck(ready.url);
    if (status !== 200) throw new Error(`server at ${ready.url} answered /healthz with ${status}`);
    process.stdout.write(`export NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${shellQuote(ready.url)}\n`);
    process.stdout.write(`export NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=${shellQuote(writeToken)}\n`);
    process.stderr.write(`nx-fastled-cache: started pid ${ready.pid} on ${ready.url} (pid file ${pidFile}, log ${logFile})\n`);
    return 0;
  } finally {
    fs.closeSync(logFd);
    await fsp.rm(readyDir, { recursive: true, force: true });
  }
}

async function stop(values: Values): Promise<number> {
  const pidFile = values['pid-file']
    ? path.resolve(values['pid-file'])
    : values.store
      ? path.join(path.resolve(values.store), 'server.pid')
      : undefined;
  if (!pidFile) throw new UsageError('--pid-file <f> (or --store <dir>) is required');
  const timeoutMs = parseSeconds(values.timeout, 'timeout') ?? 10_000;
  const pid = await readPid(pidFile);
  if (!pid) {
    process.stderr.write(`nx-fastled-cache: no pid in ${pidFile}; not running\n`);
    return 0;
  }
  if (!isRunning(pid)) {
    await fsp.rm(pidFile, { force: true });
    process.stderr.write(`nx-fastled-cache: pid ${pid} is not running; removed stale ${pidFile}\n`);
    return 0;
  }
  // Guard against a recycled pid: on Linux, check the command line really is this server.
  const cmdline = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline !== undefined && !cmdline.includes('nx-fastled-cache')) {
    throw new Error(`pid ${pid} from ${pidFile} is not an nx-fastled-cache server; not signalling it`);
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid) && Date.now() < deadline) await sleep(50);
  if (isRunning(pid)) {
    process.stderr.write(`nx-fastled-cache: pid ${pid} still running after ${timeoutMs} ms; sending SIGKILL\n`);
    process.kill(pid, 'SIGKILL');
    while (isRunning(pid)) await sleep(20);
  }
  await fsp.rm(pidFile, { force: true });
  process.stderr.write(`nx-fastled-cache: stopped pid ${pid}\n`);
  return 0;
}

async function readPid(file: string): Promise<number | undefined> {
  const txt = await fsp.readFile(file, 'utf8').catch(() => undefined);
  const n = Number.parseInt(txt ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

async function writeFileAtomic(file: string, data: string): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, data);
  await fsp.rename(tmp, file);
}

function healthCheck(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, { timeout: 5_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

async function tail(file: string, lines = 20): Promise<string> {
  const txt = await fsp.readFile(file, 'utf8').catch(() => '');
  return txt.split('\n').slice(-lines - 1).join('\n');
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
