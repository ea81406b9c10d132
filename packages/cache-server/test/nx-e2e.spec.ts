import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startCacheServer, type RunningCacheServer } from '../src/server';
import { WRITE, captureLogger, tmpDir } from './helpers';

/**
 * End to end with the real Nx client: a run in one workspace stores its task output on the server; a copy of
 * the workspace at another path, with an empty local cache, gets a remote hit and has the output restored.
 */
jest.setTimeout(60_000);
const execFileP = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '../../..');

function makeWorkspace(root: string): void {
  fs.mkdirSync(path.join(root, 'app'), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'e2e-ws', version: '0.0.0', private: true }));
  fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json' }));
  fs.writeFileSync(path.join(root, 'app', 'input.txt'), 'remote cache e2e\n');
  fs.writeFileSync(
    path.join(root, 'app', 'project.json'),
    JSON.stringify({
      name: 'app',
      targets: {
        build: {
          executor: 'nx:run-commands',
          cache: true,
          inputs: ['{projectRoot}/input.txt'],
          outputs: ['{projectRoot}/out'],
          options: { command: 'mkdir -p app/out && cp app/input.txt app/out/result.txt && echo built-by-command' },
        },
      },
    }),
  );
}

async function nx(cwd: string, server: RunningCacheServer, cacheDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('NX_')) delete env[k];
  Object.assign(env, {
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: WRITE,
    NX_CACHE_DIRECTORY: cacheDir,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    CI: 'true',
    FORCE_COLOR: '0',
  });
  const { stdout, stderr } = await execFileP('npx', ['--no-install', 'nx', 'run', 'app:build', '--outputStyle=static'], {
    cwd,
    env,
    timeout: 45_000,
  });
  return `${stdout}\n${stderr}`;
}

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
