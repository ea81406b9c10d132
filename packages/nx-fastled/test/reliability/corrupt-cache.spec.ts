// Damaged cache entries. Local Nx cache: what Nx 24 does by itself (restores the files of
// `<cacheDirectory>/<hash>/` without checking them), and nx-fastled's defence (the archive and link steps
// verify every object and archive they are given, report the damaged one, evict the bad cache entries; the
// next run rebuilds). Cache server store: a damaged entry is a 404 (sha256 per entry), so Nx rebuilds that task.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startServer, StartedServer, stopServer, storeEntries } from '../ci-recipe/cache-server';
import { TestWorkspace } from '../support/workspace';
import { byId, cacheEntryHolding, frozenWorkspace, isHit, plain, productDigests, STACK_FRAME } from './helpers';

jest.setTimeout(180_000);

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-corrupt-'));
const OBJ = 'dist/native/flat15/obj/src/Flat15.cpp.o';
const COMPILE = 'native/flat15/src/Flat15.cpp:compile';
const HELLO = ['run', 'flat15/Hello:build', '--outputStyle=static'];

describe('local Nx cache: damaged entries', () => {
  let ws: TestWorkspace;
  let cacheDirectory: string;
  let reference: Record<string, string>;
  let good: Buffer;

  beforeAll(() => {
    ws = frozenWorkspace({ libraries: ['Flat15'], boards: ['native'], parent: path.join(TMP, 'local') });
    cacheDirectory = path.join(TMP, 'local/nx-cache');
    const r = ws.nx(HELLO);
    if (r.status !== 0) throw new Error(r.stdout + r.stderr);
    reference = productDigests(ws.root);
    good = fs.readFileSync(path.join(ws.root, OBJ));
  });

  it('Nx 24 by itself: an altered cached object is restored as-is (status local-cache, no check)', () => {
    const entry = cacheEntryHolding(cacheDirectory, OBJ)!;
    const cached = path.join(entry, OBJ);
    const altered = Buffer.from(good);
    altered[Math.floor(altered.length / 2)] ^= 0xff;
    fs.writeFileSync(cached, altered);
    fs.rmSync(path.join(ws.root, 'dist'), { recursive: true });
    const r = ws.nx(['run', COMPILE, '--outputStyle=static']);
    expect(r.status).toBe(0);
    expect(byId(ws.lastRun().tasks).get(COMPILE)?.status).toBe('local-cache');
    expect(fs.readFileSync(path.join(ws.root, OBJ)).equals(altered)).toBe(true);
    fs.writeFileSync(cached, good); // undo for the next test
  });

  // The archive step verifies every object it is given (sha256 sidecar written by the compile task and
  // cached with it, plus an ELF structure check) before `ar` runs.
  for (const damage of ['altered', 'truncated'] as const) {
    it(`${damage === 'altered' ? 'an' : 'a'} ${damage} cached object: the archive step detects it before archiving, reports it, evicts the entry, archives and links nothing; the rerun rebuilds it and the outputs are identical`, () => {
      const entry = cacheEntryHolding(cacheDirectory, OBJ)!;
      const cached = path.join(entry, OBJ);
      if (damage === 'truncated') fs.truncateSync(cached, Math.floor(good.length / 2));
      else {
        const altered = Buffer.from(good);
        altered[Math.floor(altered.length / 2)] ^= 0xff;
        fs.writeFileSync(cached, altered);
      }
      fs.rmSync(path.join(ws.root, 'dist'), { recursive: true });
      const r = ws.nx(HELLO);
      const out = plain(r.stdout + r.stderr);
      expect(r.status).not.toBe(0);
      const tasks = byId(ws.lastRun().tasks);
      expect(tasks.get(COMPILE)?.status).toBe('local-cache'); // Nx restored the damaged object
      expect(tasks.get('native/flat15:archive')?.status).toBe('failure');
      expect(tasks.get('native/flat15/examples/Hello:link')).toBeUndefined(); // never started
      const why = damage === 'altered' ? /sha256 [0-9a-f]+… does not match/ : /truncated|outside the file|section/;
      expect(out).toMatch(new RegExp(`nx-fastled: dist/native/flat15/obj/src/Flat15\\.cpp\\.o is corrupt: .*${why.source}`));
      expect(out).not.toMatch(STACK_FRAME);
      expect(fs.existsSync(entry)).toBe(false); // the damaged compile entry was evicted
      expect(fs.existsSync(path.join(ws.root, 'dist/native/flat15/libflat15.a'))).toBe(false);
      expect(fs.existsSync(path.join(ws.root, 'dist/native/flat15/examples/Hello/Hello.elf'))).toBe(false);

      const again = ws.nx(HELLO);
      expect(again.status).toBe(0);
      const t2 = byId(ws.lastRun().tasks);
      expect(t2.get(COMPILE)?.status).toBe('success'); // rebuilt
      expect(isHit(t2.get('native/flat15:archive')!)).toBe(true); // same object bytes: the first build's archive
      expect(isHit(t2.get('native/flat15/examples/Hello:link')!)).toBe(true);
      expect(productDigests(ws.root)).toEqual(reference);
    });
  }
});

describe('cache server store: a damaged entry', () => {
  let server: StartedServer | undefined;
  afterAll(() => stopServer(server));

  it('is answered 404, and Nx rebuilds that task (not a failure); outputs identical', () => {
    server = startServer({
      store: path.join(TMP, 'store'),
      runDir: path.join(TMP, 'server'),
      writeToken: 'reliability-write-token-0123456789abcdef',
    });
    const env = { NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: server.exportedToken };
    const a = frozenWorkspace({ libraries: ['Flat15'], boards: ['native'], parent: path.join(TMP, 'srv-a') });
    const ra = a.nx(HELLO, env);
    expect(ra.status).toBe(0);
    const hash = byId(a.lastRun().tasks).get(COMPILE)!.hash!;
    const entry = storeEntries(server.store).find((e) => e.startsWith(`${hash}.`))!;
    expect(entry).toBeDefined();
    const file = path.join(server.store, 'entries', entry);
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    fs.writeFileSync(file, bytes);

    const b = frozenWorkspace({ libraries: ['Flat15'], boards: ['native'], parent: path.join(TMP, 'srv-b') });
    const rb = b.nx(HELLO, env);
    expect(rb.status).toBe(0);
    const tasks = b.lastRun().tasks;
    expect(byId(tasks).get(COMPILE)?.status).toBe('success');
    for (const t of tasks)
      if (t.id !== COMPILE && t.target !== 'build') expect({ id: t.id, status: t.status }).toEqual({ id: t.id, status: 'remote-cache' });
    expect(productDigests(b.root)).toEqual(productDigests(a.root));
    expect(fs.readFileSync(server.logFile, 'utf8')).toMatch(/corrupt entry/);
  });
});
