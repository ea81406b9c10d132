/**
 * `start` and `stop`: run the server (or the proxy, with --upstream) detached for a CI job, and stop it.
 * `start` waits for /healthz and prints `export NX_SELF_HOSTED_REMOTE_CACHE_*=...` lines for `eval`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseTokenList } from '../auth';
import { isRunning } from '../lock';
import { parseSeconds, serverOptions, shellQuote, sleep, UPSTREAM_TOKEN_ENV, UsageError, WRITE_TOKEN_ENV, type Values } from './args';
import { readPid, tail } from './files';

const BIN = path.join(__dirname, '..', '..', 'bin', 'nx-fastled-cache.cjs');

const FORWARD = [
  'host',
  'port',
  'max-bytes',
  'max-entry-bytes',
  'max-connections',
  'auth-reserve',
  'per-client-connections',
  'headers-timeout',
  'request-timeout',
  'idle-timeout',
  'log-requests',
  'upstream',
  'upstream-timeout',
  'upstream-cooldown',
  'upload-attempts',
  'drain-timeout',
] as const;

export async function start(values: Values): Promise<number> {
  if (!values.store) throw new UsageError('--store <dir> is required');
  const storeDir = path.resolve(values.store);
  await fsp.mkdir(storeDir, { recursive: true });
  const pidFile = path.resolve(values['pid-file'] ?? path.join(storeDir, 'server.pid'));
  const logFile = path.resolve(values['log-file'] ?? path.join(storeDir, 'server.log'));

  const existing = await readPid(pidFile);
  if (existing && isRunning(existing)) throw new Error(`already running (pid ${existing}, ${pidFile})`);

  const env = { ...process.env };
  if (values.upstream && !env[UPSTREAM_TOKEN_ENV] && env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN) {
    // The proxy's upstream token: in CI this is usually the secret already exported for Nx.
    env[UPSTREAM_TOKEN_ENV] = env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  }
  let writeToken = parseTokenList(env[WRITE_TOKEN_ENV])[0];
  if (!writeToken || values.upstream) {
    // A proxy gets its own loopback token: the upstream one never has to be handed to Nx.
    writeToken = values.upstream && writeToken ? writeToken : randomBytes(24).toString('hex');
    env[WRITE_TOKEN_ENV] = writeToken;
  }
  serverOptions(values, env); // validate everything before detaching
  if (values.upstream && !env[UPSTREAM_TOKEN_ENV]) throw new UsageError(`set ${UPSTREAM_TOKEN_ENV} (the token for the upstream server)`);

  const forwarded: string[] = ['--store', storeDir];
  for (const name of FORWARD) {
    const v = values[name];
    if (typeof v === 'string') forwarded.push(`--${name}`, v);
    else if (v === true) forwarded.push(`--${name}`);
  }
  const readyDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'nx-fastled-cache-'));
  const readyFile = path.join(readyDir, 'ready.json');
  const logFd = fs.openSync(logFile, 'a');
  let exited: { code: number | null; signal: string | null } | undefined;
  try {
    const command = values.upstream ? 'proxy' : 'serve';
    const child = spawn(process.execPath, [BIN, command, ...forwarded, '--pid-file', pidFile, '--ready-file', readyFile], {
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env,
    });
    child.on('exit', (code, signal) => (exited = { code, signal }));
    child.unref();

    const deadline = Date.now() + 60_000;
    let ready: { pid: number; url: string } | undefined;
    while (!ready) {
      if (exited) throw new Error(`server exited during start (${exited.code ?? exited.signal}); see ${logFile}:\n${await tail(logFile)}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`server did not become ready within 60 s; see ${logFile}:\n${await tail(logFile)}`);
      }
      const txt = await fsp.readFile(readyFile, 'utf8').catch(() => undefined);
      if (txt) ready = JSON.parse(txt);
      else await sleep(50);
    }
    const status = await healthCheck(ready.url);
    if (status !== 200) throw new Error(`server at ${ready.url} answered /healthz with ${status}`);
    process.stdout.write(`export NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${shellQuote(ready.url)}\n`);
    process.stdout.write(`export NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=${shellQuote(writeToken)}\n`);
    process.stderr.write(`nx-fastled-cache: started ${command} pid ${ready.pid} on ${ready.url} (pid file ${pidFile}, log ${logFile})\n`);
    return 0;
  } finally {
    fs.closeSync(logFd);
    await fsp.rm(readyDir, { recursive: true, force: true });
  }
}

export async function stop(values: Values): Promise<number> {
  const pidFile = values['pid-file']
    ? path.resolve(values['pid-file'])
    : values.store
      ? path.join(path.resolve(values.store), 'server.pid')
      : undefined;
  if (!pidFile) throw new UsageError('--pid-file <f> (or --store <dir>) is required');
  // A proxy drains its uploads on SIGTERM (--drain-timeout, 30 s by default): allow for it.
  const timeoutMs = parseSeconds(values.timeout, 'timeout') ?? 45_000;
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
