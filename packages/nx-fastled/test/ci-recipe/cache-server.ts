// The cache server as the CI recipe runs it: its own CLI (`nx-fastled-cache start` / `stop`), on loopback,
// port 0, with the pid and log files outside the store folder (only the store is persisted between jobs).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/workspace';

export const CACHE_BIN = path.join(REPO_ROOT, 'packages/cache-server/bin/nx-fastled-cache.cjs');

export interface StartedServer {
  url: string;
  /** The token `start` exported (its write token). */
  exportedToken: string;
  store: string;
  pidFile: string;
  logFile: string;
}

export interface StartOptions {
  store: string;
  /** Folder for the pid and log files (kept out of the store, as in CI). */
  runDir: string;
  writeToken?: string;
  readToken?: string;
  logRequests?: boolean;
}

/** Parses the `export NAME='value'` lines that `nx-fastled-cache start` prints. */
export function parseExports(stdout: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    // Undo shellQuote: '...' pieces joined by \' (the values here never hold quotes, but be exact).
    vars[m[1]] = m[2].replace(/'\\''/g, "'").replace(/^'|'$/g, '');
  }
  return vars;
}

export function startServer(opts: StartOptions): StartedServer {
  fs.mkdirSync(opts.runDir, { recursive: true });
  const pidFile = path.join(opts.runDir, 'server.pid');
  const logFile = path.join(opts.runDir, 'server.log');
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NX_FASTLED_CACHE_WRITE_TOKEN;
  delete env.NX_FASTLED_CACHE_READ_TOKEN;
  if (opts.writeToken) env.NX_FASTLED_CACHE_WRITE_TOKEN = opts.writeToken;
  if (opts.readToken) env.NX_FASTLED_CACHE_READ_TOKEN = opts.readToken;
  const args = [
    CACHE_BIN,
    'start',
    '--store',
    opts.store,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--pid-file',
    pidFile,
    '--log-file',
    logFile,
  ];
  if (opts.logRequests) args.push('--log-requests');
  const r = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`nx-fastled-cache start failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  const vars = parseExports(r.stdout);
  const url = vars.NX_SELF_HOSTED_REMOTE_CACHE_SERVER;
  const exportedToken = vars.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN;
  if (!url || !exportedToken) throw new Error(`nx-fastled-cache start printed no export lines:\n${r.stdout}`);
  return { url, exportedToken, store: opts.store, pidFile, logFile };
}

/** `nx-fastled-cache stop`; never throws (used in afterAll). */
export function stopServer(server: StartedServer | undefined): string {
  if (!server || !fs.existsSync(server.pidFile)) return '';
  const r = spawnSync(process.execPath, [CACHE_BIN, 'stop', '--pid-file', server.pidFile, '--timeout', '10'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return `${r.stderr ?? ''}`;
}

/** Entries in a store folder (the server's `<store>/entries/<hash>.<sha256>` files). */
export function storeEntries(store: string): string[] {
  const dir = path.join(store, 'entries');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/** Every file under `dir` whose name matches, as paths relative to `dir`, sorted. */
export function filesUnder(dir: string, match: RegExp): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (match.test(e.name)) out.push(r);
    }
  };
  if (fs.existsSync(dir)) walk('');
  return out.sort();
}
