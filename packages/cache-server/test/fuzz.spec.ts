import { nxEntry } from './tar-fixtures';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { READ, WRITE, get, put, raw, request, spawnCli, tmpDir, type CliServer } from './helpers';

/**
 * Bounded-time fuzz of the request parser, routing and header handling against the real CLI process:
 * random bytes, mutated valid requests and hand-made malformed ones over raw sockets. Every connection must
 * be answered with an HTTP status line (never a 5xx) or closed by the server; the process must survive and
 * keep serving correctly afterwards.
 */
jest.setTimeout(40_000);

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const BUDGET_MS = Number(process.env.FUZZ_MS ?? 5_000);
const CONCURRENCY = 24;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = rng(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));

const METHODS = ['GET', 'PUT', 'HEAD', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT', 'PATCH', 'get', 'PUT ', 'G\0ET', 'X'.repeat(300)];
const PATHS = [
  '/v1/cache/123',
  '//v1/cache/123',
  '/v1/cache/../../../etc/passwd',
  '/v1/cache/%2e%2e/%2e%2e/x',
  '/v1/cache/1%00',
  `/v1/cache/${'1'.repeat(5000)}`,
  '/v1/cache/',
  '/v1/cache',
  '/healthz',
  '*',
  'http://evil.example/v1/cache/1',
  '/v1/cache/12?x=../../',
  '/v1/cache/12#frag',
  '/\u00ff\u00fe',
  '',
  `/${'a/'.repeat(3000)}`,
];
const VERSIONS = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/0.9', 'HTTP/2.0', 'HTTP/9.9', 'HTTP/1.1x', '', 'http/1.1'];
const HEADER_SETS: Array<() => string[]> = [
  () => ['Host: x'],
  () => [],
  () => ['Host: x', `Authorization: Bearer ${WRITE}`],
  () => ['Host: x', `Authorization: Bearer ${READ}`],
  () => ['Host: x', 'Authorization: Bearer'],
  () => ['Host: x', `Authorization: Bearer ${'A'.repeat(20_000)}`],
  () => ['Host: x', 'Content-Length: -1'],
  () => ['Host: x', 'Content-Length: abc'],
  () => ['Host: x', 'Content-Length: 1e3'],
  () => ['Host: x', 'Content-Length: 99999999999999999999999'],
  () => ['Host: x', 'Content-Length: 5', 'Content-Length: 7'],
  () => ['Host: x', 'Content-Length: 5', 'Transfer-Encoding: chunked'],
  () => ['Host: x', 'Transfer-Encoding: gzip, chunked'],
  () => ['Host: x', 'Transfer-Encoding: chunked'],
  () => ['Host: x', 'Expect: 100-continue', `Authorization: Bearer ${WRITE}`, 'Content-Length: 10'],
  () => ['Host: x', ...Array.from({ length: 300 }, (_, i) => `X-H${i}: ${i}`)],
  () => ['Host: x', 'Bad Header Without Colon'],
  () => ['Host: x', ' folded: continuation'],
  () => ['Host: x', 'X: a\0b'],
  () => ['Host: x', `X: ${bytes(50).toString('latin1')}`],
  () => ['Host: x', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket'],
];
const BODIES = [
  () => '',
  () => 'hello',
  () => '5\r\nhello\r\n0\r\n\r\n',
  () => 'zz\r\nhello\r\n0\r\n\r\n',
  () => `${'f'.repeat(40)}\r\nx\r\n`,
  () => bytes(int(3000)).toString('latin1'),
];

function structured(): Buffer {
  const key = int(4) === 0 ? pick(PATHS) : `/v1/cache/${int(1e9)}`;
  const headers = pick(HEADER_SETS)();
  const body = pick(BODIES)();
  if (body && int(2) === 0) headers.push(`Content-Length: ${Buffer.byteLength(body, 'latin1') + pick([0, 0, 0, -1, 1, 100])}`);
  const eol = pick(['\r\n', '\r\n', '\r\n', '\n', '\r', '\n\r']);
  const line = `${pick(METHODS)} ${key} ${pick(VERSIONS)}`.trim();
  let req = `${line}${eol}${headers.join(eol)}${eol}${eol}${body}`;
  if (int(4) === 0) req += req; // pipelined duplicate
  return Buffer.from(req, 'latin1');
}

function mutated(): Buffer {
  const base = Buffer.from(
    `PUT /v1/cache/${int(1e9)} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Type: application/octet-stream\r\nContent-Length: 16\r\n\r\n0123456789abcdef`,
    'latin1',
  );
  const n = 1 + int(6);
  for (let i = 0; i < n; i++) {
    const op = int(3);
    const at = int(base.length);
    if (op === 0) base[at] = int(256);
    else if (op === 1) base[at] = pick([0x0d, 0x0a, 0x20, 0x3a, 0x00, 0x2f, 0x2e]);
    else base.copyWithin(at, int(base.length));
  }
  return base;
}

const generators = [() => bytes(1 + int(4096)), structured, structured, mutated, mutated];

describe('fuzz', () => {
  let srv: CliServer;
  let store: string;
  beforeAll(async () => {
    store = tmpDir();
    srv = await spawnCli([
      '--store',
      store,
      '--headers-timeout',
      '1',
      '--idle-timeout',
      '2',
      '--request-timeout',
      '3',
      '--max-entry-bytes',
      '1M',
    ]);
  });
  afterAll(async () => {
    if (srv.child.exitCode === null) {
      srv.child.kill('SIGTERM');
      await srv.exited;
    }
  });

  it(`random and malformed requests never crash the server (seed ${SEED})`, async () => {
    const deadline = Date.now() + BUDGET_MS;
    let cases = 0;
    let answered = 0;
    const failures: string[] = [];
    const worker = async () => {
      while (Date.now() < deadline && failures.length === 0) {
        const payload = pick(generators)();
        const r = await raw(srv.port, payload, { timeoutMs: 6_000, halfClose: int(2) === 0 });
        cases++;
        const text = r.response.toString('latin1');
        if (text.length) {
          answered++;
          if (!/^HTTP\/1\.[01] [1-4]\d\d /.test(text)) {
            failures.push(`bad answer ${JSON.stringify(text.slice(0, 80))} to ${JSON.stringify(payload.toString('latin1').slice(0, 200))}`);
          }
        } else if (!r.closedByServer) {
          failures.push(`no answer and not closed within 6 s to ${JSON.stringify(payload.toString('latin1').slice(0, 200))}`);
        }
        if (srv.child.exitCode !== null || srv.child.signalCode !== null)
          failures.push(`server died on ${JSON.stringify(payload.toString('latin1').slice(0, 200))}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    process.stderr.write(`fuzz seed ${SEED}: ${cases} connections, ${answered} answered, ${cases - answered} closed without answer\n`);
    expect(failures).toEqual([]);
    expect(cases).toBeGreaterThan(100);
    expect(answered).toBeGreaterThan(cases / 2);
    expect(srv.stderr()).not.toMatch(/failed: |internal error|uncaught/i);

    // still healthy and correct
    expect(srv.child.exitCode).toBeNull();
    expect((await request(`${srv.url}/healthz`)).status).toBe(200);
    expect((await put(srv.url, '999000999', nxEntry())).status).toBe(200);
    expect((await get(srv.url, '999000999', READ)).body.equals(nxEntry())).toBe(true);
    // nothing but well-formed entries were ever published
    for (const f of fs.readdirSync(path.join(store, 'entries'))) expect(f).toMatch(/^[0-9]{1,32}\.[0-9a-f]{64}$/);
  });
});
