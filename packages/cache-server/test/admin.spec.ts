// `nx-fastled-cache admin` on a live store, and `start --upstream` (the proxy as a CI daemon).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { main } from '../src/cli';
import { startCacheServer } from '../src/server';
import { BIN, WRITE, get, put, tmpDir } from './helpers';
import { nxEntry } from './tar-fixtures';

jest.setTimeout(180_000);
const execFileP = promisify(execFile);
const PR = 'pr-token-0123456789';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('admin', () => {
  it('lists, inspects, verifies and removes entries of a store a server is using', async () => {
    const storeDir = tmpDir();
    const srv = await startCacheServer({ storeDir, port: 0, writeTokens: [WRITE], scopedTokens: [{ namespace: 'pr', token: PR }] });
    try {
      expect((await put(srv.url, '1', nxEntry())).status).toBe(200);
      expect((await put(srv.url, '2', nxEntry([{ name: 'app/out/x', data: 'x' }]), PR)).status).toBe(200);
      // an entry planted before checks existed: garbage under a real hash
      fs.writeFileSync(path.join(storeDir, 'entries', `3.${'ab'.repeat(32)}`), 'garbage');

      const list = await cli(['admin', 'list', '--store', storeDir, '--json']);
      expect(list.code).toBe(0);
      expect(
        JSON.parse(list.out)
          .map((r: { id: string }) => r.id)
          .sort(),
      ).toEqual(['1', '3', 'pr+2']);
      const prOnly = await cli(['admin', 'list', '--store', storeDir, '--namespace', 'pr']);
      expect(
        prOnly.out
          .trim()
          .split('\n')
          .map((l) => l.split('\t')[0]),
      ).toEqual(['pr+2']);

      const ok = await cli(['admin', 'inspect', '--store', storeDir, '1']);
      expect(ok.code).toBe(0);
      expect(ok.out).toMatch(/check +ok/);
      expect(ok.out).toMatch(/File +\d+ +app\/out\/result\.txt/);
      const bad = await cli(['admin', 'inspect', '--store', storeDir, '3']);
      expect(bad.code).toBe(3);
      expect(bad.out).toMatch(/REFUSED: not gzip/);

      const verify = await cli(['admin', 'verify', '--store', storeDir]);
      expect(verify.code).toBe(3);
      expect(verify.out).toMatch(/^BAD\t3\t/m);
      expect((await cli(['admin', 'verify', '--store', storeDir, '--remove'])).code).toBe(0);
      expect(fs.readdirSync(path.join(storeDir, 'entries')).some((f) => f.startsWith('3.'))).toBe(false);

      // rm while the server runs: the server forgets it and accepts a new upload for the key
      expect((await cli(['admin', 'rm', '--store', storeDir, '1'])).out).toMatch(/removed 1/);
      expect((await get(srv.url, '1')).status).toBe(404);
      expect((await put(srv.url, '1', nxEntry())).status).toBe(200);

      expect((await cli(['admin', 'rm', '--store', storeDir, '../x'])).code).toBe(2);
      expect((await cli(['admin', 'rm', '--store', storeDir, '999'])).code).toBe(1);
      expect((await cli(['admin', 'frobnicate', '--store', storeDir])).code).toBe(2);
    } finally {
      await srv.close(500);
    }
  });

  it('--help lists every command', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'proxy --upstream', 'start', 'stop', 'admin list', 'admin inspect', 'admin rm', 'admin verify'])
      expect(r.out).toContain(c);
  });
});

describe('start --upstream', () => {
  it('starts a proxy daemon with its own loopback token; stop drains and ends it', async () => {
    const up = await startCacheServer({ storeDir: tmpDir(), port: 0, writeTokens: [WRITE] });
    const store = tmpDir();
    const pidFile = path.join(store, 'proxy.pid');
    try {
      const env = { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: '', NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: WRITE };
      const { stdout } = await execFileP(process.execPath, [BIN, 'start', '--upstream', up.url, '--store', store, '--pid-file', pidFile], {
        env,
      });
      const url = /NX_SELF_HOSTED_REMOTE_CACHE_SERVER='([^']+)'/.exec(stdout)![1];
      const token = /NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN='([^']+)'/.exec(stdout)![1];
      expect(url).not.toBe(up.url);
      expect(token).not.toBe(WRITE);
      expect((await put(url, '5', nxEntry(), token)).status).toBe(200);
      await execFileP(process.execPath, [BIN, 'stop', '--pid-file', pidFile]);
      expect(up.store.keys()).toEqual(['5']);
    } finally {
      await execFileP(process.execPath, [BIN, 'stop', '--pid-file', pidFile]).catch(() => undefined);
      await up.close(200);
    }
  });
});
