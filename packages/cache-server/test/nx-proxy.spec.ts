// The proxy with the real Nx 24 client: a run succeeds with the shared server stopped, its upload lands
// when the server is back, and a fresh runner then gets the remote hit. A pull request's proxy (scoped
// token) writes only to its namespace: main's runs never read what a PR uploaded.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startProxy, type RunningProxy } from '../src/proxy/proxy';
import { startCacheServer, type RunningCacheServer } from '../src/server';
import { WRITE, tmpDir, waitFor } from './helpers';
import { makeWorkspace, runNx } from './nx-workspace';

jest.setTimeout(150_000);
const LOCAL = 'local-token-0123456789';
const PR = 'pr-token-0123456789';

const closers: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of closers.reverse()) await c().catch(() => undefined);
});
async function upstream(port = 0, storeDir = tmpDir()): Promise<RunningCacheServer> {
  const s = await startCacheServer({ storeDir, port, writeTokens: [WRITE], scopedTokens: [{ namespace: 'pr', token: PR }] });
  closers.push(() => s.close(200));
  return s;
}
async function proxy(url: string, token: string): Promise<RunningProxy> {
  const p = await startProxy({
    storeDir: tmpDir(),
    port: 0,
    writeTokens: [LOCAL],
    upstream: { url, token, timeoutMs: 1_000, cooldownMs: 500 },
    uploads: { attempts: 6, backoffMs: 200 },
  });
  closers.push(() => p.close(200));
  return p;
}
function workspace(input?: string): string {
  const ws = path.join(tmpDir('nxfc-ws-'), 'ws');
  makeWorkspace(ws, input);
  return ws;
}

describe('Nx 24 through the proxy', () => {
  it('upstream stopped during a run: exit 0; upload lands after the restart; a fresh runner hits', async () => {
    let up = await upstream();
    const { port } = up;
    const storeDir = up.store.opts.dir;
    await up.close(100);
    const p1 = await proxy(`http://127.0.0.1:${port}`, WRITE);
    const first = await runNx(workspace(), { url: p1.url, token: LOCAL, cacheDir: tmpDir() });
    expect(first.output).toMatch(/built-by-command/);
    expect(first.code).toBe(0);
    up = await upstream(port, storeDir);
    await waitFor(() => up.store.size.entries === 1, 20_000);

    const p2 = await proxy(up.url, WRITE);
    const ws2 = workspace();
    const second = await runNx(ws2, { url: p2.url, token: LOCAL, cacheDir: tmpDir() });
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/\[remote cache\]/);
    expect(fs.readFileSync(path.join(ws2, 'app', 'out', 'result.txt'), 'utf8')).toBe('remote cache e2e\n');
  });

  it('a pull request’s uploads stay in its namespace; main never reads them', async () => {
    const up = await upstream();
    const prProxy = await proxy(up.url, PR);
    const pr = await runNx(workspace('changed in a PR\n'), { url: prProxy.url, token: LOCAL, cacheDir: tmpDir() });
    expect(pr.code).toBe(0);
    await prProxy.close(200);
    const ids = up.store.keys();
    expect(ids).toHaveLength(1);
    expect(ids[0]).toMatch(/^pr\+[0-9]+$/);
    const main = await runNx(workspace('changed in a PR\n'), { url: up.url, token: WRITE, cacheDir: tmpDir() });
    expect(main.code).toBe(0);
    expect(main.output).toMatch(/built-by-command/);
    expect(main.output).not.toMatch(/\[remote cache\]/);
    expect(up.store.keys().sort()).toEqual([ids[0], ids[0].slice(3)].sort()); // main stored its own
  });
});
