// Issue 13 with the real Nx 24 client: what the server answers must never fail a run that could succeed
// without the cache, and a wrong token must say so (text/plain 401, not "Misconfigured remote cache endpoint").
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCacheServer, type RunningCacheServer } from '../src/server';
import { WRITE, captureLogger, tmpDir } from './helpers';
import { makeWorkspace, runNx } from './nx-workspace';

jest.setTimeout(120_000);

const servers: RunningCacheServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close(1_000))));
async function serve(extra: Parameters<typeof startCacheServer>[0] extends infer O ? Partial<O> : never = {}) {
  const log = captureLogger();
  const srv = await startCacheServer({ storeDir: tmpDir(), port: 0, writeTokens: [WRITE], log, logRequests: true, ...extra });
  servers.push(srv);
  return { srv, log };
}
function workspace(input?: string): string {
  const ws = path.join(tmpDir('nxfc-ws-'), 'ws');
  makeWorkspace(ws, input);
  return ws;
}

describe('Nx 24 against the server', () => {
  it('a PUT the server will not store (over --max-entry-bytes) is a 403 Nx ignores: the run exits 0', async () => {
    const { srv, log } = await serve({ maxEntryBytes: 64 });
    const ws = workspace();
    const r = await runNx(ws, { url: srv.url, token: WRITE, cacheDir: tmpDir() });
    expect(r.output).toMatch(/built-by-command/);
    expect(r.code).toBe(0);
    expect(log.lines.some((l) => /PUT .* refused \(403, was 413\): entry of \d+ bytes is larger/.test(l))).toBe(true);
    expect(srv.store.size.entries).toBe(0);
  });

  it('a wrong token fails the run with the server’s own message (401 is text/plain)', async () => {
    const { srv } = await serve();
    const r = await runNx(workspace(), { url: srv.url, token: 'not-the-token-0000', cacheDir: tmpDir() });
    expect(r.code).not.toBe(0);
    expect(r.output).not.toMatch(/Misconfigured remote cache endpoint/);
    expect(r.output).toMatch(/missing or invalid token/);
  });

  it('a damaged entry (and one stored before entries were checked) is a miss: the task runs, the run exits 0', async () => {
    const { srv, log } = await serve();
    const first = await runNx(workspace(), { url: srv.url, token: WRITE, cacheDir: tmpDir() });
    expect(first.code).toBe(0);
    const [key] = srv.store.keys();
    const file = srv.store.entryPath(key)!;
    fs.truncateSync(file, 40);
    const second = await runNx(workspace(), { url: srv.url, token: WRITE, cacheDir: tmpDir() });
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/built-by-command/);
    expect(second.output).not.toMatch(/\[remote cache\]/);
    expect(log.lines.some((l) => l.includes(`corrupt entry ${key}`))).toBe(true);
    // the rerun stored a good entry again; the next fresh workspace gets it
    const third = await runNx(workspace(), { url: srv.url, token: WRITE, cacheDir: tmpDir() });
    expect(third.code).toBe(0);
    expect(third.output).toMatch(/\[remote cache\]/);
  });
});
