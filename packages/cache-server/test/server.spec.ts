import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { startCacheServer, type CacheServerOptions, type RunningCacheServer } from '../src/server';
import { READ, WRITE, captureLogger, get, put, raw, request, sleep, tmpDir, waitFor } from './helpers';

jest.setTimeout(20_000);

const servers: RunningCacheServer[] = [];
async function serve(extra: Partial<CacheServerOptions> = {}) {
  const log = captureLogger();
  const dir = extra.storeDir ?? tmpDir();
  const srv = await startCacheServer({
    storeDir: dir,
    port: 0,
    writeTokens: [WRITE],
    readTokens: [READ],
    log,
    entryLimits: false,
    ...extra,
  });
  servers.push(srv);
  return { srv, url: srv.url, dir, log };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(1_000)));
});

const entryFiles = (dir: string) => fs.readdirSync(path.join(dir, 'entries'));
const tmpFiles = (dir: string) => fs.readdirSync(path.join(dir, 'tmp'));

describe('protocol', () => {
  it('PUT 200, GET returns the same bytes, second PUT 409, unknown GET 404', async () => {
    const { url } = await serve();
    const body = randomBytes(100_000);
    expect((await get(url, '42')).status).toBe(404);
    expect((await put(url, '42', body)).status).toBe(200);
    const g = await get(url, '42');
    expect(g.status).toBe(200);
    expect(g.headers['content-type']).toBe('application/octet-stream');
    expect(Number(g.headers['content-length'])).toBe(body.length);
    expect(g.body.equals(body)).toBe(true);
    const again = await put(url, '42', randomBytes(10));
    expect(again.status).toBe(409);
    expect((await get(url, '42')).body.equals(body)).toBe(true); // never overwritten
  });

  it('serves what Nx actually sends: decimal u64 hash, trailing-slash base URL (//v1/...), HEAD', async () => {
    const { url } = await serve();
    const key = '18446744073709551615';
    expect((await request(`${url}//v1/cache/${key}`, { method: 'PUT', token: WRITE, body: 'x' })).status).toBe(200);
    expect((await request(`${url}//v1/cache/${key}`, { token: WRITE })).body.toString()).toBe('x');
    const head = await request(`${url}/v1/cache/${key}`, { method: 'HEAD', token: READ });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1');
    expect(head.body.length).toBe(0);
  });

  it('streams large entries (above the in-memory read limit) intact', async () => {
    const { url } = await serve({ memoryReadLimit: 64 * 1024 });
    const body = randomBytes(3 * 1024 * 1024 + 17);
    expect((await put(url, '7', body)).status).toBe(200);
    const g = await get(url, '7');
    expect(g.status).toBe(200);
    expect(g.body.equals(body)).toBe(true);
  });

  it('rejects bad methods, paths, lengths', async () => {
    const { url } = await serve();
    expect((await request(`${url}/v1/cache/1`, { method: 'DELETE', token: WRITE })).status).toBe(405);
    expect((await request(`${url}/v1/cache/1`, { method: 'POST', token: WRITE, body: 'x' })).status).toBe(405);
    expect((await request(`${url}/nope`, { token: WRITE })).status).toBe(404);
    // A PUT the server will not store is 403 (Nx ignores it; 400 would fail the run); the original reason is a header.
    const empty = await request(`${url}/v1/cache/1`, { method: 'PUT', token: WRITE, body: '' });
    expect(empty.status).toBe(403);
    expect(empty.headers['x-refused-because']).toBe('400');
    expect((await request(`${url}/healthz`)).status).toBe(200);
  });

  it.each([
    ['dotdot', '/v1/cache/../../etc/passwd'],
    ['encoded dotdot', '/v1/cache/%2e%2e%2fentries'],
    ['slash inside key', '/v1/cache/12/34'],
    ['hex', '/v1/cache/abcdef'],
    ['negative', '/v1/cache/-1'],
    ['empty', '/v1/cache/'],
    ['absurd length', `/v1/cache/${'9'.repeat(33)}`],
    ['encoded NUL', '/v1/cache/1%00'],
    ['backslash', '/v1/cache/..%5c..%5cx'],
  ])('rejects traversal/invalid key (%s) with 403 (PUT) / 404 (GET) and stores nothing', async (_n, p) => {
    const { url, dir } = await serve();
    const r = await raw(
      Number(new URL(url).port),
      `PUT ${p} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`,
    );
    expect(r.response.toString('latin1')).toMatch(/^HTTP\/1\.1 40[34] /);
    const g = await raw(
      Number(new URL(url).port),
      `GET ${p} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nConnection: close\r\n\r\n`,
    );
    expect(g.response.toString('latin1')).toMatch(/^HTTP\/1\.1 40[04] /);
    expect(entryFiles(dir)).toEqual([]);
    expect(fs.readdirSync(dir).sort()).toEqual(['entries', 'lock', 'tmp']);
  });

  it('rejects a raw NUL byte in the request target', async () => {
    const { url } = await serve();
    const r = await raw(Number(new URL(url).port), `GET /v1/cache/1\0 HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(r.response.toString('latin1')).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('tokens', () => {
  it('no token / wrong token / wrong scheme → 401 and nothing stored', async () => {
    const { url, dir } = await serve();
    const noTok = await request(`${url}/v1/cache/5`, { method: 'PUT', body: 'data' });
    expect(noTok.status).toBe(401);
    expect(noTok.headers['www-authenticate']).toMatch(/^Bearer/);
    expect((await put(url, '5', 'data', 'wrong-token-xxxxxxxx')).status).toBe(401);
    expect((await request(`${url}/v1/cache/5`, { method: 'PUT', body: 'data', headers: { authorization: `Basic ${WRITE}` } })).status).toBe(
      401,
    );
    expect((await request(`${url}/v1/cache/5`)).status).toBe(401);
    expect((await get(url, '5', 'wrong-token-xxxxxxxx')).status).toBe(401);
    expect(entryFiles(dir)).toEqual([]);
    expect(tmpFiles(dir)).toEqual([]);
  });

  it('read-only token: GET works, PUT → 403 and nothing stored', async () => {
    const { url, dir } = await serve();
    expect((await put(url, '6', 'data', READ)).status).toBe(403);
    expect(entryFiles(dir)).toEqual([]);
    expect((await put(url, '6', 'data', WRITE)).status).toBe(200);
    const g = await get(url, '6', READ);
    expect(g.status).toBe(200);
    expect(g.body.toString()).toBe('data');
    // case-insensitive scheme
    expect((await request(`${url}/v1/cache/6`, { headers: { authorization: `bearer ${READ}` } })).status).toBe(200);
  });
});

describe('size cap', () => {
  it('declared Content-Length over the cap → 403 (was 413, which fails an Nx run) without storing', async () => {
    const { url, dir, log } = await serve({ maxEntryBytes: 1000 });
    const r = await put(url, '8', randomBytes(2000));
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.body.toString()).toMatch(/larger than --max-entry-bytes/);
    expect(log.lines.some((l) => /^warn PUT .*refused \(403, was 413\)/.test(l))).toBe(true);
    expect(entryFiles(dir)).toEqual([]);
    expect(tmpFiles(dir)).toEqual([]);
    expect((await put(url, '8', randomBytes(1000))).status).toBe(200);
  });

  it('chunked body growing past the cap → 403 mid-stream; nothing past the cap is kept', async () => {
    const { url, dir } = await serve({ maxEntryBytes: 10_000 });
    // keep-alive like Nx's client (agent:false would send `Connection: close`, and the server then closes at once)
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/v1/cache/9`, {
        method: 'PUT',
        agent,
        headers: { authorization: `Bearer ${WRITE}`, 'transfer-encoding': 'chunked' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      let sent = 0;
      const pump = () => {
        if (sent > 1_000_000) return req.end();
        sent += 4096;
        req.write(randomBytes(4096), () => setImmediate(pump));
      };
      pump();
    });
    agent.destroy();
    expect(status).toBe(403);
    await waitFor(() => tmpFiles(dir).length === 0);
    expect(entryFiles(dir)).toEqual([]);
    expect((await get(url, '9')).status).toBe(404);
  });
});

describe('eviction (LRU)', () => {
  it('evicts the least recently used entries beyond --max-bytes; a GET refreshes recency', async () => {
    const { url, srv } = await serve({ maxBytes: 1000 });
    expect((await put(url, '1', randomBytes(400))).status).toBe(200);
    expect((await put(url, '2', randomBytes(400))).status).toBe(200);
    expect((await get(url, '1')).status).toBe(200); // 1 is now more recent than 2
    expect((await put(url, '3', randomBytes(400))).status).toBe(200);
    expect((await get(url, '2')).status).toBe(404);
    expect((await get(url, '1')).status).toBe(200);
    expect((await get(url, '3')).status).toBe(200);
    expect(srv.store.size.bytes).toBeLessThanOrEqual(1000);
  });

  it('recency survives a restart (persisted as mtime)', async () => {
    const dir = tmpDir();
    const a = await serve({ storeDir: dir, maxBytes: 10_000, touchIntervalMs: 0 });
    for (const k of ['1', '2', '3']) {
      expect((await put(a.url, k, randomBytes(300))).status).toBe(200);
      await sleep(15);
    }
    expect((await get(a.url, '1')).status).toBe(200); // order now: 2, 3, 1
    await a.srv.close();
    servers.splice(servers.indexOf(a.srv), 1);
    const b = await serve({ storeDir: dir, maxBytes: 700 }); // room for two: evicts 2 at start
    expect((await get(b.url, '2')).status).toBe(404);
    expect((await get(b.url, '3')).status).toBe(200);
    expect((await get(b.url, '1')).status).toBe(200);
  });
});

describe('corruption', () => {
  it.each([
    [
      'altered byte',
      (f: string) => {
        const b = fs.readFileSync(f);
        b[100] ^= 0xff;
        fs.writeFileSync(f, b);
      },
    ],
    ['truncated', (f: string) => fs.truncateSync(f, 50)],
  ])('%s entry: detected, reported, deleted, answered 404 (small and streamed)', async (_n, damage) => {
    const { url, dir, log, srv } = await serve({ memoryReadLimit: 4096 });
    for (const [key, size] of [
      ['11', 1000],
      ['12', 100_000],
    ] as const) {
      expect((await put(url, key, randomBytes(size))).status).toBe(200);
      const file = srv.store.entryPath(key)!;
      damage(file);
      const g = await get(url, key);
      expect(g.status).toBe(404);
      expect(fs.existsSync(file)).toBe(false);
      expect(log.lines.some((l) => l.startsWith('error') && l.includes(`corrupt entry ${key}`))).toBe(true);
      // the key can be stored again
      expect((await put(url, key, 'fresh')).status).toBe(200);
      expect((await get(url, key)).body.toString()).toBe('fresh');
    }
    expect(entryFiles(dir)).toHaveLength(2);
  });

  it('an entry deleted behind the server’s back is a 404, not an error', async () => {
    const { url, srv } = await serve();
    expect((await put(url, '13', 'abc')).status).toBe(200);
    fs.rmSync(srv.store.entryPath('13')!);
    expect((await get(url, '13')).status).toBe(404);
  });
});

describe('concurrency and atomicity', () => {
  it('concurrent PUTs of one hash: exactly one 200, the rest 409, a single whole entry', async () => {
    const { url, dir } = await serve();
    const port = Number(new URL(url).port);
    const payloads = Array.from({ length: 12 }, () => randomBytes(200_000));
    // Open all uploads first (headers + half the body), then finish them, so they really overlap.
    const net = await import('node:net');
    const socks = payloads.map(() => net.connect(port, '127.0.0.1'));
    await Promise.all(socks.map((s) => new Promise((r) => s.once('connect', r))));
    const responses = socks.map(
      (s) =>
        new Promise<string>((resolve) => {
          let buf = '';
          s.on('data', (d) => {
            buf += d.toString('latin1');
            if (buf.includes('\r\n\r\n')) resolve(buf.slice(9, 12));
          });
          s.on('close', () => resolve(buf.slice(9, 12) || 'closed'));
          s.on('error', () => undefined);
        }),
    );
    socks.forEach((s, i) =>
      s.write(`PUT /v1/cache/77 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: ${payloads[i].length}\r\n\r\n`),
    );
    socks.forEach((s, i) => s.write(payloads[i].subarray(0, 100_000)));
    await sleep(100);
    socks.forEach((s, i) => s.write(payloads[i].subarray(100_000)));
    const codes = await Promise.all(responses);
    socks.forEach((s) => s.destroy());
    expect(codes.filter((c) => c === '200')).toHaveLength(1);
    expect(codes.filter((c) => c === '409')).toHaveLength(payloads.length - 1);
    const winner = payloads[codes.indexOf('200')];
    const g = await get(url, '77');
    expect(g.body.equals(winner)).toBe(true);
    expect(entryFiles(dir).filter((f) => f.startsWith('77.'))).toHaveLength(1);
    await waitFor(() => tmpFiles(dir).length === 0);
  });

  it('an aborted upload leaves no entry and no temp file, and the key stays writable', async () => {
    const { url, dir } = await serve();
    const port = Number(new URL(url).port);
    await raw(
      port,
      `PUT /v1/cache/88 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: 5000\r\n\r\n${'a'.repeat(1000)}`,
      {
        timeoutMs: 200,
      },
    );
    await waitFor(() => tmpFiles(dir).length === 0);
    expect(entryFiles(dir)).toEqual([]);
    expect((await put(url, '88', 'ok')).status).toBe(200);
  });
});

describe('timeouts', () => {
  it('slow headers (slowloris) are cut off', async () => {
    const { url } = await serve({ headersTimeoutMs: 300, idleTimeoutMs: 5_000 });
    const r = await raw(Number(new URL(url).port), 'GET /v1/cache/1 HTTP/1.1\r\nHost: x\r\n', { timeoutMs: 4_000 });
    expect(r.closedByServer).toBe(true);
    expect(r.ms).toBeLessThan(3_000);
  });

  it('a stalled upload is dropped after the idle timeout and leaves nothing behind', async () => {
    const { url, dir } = await serve({ idleTimeoutMs: 300 });
    const r = await raw(
      Number(new URL(url).port),
      `PUT /v1/cache/21 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: 1000\r\n\r\n0123456789`,
      { timeoutMs: 4_000 },
    );
    expect(r.closedByServer).toBe(true);
    expect(r.ms).toBeLessThan(3_000);
    await waitFor(() => tmpFiles(dir).length === 0);
    expect(entryFiles(dir)).toEqual([]);
  });

  it('a trickling upload is bounded by the request timeout', async () => {
    const { url, dir } = await serve({ headersTimeoutMs: 200, requestTimeoutMs: 800, idleTimeoutMs: 5_000 });
    const net = await import('node:net');
    const s = net.connect(Number(new URL(url).port), '127.0.0.1');
    s.on('error', () => undefined);
    s.write(`PUT /v1/cache/22 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: 100000\r\n\r\n`);
    const t0 = Date.now();
    const iv = setInterval(() => s.writable && s.write('x'), 50);
    await new Promise((r) => s.once('close', r));
    clearInterval(iv);
    expect(Date.now() - t0).toBeLessThan(3_000);
    await waitFor(() => tmpFiles(dir).length === 0);
    expect(entryFiles(dir)).toEqual([]);
  });
});
