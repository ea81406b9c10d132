// The proxy (`nx-fastled-cache proxy --upstream`): whatever the upstream does (stopped, restarted, silent,
// 5xx, refusing writes), the proxy answers Nx with 200/404 for GET and 200/409 for PUT, and uploads later.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startProxy } from '../src/proxy/proxy';
import { startCacheServer, type RunningCacheServer } from '../src/server';
import { READ, WRITE, captureLogger, get, put, tmpDir, waitFor } from './helpers';
import { nxEntry } from './tar-fixtures';

jest.setTimeout(30_000);
const LOCAL = 'local-token-0123456789';

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c().catch(() => undefined);
});

async function upstreamServer(port = 0, storeDir = tmpDir()): Promise<RunningCacheServer> {
  const srv = await startCacheServer({ storeDir, port, writeTokens: [WRITE], readTokens: [READ] });
  closers.push(() => srv.close(500));
  return srv;
}

async function proxyTo(url: string, token = WRITE, extra: Partial<Parameters<typeof startProxy>[0]> = {}) {
  const log = captureLogger();
  const p = await startProxy({
    storeDir: tmpDir(),
    port: 0,
    writeTokens: [LOCAL],
    log,
    upstream: { url, token, timeoutMs: 800, cooldownMs: 300 },
    uploads: { attempts: 3, backoffMs: 100 },
    drainTimeoutMs: 2_000,
    ...extra,
  });
  closers.push(() => p.close(500));
  return { p, log };
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<string> {
  const sockets = new Set<import('node:net').Socket>();
  const s = http.createServer(() => undefined);
  s.on('connection', (c) => sockets.add(c));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  closers.push(async () => {
    for (const c of sockets) c.destroy();
    await new Promise((r) => s.close(r));
  });
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

/** A server that answers every request with `status`. */
async function statusServer(status: number): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const s = http.createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end('no\n'));
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise((r) => s.close(r)));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, hits: () => hits };
}

describe('proxy', () => {
  it('a local miss is fetched from upstream, checked and kept; later served with the upstream gone', async () => {
    const up = await upstreamServer();
    const body = nxEntry();
    expect((await put(up.url, '11', body)).status).toBe(200);
    const { p } = await proxyTo(up.url);
    expect((await get(p.url, '11', LOCAL)).body.equals(body)).toBe(true);
    expect((await get(p.url, '12', LOCAL)).status).toBe(404);
    await up.close(100);
    expect((await get(p.url, '11', LOCAL)).body.equals(body)).toBe(true);
    expect((await get(p.url, '11', 'wrong-token-000000')).status).toBe(401);
  });

  it('upstream stopped, then restarted: GET is a miss, PUT is 200, the upload lands after the restart', async () => {
    const up = await upstreamServer();
    const port = up.port;
    const storeDir = up.store.opts.dir;
    await up.close(100);
    const { p, log } = await proxyTo(`http://127.0.0.1:${port}`);
    expect((await get(p.url, '21', LOCAL)).status).toBe(404);
    const body = nxEntry();
    expect((await put(p.url, '21', body, LOCAL)).status).toBe(200);
    expect((await get(p.url, '21', LOCAL)).body.equals(body)).toBe(true); // from the local tier
    const again = await upstreamServer(port, storeDir);
    await waitFor(() => again.store.has('21'), 10_000);
    expect((await get(again.url, '21')).body.equals(body)).toBe(true);
    expect(p.uploads.stats.stored).toBe(1);
    expect(p.uploads.stats.retried).toBeGreaterThanOrEqual(1);
    expect(log.lines.some((l) => /upstream .* failed/.test(l))).toBe(true);
  });

  it('an upstream that never answers costs one timeout, then misses are immediate (cooldown)', async () => {
    const url = await silentServer();
    const { p } = await proxyTo(url);
    let t0 = Date.now();
    expect((await get(p.url, '31', LOCAL)).status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(3_000);
    t0 = Date.now();
    expect((await get(p.url, '32', LOCAL)).status).toBe(404);
    expect(Date.now() - t0).toBeLessThan(300);
    expect((await put(p.url, '31', nxEntry(), LOCAL)).status).toBe(200);
  });

  it('upstream 500s: misses and accepted PUTs; uploads retried a bounded number of times, then given up', async () => {
    const up = await statusServer(500);
    const { p } = await proxyTo(up.url);
    expect((await get(p.url, '41', LOCAL)).status).toBe(404);
    expect((await put(p.url, '41', nxEntry(), LOCAL)).status).toBe(200);
    await waitFor(() => p.uploads.stats.gaveUp === 1, 10_000);
    expect(p.uploads.pending).toBe(0);
    expect(up.hits()).toBeLessThanOrEqual(1 + 3);
  });

  it('upstream refusing writes (read-only token): PUT is 200 locally, the upload is not retried', async () => {
    const up = await upstreamServer();
    const { p } = await proxyTo(up.url, READ);
    expect((await put(p.url, '51', nxEntry(), LOCAL)).status).toBe(200);
    await waitFor(() => p.uploads.stats.refused === 1, 10_000);
    expect(p.uploads.stats.retried).toBe(0);
    expect(up.store.size.entries).toBe(0);
  });

  it('a bad entry from upstream is refused by the local check and answered as a miss', async () => {
    const up = await startCacheServer({ storeDir: tmpDir(), port: 0, writeTokens: [WRITE], entryLimits: false });
    closers.push(() => up.close(100));
    expect((await put(up.url, '61', 'garbage, not a tar')).status).toBe(200);
    const { p, log } = await proxyTo(up.url);
    expect((await get(p.url, '61', LOCAL)).status).toBe(404);
    expect(log.lines.some((l) => l.includes('refused by the local check'))).toBe(true);
  });

  it('shutdown drains the upload queue', async () => {
    const up = await upstreamServer();
    const { p } = await proxyTo(up.url);
    for (const k of ['71', '72', '73']) expect((await put(p.url, k, nxEntry(), LOCAL)).status).toBe(200);
    await p.close(500);
    expect(up.store.keys().sort()).toEqual(['71', '72', '73']);
  });
});
