// Issue 13's server cases without an Nx client: entries checked on PUT, refusals Nx tolerates, aborted
// uploads, in-flight bytes against --max-bytes, unread GETs, HEAD, connection floods, namespaces.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { startCacheServer, type CacheServerOptions, type RunningCacheServer } from '../src/server';
import { READ, WRITE, captureLogger, get, put, request, sleep, tmpDir, waitFor } from './helpers';
import { nxEntry, tarOf } from './tar-fixtures';

jest.setTimeout(60_000); // generous: the shared 2-CPU machine runs at load 40 at times

const PR = 'pr-token-0123456789';
const servers: RunningCacheServer[] = [];
async function serve(extra: Partial<CacheServerOptions> = {}) {
  const log = captureLogger();
  const dir = extra.storeDir ?? tmpDir();
  const srv = await startCacheServer({
    storeDir: dir,
    port: 0,
    writeTokens: [WRITE],
    readTokens: [READ],
    scopedTokens: [{ namespace: 'pr', token: PR }],
    log,
    ...extra,
  });
  servers.push(srv);
  return { srv, url: srv.url, port: srv.port, dir, log };
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(1_000)));
});
const entryFiles = (dir: string) => fs.readdirSync(path.join(dir, 'entries'));
const tmpFiles = (dir: string) => fs.readdirSync(path.join(dir, 'tmp'));

describe('entries are checked on PUT; refusals are 403 with the reason logged', () => {
  it('a real-looking Nx entry is stored and served back byte for byte', async () => {
    const { url } = await serve();
    const body = nxEntry();
    expect((await put(url, '100', body)).status).toBe(200);
    expect((await get(url, '100')).body.equals(body)).toBe(true);
  });

  it.each([
    ['garbage', () => randomBytes(4096), /not gzip/],
    ['gzip of garbage', () => gzipSync(randomBytes(4096)), /not a valid/],
    [
      'an uncompressed tar',
      () =>
        tarOf([
          { name: 'code', data: '0' },
          { name: 'terminalOutput', data: '' },
        ]),
      /not gzip/,
    ],
    ['a truncated entry', () => nxEntry().subarray(0, 60), /not a valid gzip tar|unexpected end/],
    ['a ../ member', () => nxEntry([{ name: 'app/../../evil.txt', data: 'x' }]), /'\.\.' in path/],
    ['an absolute member', () => nxEntry([{ name: '/etc/evil', data: 'x' }]), /absolute path/],
    ['a symlink out', () => nxEntry([{ name: 'app/out/l', type: '2', linkname: '../../../etc/passwd' }]), /outside the entry/],
    ['an absolute symlink', () => nxEntry([{ name: 'app/out/l', type: '2', linkname: '/etc/passwd' }]), /absolute/],
    [
      'a file written through a symlink',
      () =>
        nxEntry([
          { name: 'app/out/d', type: '2', linkname: '..' },
          { name: 'app/out/d/x', data: 'x' },
        ]),
      /passes through the symlink app\/out\/d/,
    ],
    ['a hard link to a file outside', () => nxEntry([{ name: 'app/out/h', type: '1', linkname: 'etc/passwd' }]), /hard link/],
    ['a device', () => nxEntry([{ name: 'app/out/dev', type: '3' }]), /type CharacterDevice is not allowed/],
    ['a FIFO', () => nxEntry([{ name: 'app/out/fifo', type: '6' }]), /type FIFO is not allowed/],
    ['a tar without code/terminalOutput', () => gzipSync(tarOf([{ name: 'app/x', data: 'x' }])), /no 'code' member/],
  ])('%s is refused with 403, logged, not stored; the key stays free', async (_name, make, reason) => {
    const { url, dir, log } = await serve();
    const r = await put(url, '200', make());
    expect(r.status).toBe(403);
    expect(r.headers['x-refused-because']).toBe('422');
    expect(r.body.toString()).toMatch(reason);
    expect(log.lines.some((l) => l.startsWith('warn PUT') && reason.test(l))).toBe(true);
    expect(entryFiles(dir)).toEqual([]);
    await waitFor(() => tmpFiles(dir).length === 0);
    expect((await get(url, '200')).status).toBe(404);
    expect((await put(url, '200', nxEntry())).status).toBe(200);
  });

  it('a symlink inside the entry is fine', async () => {
    const { url } = await serve();
    expect((await put(url, '201', nxEntry([{ name: 'app/out/latest', type: '2', linkname: 'result.txt' }]))).status).toBe(200);
  });

  it('a gzip bomb over the unpacked limit is refused', async () => {
    const { url } = await serve({ entryLimits: { maxUnpackedBytes: 1024 * 1024, maxMembers: 100, requireNxMembers: true } });
    const r = await put(url, '202', nxEntry([], [{ name: 'app/out/zeros', data: Buffer.alloc(2 * 1024 * 1024) }]));
    expect(r.status).toBe(403);
    expect(r.body.toString()).toMatch(/unpacked size over/);
  });

  it('401 is text/plain (Nx calls anything else a misconfigured endpoint); GET never 5xx', async () => {
    const { url, srv } = await serve();
    const r = await get(url, '1', 'wrong-token-xxxxxxxx');
    expect(r.status).toBe(401);
    expect(r.headers['content-type']).toBe('text/plain');
    // an unreadable entry (permissions gone, a directory in its place) is a miss, not a 500
    expect((await put(url, '300', nxEntry())).status).toBe(200);
    const file = srv.store.entryPath('300')!;
    fs.rmSync(file);
    fs.mkdirSync(file);
    expect((await get(url, '300')).status).toBe(404);
  });

  it('a store that cannot write (read-only tmp) answers PUT 403, not 500', async () => {
    const { url, dir } = await serve();
    fs.rmSync(path.join(dir, 'tmp'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'tmp'), 'not a folder');
    const r = await put(url, '301', nxEntry());
    expect(r.status).toBe(403);
    expect(r.headers['x-refused-because']).toBe('500');
  });
});

describe('uploads', () => {
  it('a client that closes right after sending a small body does not lock the key', async () => {
    const { url, port, dir, srv } = await serve();
    const body = nxEntry();
    for (let i = 0; i < 5; i++) {
      const s = net.connect(port, '127.0.0.1');
      await new Promise((r) => s.once('connect', r));
      s.write(`PUT /v1/cache/400 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: ${body.length + 10}\r\n\r\n`);
      s.end(body); // 10 bytes short, then gone
      s.destroy();
    }
    await waitFor(() => srv.store.size.uploads === 0 && tmpFiles(dir).length === 0);
    expect(srv.store.isBusy('400')).toBe(false);
    expect(srv.store.size.uploadingBytes).toBe(0);
    expect((await put(url, '400', body)).status).toBe(200);
  });

  it('bytes of uploads in progress count against --max-bytes', async () => {
    const maxBytes = 1024 * 1024;
    const { url, port, dir, srv } = await serve({ maxBytes, maxEntryBytes: maxBytes });
    // four uploads of 400 KB each, all left open half-way: only two fit
    const socks: net.Socket[] = [];
    const answers: Promise<string>[] = [];
    for (let i = 0; i < 4; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      socks.push(s);
      answers.push(
        new Promise((resolve) => {
          let buf = '';
          s.on('data', (d) => {
            buf += d.toString('latin1');
            resolve(buf.slice(9, 12));
          });
          s.on('close', () => resolve(buf.slice(9, 12) || 'closed'));
        }),
      );
      s.write(`PUT /v1/cache/${500 + i} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: 400000\r\n\r\n`);
      s.write(randomBytes(100_000));
    }
    const refused = await Promise.race([Promise.all(answers.slice(2)), sleep(3_000).then(() => ['timeout'])]);
    expect(refused).toEqual(['403', '403']);
    expect(srv.store.size.uploadingBytes).toBe(800_000);
    const tmpBytes = tmpFiles(dir).reduce((n, f) => n + fs.statSync(path.join(dir, 'tmp', f)).size, 0);
    expect(tmpBytes).toBeLessThanOrEqual(maxBytes);
    socks.forEach((s) => s.destroy());
    await waitFor(() => srv.store.size.uploadingBytes === 0 && tmpFiles(dir).length === 0);
    expect((await put(url, '504', nxEntry())).status).toBe(200);
  });
});

describe('reads', () => {
  it('unread GETs of a large entry do not pin its bytes in memory', async () => {
    const { url, port } = await serve();
    const big = nxEntry([], [{ name: 'app/out/big.bin', data: randomBytes(4 * 1024 * 1024) }]);
    expect((await put(url, '600', big)).status).toBe(200);
    global.gc?.();
    const before = process.memoryUsage().arrayBuffers;
    const socks: net.Socket[] = [];
    for (let i = 0; i < 40; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.pause(); // never read
      s.write(`GET /v1/cache/600 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${READ}\r\n\r\n`);
      socks.push(s);
    }
    await sleep(1_500);
    const grown = process.memoryUsage().arrayBuffers - before;
    socks.forEach((s) => s.destroy());
    // 40 × 4 MiB would be 160 MiB if each GET buffered its entry.
    expect(grown).toBeLessThan(48 * 1024 * 1024);
    expect((await get(url, '600')).body.equals(big)).toBe(true);
  });

  it('HEAD answers from the index (no re-hash); GET still verifies', async () => {
    const { url, srv, log } = await serve();
    expect((await put(url, '700', nxEntry([], [{ name: 'app/out/b', data: randomBytes(200_000) }]))).status).toBe(200);
    const file = srv.store.entryPath('700')!;
    const b = fs.readFileSync(file);
    b[b.length - 100] ^= 0xff; // same size, different bytes
    fs.writeFileSync(file, b);
    const head = await request(`${url}/v1/cache/700`, { method: 'HEAD', token: READ });
    expect(head.status).toBe(200);
    expect(log.lines.some((l) => l.includes('corrupt entry 700'))).toBe(false);
    expect((await get(url, '700')).status).toBe(404);
    expect(log.lines.some((l) => l.includes('corrupt entry 700'))).toBe(true);
  });
});

describe('connections', () => {
  it('a flood of idle anonymous connections does not lock out a client with a token', async () => {
    const { url, port, srv } = await serve({ maxConnections: 120, authReserve: 20, perClientConnections: 100, headersTimeoutMs: 10_000 });
    expect((await put(url, '800', nxEntry())).status).toBe(200);
    const flood: net.Socket[] = [];
    for (let i = 0; i < 300; i++) {
      const s = net.connect(port, '127.0.0.1');
      s.on('error', () => undefined);
      s.write('GET /v1/cache/800 HTTP/1.1\r\nHost: x\r\n'); // half a request, never finished
      flood.push(s);
    }
    await waitFor(() => srv.connections.dropped > 150, 5_000);
    for (let i = 0; i < 5; i++) expect((await get(url, '800', READ)).status).toBe(200);
    expect(srv.connections.counts.anonymous).toBeLessThanOrEqual(100);
    flood.forEach((s) => s.destroy());
  });
});

describe('namespaces (CVE-2025-36852: untrusted writers never write where main reads)', () => {
  it('a scoped token writes only its namespace and reads it, then main; main never sees it', async () => {
    const { url, dir } = await serve();
    const prEntry = nxEntry([{ name: 'app/out/planted', data: 'from a PR' }]);
    expect((await put(url, '900', prEntry, PR)).status).toBe(200);
    expect(entryFiles(dir).some((f) => f.startsWith('pr+900.'))).toBe(true);
    expect((await get(url, '900', WRITE)).status).toBe(404); // main does not read pr
    expect((await get(url, '900', READ)).status).toBe(404);
    expect((await get(url, '900', PR)).body.equals(prEntry)).toBe(true);
    const mainEntry = nxEntry();
    expect((await put(url, '900', mainEntry, WRITE)).status).toBe(200); // main's own entry, not blocked by pr's
    expect((await get(url, '900', WRITE)).body.equals(mainEntry)).toBe(true);
    expect((await put(url, '901', mainEntry, WRITE)).status).toBe(200);
    expect((await get(url, '901', PR)).body.equals(mainEntry)).toBe(true); // pr falls back to main
    expect((await put(url, '901', prEntry, PR)).status).toBe(409); // and cannot shadow it
    expect((await put(url, '902', prEntry, READ)).status).toBe(403);
  });
});
