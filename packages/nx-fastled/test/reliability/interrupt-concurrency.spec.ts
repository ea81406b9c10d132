// Interrupted and concurrent builds on the fixture libraries (native, host g++).
// Interrupted: SIGINT, then SIGKILL, sent to the whole process group of a cold `nx run-many` once some objects
// exist; the rerun completes, nothing truncated was cached, and every .o/.a/.elf/.hex is byte-identical to an
// uninterrupted build in another workspace.
// Concurrent: two `nx run-many` at once in one workspace; two workspaces sharing one cache server at once.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { elfProblem, arProblem } from '../../src/integrity/object-structure';
import { startServer, StartedServer, stopServer } from '../ci-recipe/cache-server';
import { TestWorkspace } from '../support/workspace';
import {
  BUILD_ARGS,
  cacheEntries,
  filesUnder,
  frozenWorkspace,
  groupAlive,
  nxInBackground,
  plain,
  productDigests,
  waitUntil,
} from './helpers';

jest.setTimeout(240_000);

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-interrupt-'));
const LIBS = ['Legacy10', 'Flat15'];
let reference: Record<string, string>;

beforeAll(() => {
  const ref = frozenWorkspace({ libraries: LIBS, boards: ['native'], parent: path.join(TMP, 'reference') });
  const r = ref.nx(BUILD_ARGS);
  if (r.status !== 0) throw new Error(r.stdout + r.stderr);
  reference = productDigests(ref.root);
  expect(Object.keys(reference).filter((f) => f.endsWith('.elf')).length).toBe(5);
});

/** Processes (other than ours) whose working directory is the workspace: tasks orphaned by a kill. */
function processesIn(root: string): number[] {
  const pids: number[] = [];
  for (const p of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (fs.readlinkSync(`/proc/${p}/cwd`) === root) pids.push(Number(p));
    } catch {
      // gone or not ours
    }
  }
  return pids;
}

/** Every object and archive in the local cache is whole and equal to the reference build's. */
function expectCacheClean(cacheDirectory: string) {
  for (const entry of cacheEntries(cacheDirectory)) {
    for (const rel of filesUnder(path.join(cacheDirectory, entry), '.', /\.(o|a)$/)) {
      const bytes = fs.readFileSync(path.join(cacheDirectory, entry, rel));
      expect({ rel, problem: rel.endsWith('.o') ? elfProblem(bytes) : arProblem(bytes) }).toEqual({ rel, problem: undefined });
    }
  }
}

describe.each([['SIGINT'], ['SIGKILL']] as const)('%s to the process group of a cold nx run-many', (signal) => {
  let ws: TestWorkspace;
  let cacheDirectory: string;
  let objectsAtKill = 0;

  beforeAll(async () => {
    ws = frozenWorkspace({ libraries: LIBS, boards: ['native'], parent: path.join(TMP, signal) });
    cacheDirectory = path.join(TMP, signal, 'nx-cache');
    const bg = nxInBackground(ws, cacheDirectory, BUILD_ARGS);
    const objects = () => filesUnder(ws.root, 'dist', /\.o$/).length;
    await waitUntil('3 objects in dist/', () => objects() >= 3 || bg.child.exitCode !== null, 120_000, 20);
    objectsAtKill = objects();
    process.kill(-bg.child.pid!, signal);
    const ended = await Promise.race([bg.exited, new Promise((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (ended === 'timeout') process.kill(-bg.child.pid!, 'SIGKILL');
    await waitUntil('the process group to end', () => !groupAlive(bg.child.pid!), 30_000);
    // Tasks started in a session of their own would survive the group kill: let them finish first.
    await waitUntil('orphaned tasks to end', () => processesIn(ws.root).length === 0, 60_000, 100);
  });

  it('was interrupted mid-build, and nothing truncated is in the cache', () => {
    expect(objectsAtKill).toBeGreaterThanOrEqual(3);
    expect(
      fs.existsSync(path.join(ws.root, 'dist/native/legacy10/examples/Group/Two/Two.elf')) &&
        fs.existsSync(path.join(ws.root, 'dist/native/flat15/examples/Hello/Hello.elf')),
    ).toBe(false);
    expectCacheClean(cacheDirectory);
  });

  it('the rerun completes and every .o/.a/.elf/.hex is byte-identical to an uninterrupted build', () => {
    const r = ws.nx(BUILD_ARGS);
    expect(plain(r.stdout + r.stderr)).not.toMatch(/corrupt|truncated/i);
    expect(r.status).toBe(0);
    expect(productDigests(ws.root)).toEqual(reference);
    expectCacheClean(cacheDirectory);
  });
});

describe('concurrency', () => {
  let server: StartedServer | undefined;
  afterAll(() => stopServer(server));

  it('two nx run-many at once in the same workspace: both succeed, outputs identical to a lone build', async () => {
    const ws = frozenWorkspace({ libraries: LIBS, boards: ['native'], parent: path.join(TMP, 'same') });
    const cacheDirectory = path.join(TMP, 'same', 'nx-cache');
    const a = nxInBackground(ws, cacheDirectory, BUILD_ARGS);
    const b = nxInBackground(ws, cacheDirectory, BUILD_ARGS);
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect({ a: ea.code, b: eb.code, out: ea.code || eb.code ? plain(a.output() + b.output()).slice(-3000) : '' }).toEqual({
      a: 0,
      b: 0,
      out: '',
    });
    expect(productDigests(ws.root)).toEqual(reference);
    expectCacheClean(cacheDirectory);
  });

  it('two workspaces sharing one cache server, at once: both succeed, outputs identical', async () => {
    server = startServer({
      store: path.join(TMP, 'store'),
      runDir: path.join(TMP, 'server'),
      writeToken: 'reliability-write-token-0123456789abcdef',
    });
    const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: server.exportedToken };
    const x = frozenWorkspace({ libraries: LIBS, boards: ['native'], parent: path.join(TMP, 'x') });
    const y = frozenWorkspace({ libraries: LIBS, boards: ['native'], parent: path.join(TMP, 'y') });
    const a = nxInBackground(x, path.join(TMP, 'x/nx-cache'), BUILD_ARGS, env);
    const b = nxInBackground(y, path.join(TMP, 'y/nx-cache'), BUILD_ARGS, env);
    const [ea, eb] = await Promise.all([a.exited, b.exited]);
    expect({ a: ea.code, b: eb.code, out: ea.code || eb.code ? plain(a.output() + b.output()).slice(-3000) : '' }).toEqual({
      a: 0,
      b: 0,
      out: '',
    });
    expect(productDigests(x.root)).toEqual(reference);
    expect(productDigests(y.root)).toEqual(reference);
  });
});
