import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCacheServer, type RunningCacheServer } from '../src/server';
import { WRITE, captureLogger, tmpDir } from './helpers';
import { makeWorkspace, runNx } from './nx-workspace';

/**
 * End to end with the real Nx client: a run in one workspace stores its task output on the server; a copy of
 * the workspace at another path, with an empty local cache, gets a remote hit and has the output restored.
 */
jest.setTimeout(60_000);

const nx = async (cwd: string, server: RunningCacheServer, cacheDir: string) => {
  const r = await runNx(cwd, { url: server.url, token: WRITE, cacheDir, timeoutMs: 45_000 });
  if (r.code !== 0) throw new Error(`nx exited ${r.code}:\n${r.output}`);
  return r.output;
};

describe('Nx remote cache end to end', () => {
  let server: RunningCacheServer;
  const log = captureLogger();
  beforeAll(async () => {
    server = await startCacheServer({ storeDir: tmpDir(), port: 0, writeTokens: [WRITE], log, logRequests: true });
  });
  afterAll(() => server.close(1_000));

  it('stores on the first run and restores from the server in a fresh copy at another path', async () => {
    const wsA = path.join(tmpDir('nxfc-wsA-'), 'ws');
    makeWorkspace(wsA);
    const outA = await nx(wsA, server, tmpDir('nxfc-cacheA-'));
    expect(outA).toMatch(/built-by-command/);
    expect(outA).not.toMatch(/\[remote cache\]/);
    expect(server.store.size.entries).toBe(1);
    const key = server.store.keys()[0];
    expect(log.lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`PUT "/v1/cache/${key}" 200`))]));

    const wsB = path.join(tmpDir('nxfc-wsB-'), 'elsewhere', 'ws');
    makeWorkspace(wsB);
    expect(fs.existsSync(path.join(wsB, 'app', 'out'))).toBe(false);
    const emptyCache = tmpDir('nxfc-cacheB-');
    const outB = await nx(wsB, server, emptyCache);
    expect(outB).toMatch(/\[remote cache\]/);
    expect(outB).toMatch(/1\/1 hit|from the cache/);
    expect(fs.readFileSync(path.join(wsB, 'app', 'out', 'result.txt'), 'utf8')).toBe('remote cache e2e\n');
    expect(log.lines).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`GET "/v1/cache/${key}" 200`))]));
    expect(server.store.size.entries).toBe(1); // the hit did not re-upload
  });
});
