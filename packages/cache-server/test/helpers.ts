import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../src/log';

export const PKG_ROOT = path.join(__dirname, '..');
export const BIN = path.join(PKG_ROOT, 'bin', 'nx-fastled-cache.cjs');
export const WRITE = 'write-token-0123456789';
export const READ = 'read-token-0123456789';

const createdDirs: string[] = [];
export function tmpDir(prefix = 'nxfc-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  createdDirs.push(d);
  return d;
}
// Each spec file gets its own module registry, so this runs once per file, after its own tests.
afterAll(() => {
  if (process.env.NXFC_KEEP_TMP) return;
  for (const d of createdDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One request on a fresh connection. */
export function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; token?: string } = {},
): Promise<Resp> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const req = http.request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('client timeout')));
    req.end(opts.body);
  });
}

export const put = (base: string, key: string, body: Buffer | string, token = WRITE) =>
  request(`${base}/v1/cache/${key}`, {
    method: 'PUT',
    token,
    body,
    headers: { 'content-type': 'application/octet-stream' },
  });
export const get = (base: string, key: string, token = WRITE) => request(`${base}/v1/cache/${key}`, { token });

/** Raw socket exchange: writes `data`, collects everything until the server closes or `timeoutMs` passes. */
export function raw(
  port: number,
  data: Buffer | string,
  opts: { timeoutMs?: number; halfClose?: boolean } = {},
): Promise<{ response: Buffer; closedByServer: boolean; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ response: Buffer.concat(chunks), closedByServer, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5_000);
    sock.on('data', (c) => chunks.push(c));
    sock.on('end', () => finish(true));
    sock.on('close', () => finish(true));
    sock.on('error', () => finish(true));
    sock.write(data, () => {
      if (opts.halfClose) sock.end();
    });
  });
}

export function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  };
}

export interface CliServer {
  child: ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns the real CLI (`serve`) and resolves once it printed its URL. */
export function spawnCli(args: string[], env: Record<string, string> = {}): Promise<CliServer> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: WRITE, NX_FASTLED_CACHE_READ_TOKEN: READ, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.on('exit', (code, signal) => res({ code, signal })),
    );
    const timer = setTimeout(() => reject(new Error(`CLI did not start in time; stderr:\n${err}`)), 20_000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n') && /^http:\/\//.test(line)) {
        clearTimeout(timer);
        resolve({ child, url: line.trim(), port: Number(new URL(line.trim()).port), stderr: () => err, exited });
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`CLI exited early (${code ?? signal}); stderr:\n${err}`));
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5_000, stepMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('waitFor: condition not met in time');
    await sleep(stepMs);
  }
}
