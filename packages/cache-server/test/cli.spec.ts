import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { isRunning } from '../src/store';
import { nxEntry } from './tar-fixtures';
import { BIN, READ, WRITE, get, put, request, spawnCli, tmpDir, waitFor, type CliServer } from './helpers';

jest.setTimeout(120_000); // each CLI start-up compiles TypeScript through swc: 10 s and more on a loaded machine
const execFileP = promisify(execFile);

const children: CliServer[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});
async function cli(args: string[], env: Record<string, string> = {}) {
  const c = await spawnCli(args, env);
  children.push(c);
  return c;
}

describe('CLI serve', () => {
  it('prints exactly the URL on stdout, serves, and exits 0 on SIGTERM', async () => {
    const store = tmpDir();
    const c = await cli(['--store', store, '--host', '127.0.0.1', '--port', '0']);
    expect(c.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const hello = nxEntry();
    expect((await put(c.url, '1', hello)).status).toBe(200);
    expect((await get(c.url, '1', READ)).body.equals(hello)).toBe(true);
    c.child.kill('SIGTERM');
    expect(await c.exited).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(store, 'lock'))).toBe(false);
  });

  it('refuses to start without tokens, and refuses a store locked by a live server', async () => {
    const store = tmpDir();
    const noTok = await execFileP(process.execPath, [BIN, '--store', store], {
      env: { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: '', NX_FASTLED_CACHE_READ_TOKEN: '' },
    }).catch((e) => e);
    expect(noTok.code).toBe(2);
    expect(noTok.stderr).toMatch(/NX_FASTLED_CACHE_WRITE_TOKEN/);
    const c = await cli(['--store', store]);
    const second = await execFileP(process.execPath, [BIN, '--store', store], {
      env: { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: WRITE },
    }).catch((e) => e);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/in use by another server \(pid \d+\)/);
    c.child.kill('SIGTERM');
    await c.exited;
  });

  it('SIGKILL during a PUT leaves no partial entry; restart cleans the temp file and serves normally', async () => {
    const store = tmpDir();
    const c1 = await cli(['--store', store]);
    const body = nxEntry([], [{ name: 'app/out/big', data: randomBytes(2 * 1024 * 1024) }]);
    const sock = net.connect(c1.port, '127.0.0.1');
    sock.on('error', () => undefined);
    sock.write(`PUT /v1/cache/4242 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITE}\r\nContent-Length: ${body.length}\r\n\r\n`);
    sock.write(body.subarray(0, body.length / 2));
    const tmp = path.join(store, 'tmp');
    await waitFor(() => fs.readdirSync(tmp).some((f) => fs.statSync(path.join(tmp, f)).size > 0));
    c1.child.kill('SIGKILL');
    expect((await c1.exited).signal).toBe('SIGKILL');
    sock.destroy();
    // The partial upload is only ever under tmp/, never under entries/.
    expect(fs.readdirSync(tmp).length).toBe(1);
    expect(fs.readdirSync(path.join(store, 'entries'))).toEqual([]);

    const c2 = await cli(['--store', store]); // stale lock from the killed pid is taken over
    expect(c2.stderr()).toMatch(/removed 1 unfinished upload/);
    expect(fs.readdirSync(tmp)).toEqual([]);
    expect((await get(c2.url, '4242')).status).toBe(404);
    expect((await put(c2.url, '4242', body)).status).toBe(200);
    expect((await get(c2.url, '4242')).body.equals(body)).toBe(true);
    c2.child.kill('SIGTERM');
    await c2.exited;
  });
});

describe('CLI start/stop', () => {
  it('start prints eval-able exports, the server answers with that token, stop ends it', async () => {
    const store = tmpDir();
    const pidFile = path.join(tmpDir(), 'cache.pid');
    const env = { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: '', NX_FASTLED_CACHE_READ_TOKEN: '' };
    const { stdout } = await execFileP(process.execPath, [BIN, 'start', '--store', store, '--pid-file', pidFile], { env });
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    const url = /^export NX_SELF_HOSTED_REMOTE_CACHE_SERVER='(http:\/\/127\.0\.0\.1:\d+)'$/.exec(lines[0])![1];
    const token = /^export NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN='([0-9a-f]{48})'$/.exec(lines[1])![1];
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    try {
      expect((await put(url, '5', nxEntry(), token)).status).toBe(200);
      expect((await get(url, '5', token)).body.equals(nxEntry())).toBe(true);
      expect((await put(url, '6', 'abc', 'wrong-token-xxxxxxxx')).status).toBe(401);
      // a shell can eval the output
      const { stdout: echoed } = await execFileP('bash', ['-c', `eval "$1"; echo "$NX_SELF_HOSTED_REMOTE_CACHE_SERVER"`, '_', stdout]);
      expect(echoed.trim()).toBe(url);
      // starting again on the same pid file is refused
      const again = await execFileP(process.execPath, [BIN, 'start', '--store', store, '--pid-file', pidFile], { env }).catch((e) => e);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already running/);
    } finally {
      await execFileP(process.execPath, [BIN, 'stop', '--pid-file', pidFile]);
    }
    expect(isRunning(pid)).toBe(false);
    expect(fs.existsSync(pidFile)).toBe(false);
    await expect(request(`${url}/healthz`)).rejects.toThrow();
    // stopping again is a no-op
    await execFileP(process.execPath, [BIN, 'stop', '--pid-file', pidFile]);
  }, 240_000); // three CLI start-ups through swc; 10 s and more each on a busy shared machine
});
