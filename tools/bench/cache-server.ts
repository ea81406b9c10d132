// The real remote cache server for the `ci` scenario: packages/cache-server's own CLI (`start` / `stop`), as
// docs/CI_CACHE.md runs it in a CI job. `start` prints `export NX_SELF_HOSTED_REMOTE_CACHE_*=...` lines; they
// become the environment of the nx run. The store folder is what CI persists between jobs.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from './workspace';

export const CACHE_SERVER_BIN = path.join(REPO_ROOT, 'packages/cache-server/bin/nx-fastled-cache.cjs');

export interface RunningServer {
  store: string;
  pidFile: string;
  logFile: string;
  /** NX_SELF_HOSTED_REMOTE_CACHE_SERVER and _ACCESS_TOKEN, as printed by `start`. */
  env: Record<string, string>;
  startSeconds: number;
}

/** `export NAME='va'\''lue'` → [NAME, value] (the CLI quotes values for the shell). */
export function parseExports(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (v.startsWith("'")) v = v.replace(/^'|'$/g, '').replace(/'\\''/g, "'");
    out[m[1]] = v;
  }
  return out;
}

/** Starts the server on `store` with a fresh write token; returns once it answers (`start` waits for /healthz). */
export function startServer(store: string, runDir: string, label: string): RunningServer {
  fs.mkdirSync(runDir, { recursive: true });
  const pidFile = path.join(runDir, `${label}.pid`);
  const logFile = path.join(runDir, `${label}.log`);
  const env: NodeJS.ProcessEnv = { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: randomBytes(24).toString('hex') };
  delete env.NX_FASTLED_CACHE_READ_TOKEN;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [CACHE_SERVER_BIN, 'start', '--store', store, '--pid-file', pidFile, '--log-file', logFile], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const startSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`nx-fastled-cache start failed (${r.status}): ${r.stderr}`);
  const exports = parseExports(r.stdout);
  if (!exports.NX_SELF_HOSTED_REMOTE_CACHE_SERVER || !exports.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN) {
    throw new Error(`nx-fastled-cache start printed no export lines:\n${r.stdout}\n${r.stderr}`);
  }
  return { store, pidFile, logFile, env: exports, startSeconds };
}

export function stopServer(s: RunningServer): void {
  if (!fs.existsSync(s.pidFile)) return;
  execFileSync(process.execPath, [CACHE_SERVER_BIN, 'stop', '--pid-file', s.pidFile], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: 60_000,
  });
}

export interface StoreStats {
  entries: number;
  bytes: number;
  /** Files anywhere in the store other than entries/* (after a clean stop: none but empty tmp/). */
  otherFiles: string[];
}

export function storeStats(store: string): StoreStats {
  const entriesDir = path.join(store, 'entries');
  const names = fs.existsSync(entriesDir) ? fs.readdirSync(entriesDir) : [];
  const bytes = names.reduce((s, n) => s + fs.statSync(path.join(entriesDir, n)).size, 0);
  const otherFiles: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(store, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (r === 'entries') continue;
      if (e.isDirectory()) walk(r);
      else otherFiles.push(r);
    }
  };
  if (fs.existsSync(store)) walk('');
  return { entries: names.length, bytes, otherFiles };
}

/** What a CI cache action restores: the store folder, timestamps kept (LRU recency lives in mtimes). */
export function copyStore(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
}
