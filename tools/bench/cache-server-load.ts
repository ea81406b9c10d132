/**
 * Load test for packages/cache-server (nx-fastled-cache), loopback only.
 *
 *   node -r @swc-node/register tools/bench/cache-server-load.ts [--json out.json] [--ops 10000]
 *        [--concurrency 32] [--max-size 2097152] [--seed 1] [--timeout 300] [--url http://127.0.0.1:PORT --token T]
 *
 * Without --url it spawns the real CLI (bin/nx-fastled-cache.cjs) on 127.0.0.1, port 0, with a temporary store,
 * so client and server do not share an event loop. Clients issue a mix of PUT (new keys, random sizes up to
 * --max-size, log-uniform), GET of stored keys (every body is compared byte-for-byte with what was PUT),
 * GET of unknown keys (expect 404) and re-PUT of stored keys (expect 409). Prints and writes a JSON report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { nxEntryAround } from './nx-entry';

const { values: args } = parseArgs({
  options: {
    json: { type: 'string' },
    ops: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '32' },
    'max-size': { type: 'string', default: String(2 * 1024 * 1024) },
    seed: { type: 'string', default: '1' },
    timeout: { type: 'string', default: '300' },
    url: { type: 'string' },
    token: { type: 'string' },
  },
});

const OPS = Number(args.ops);
const CONCURRENCY = Number(args.concurrency);
const MAX_SIZE = Number(args['max-size']);
const TIMEOUT_MS = Number(args.timeout) * 1000;
let seedState = Number(args.seed) >>> 0;

function rand(): number {
  // mulberry32
  seedState = (seedState + 0x6d2b79f5) >>> 0;
  let t = seedState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Deterministic pseudo-random payload for a key: AES-256-CTR keystream, so it can be regenerated to compare. */
/** Deterministic per key: a valid Nx entry around `size` pseudo-random bytes (the server refuses anything else). */
function payloadFor(key: string, size: number): Buffer {
  const k = createHash('sha256').update(key).digest();
  const c = createCipheriv('aes-256-ctr', k, Buffer.alloc(16));
  return nxEntryAround(Buffer.concat([c.update(Buffer.alloc(size)), c.final()]));
}

/** Log-uniform size in [1, MAX_SIZE]: many small entries, some near the maximum. */
const randomSize = () => Math.max(1, Math.min(MAX_SIZE, Math.round(Math.exp(rand() * Math.log(MAX_SIZE)))));

interface Res {
  status: number;
  body: Buffer;
}

function send(agent: http.Agent, base: string, token: string, method: 'GET' | 'PUT', key: string, body?: Buffer): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/octet-stream',
    };
    if (body) headers['content-length'] = body.length;
    const req = http.request(`${base}/v1/cache/${key}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.setTimeout(60_000, () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

function summarize(ms: number[]) {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    count: s.length,
    p50_ms: r(percentile(s, 50)),
    p90_ms: r(percentile(s, 90)),
    p99_ms: r(percentile(s, 99)),
    max_ms: r(s[s.length - 1] ?? 0),
    mean_ms: r(s.reduce((a, b) => a + b, 0) / (s.length || 1)),
  };
}

async function startServer(): Promise<{ url: string; token: string; child?: ChildProcess; store?: string }> {
  if (args.url) {
    if (!args.token) throw new Error('--token is required with --url');
    return { url: args.url.replace(/\/+$/, ''), token: args.token };
  }
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'nxfc-load-'));
  const token = 'load-test-write-token';
  const bin = path.join(__dirname, '..', '..', 'packages', 'cache-server', 'bin', 'nx-fastled-cache.cjs');
  const child = spawn(process.execPath, [bin, '--store', store, '--host', '127.0.0.1', '--port', '0', '--max-bytes', '20G'], {
    env: { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: token },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error('server did not start')), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        clearTimeout(t);
        resolve(out.split('\n')[0].trim());
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { url, token, child, store };
}

async function main() {
  const { url, token, child, store } = await startServer();
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):/.test(url)) throw new Error(`loopback only; refusing ${url}`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const stored = new Map<string, number>(); // key -> size
  const storedKeys: string[] = [];
  let nextKey = 1_000_000_000 + Math.floor(rand() * 1e9);
  const lat: Record<string, number[]> = { GET: [], PUT: [] };
  const statuses: Record<string, number> = {};
  const errors: string[] = [];
  let errorCount = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  let verified = 0;
  let issued = 0;
  const deadline = Date.now() + TIMEOUT_MS;
  const fail = (m: string) => {
    errorCount++;
    if (errors.length < 20) errors.push(m);
  };

  const worker = async () => {
    while (issued < OPS && Date.now() < deadline) {
      issued++;
      const x = rand();
      let kind: 'put-new' | 'put-dup' | 'get-hit' | 'get-miss';
      if (storedKeys.length < CONCURRENCY || x < 0.3) kind = 'put-new';
      else if (x < 0.32) kind = 'put-dup';
      else if (x < 0.37) kind = 'get-miss';
      else kind = 'get-hit';
      const t0 = process.hrtime.bigint();
      try {
        if (kind === 'put-new' || kind === 'put-dup') {
          const key = kind === 'put-new' ? String(nextKey++) : storedKeys[Math.floor(rand() * storedKeys.length)];
          const size = kind === 'put-new' ? randomSize() : stored.get(key)!;
          const body = payloadFor(key, size);
          const start = process.hrtime.bigint();
          const r = await send(agent, url, token, 'PUT', key, body);
          lat.PUT.push(Number(process.hrtime.bigint() - start) / 1e6);
          statuses[`PUT ${r.status}`] = (statuses[`PUT ${r.status}`] ?? 0) + 1;
          bytesUp += size;
          const want = kind === 'put-new' ? 200 : 409;
          if (r.status !== want) fail(`PUT ${key} (${kind}) -> ${r.status}, expected ${want}`);
          else if (kind === 'put-new') {
            stored.set(key, size);
            storedKeys.push(key);
          }
        } else {
          const key = kind === 'get-hit' ? storedKeys[Math.floor(rand() * storedKeys.length)] : String(nextKey + 5_000_000_000 + issued);
          const r = await send(agent, url, token, 'GET', key);
          lat.GET.push(Number(process.hrtime.bigint() - t0) / 1e6);
          statuses[`GET ${r.status}`] = (statuses[`GET ${r.status}`] ?? 0) + 1;
          bytesDown += r.body.length;
          if (kind === 'get-miss') {
            if (r.status !== 404) fail(`GET ${key} (unknown) -> ${r.status}, expected 404`);
          } else if (r.status !== 200) {
            fail(`GET ${key} -> ${r.status}, expected 200`);
          } else if (!r.body.equals(payloadFor(key, stored.get(key)!))) {
            fail(`GET ${key} returned ${r.body.length} bytes that differ from the ${stored.get(key)} bytes PUT`);
          } else {
            verified++;
          }
        }
      } catch (e) {
        fail(`${kind}: ${(e as Error).message}`);
      }
    }
  };

  const t0 = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsedS = (Date.now() - t0) / 1000;
  agent.destroy();
  if (issued < OPS) fail(`timed out after ${issued} of ${OPS} operations`);

  const report = {
    tool: 'tools/bench/cache-server-load.ts',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.arch()}, ${os.cpus().length} CPUs`,
    server: args.url ? url : 'spawned nx-fastled-cache on 127.0.0.1 (temp store)',
    config: {
      ops: OPS,
      concurrency: CONCURRENCY,
      maxPayloadBytes: MAX_SIZE,
      seed: Number(args.seed),
      mix: 'PUT new 30%, PUT existing 2%, GET miss 5%, GET hit 63%',
    },
    elapsed_s: Math.round(elapsedS * 100) / 100,
    throughput: {
      ops_per_s: Math.round((lat.GET.length + lat.PUT.length) / elapsedS),
      upload_MiB_per_s: Math.round((bytesUp / 1024 ** 2 / elapsedS) * 10) / 10,
      download_MiB_per_s: Math.round((bytesDown / 1024 ** 2 / elapsedS) * 10) / 10,
      total_MiB: Math.round(((bytesUp + bytesDown) / 1024 ** 2) * 10) / 10,
    },
    latency: { GET: summarize(lat.GET), PUT: summarize(lat.PUT) },
    statuses,
    verifiedGets: verified,
    entriesStored: storedKeys.length,
    errors: { count: errorCount, first: errors },
  };

  if (child) {
    child.removeAllListeners('exit');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  if (store) fs.rmSync(store, { recursive: true, force: true });

  const json = JSON.stringify(report, null, 2);
  process.stdout.write(`${json}\n`);
  if (args.json) {
    fs.mkdirSync(path.dirname(path.resolve(args.json)), { recursive: true });
    fs.writeFileSync(args.json, `${json}\n`);
  }
  process.exitCode = errorCount ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`load test failed: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
