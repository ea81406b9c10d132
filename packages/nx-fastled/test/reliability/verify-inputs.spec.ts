// The verifying side of the object checksums (src/integrity/, src/cli/verify-command.ts), with real host g++
// objects and archives laid out as Nx lays out its local cache (`<cache>/<hash>/<workspace-relative output path>`):
// an altered byte is caught by the `.sha256` sidecar, truncation by the structure check (object, archive,
// archive member); the link refuses, names the file, evicts the bad cache entries and leaves no image.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../support/workspace';
import { plain, STACK_FRAME } from './helpers';

jest.setTimeout(60_000);

const TASK_BIN = path.join(REPO_ROOT, 'packages/nx-fastled/bin/nx-fastled-task.cjs');
const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-verify-'));
const CACHE = path.join(ROOT, '.nx/cache');
const OBJ = 'dist/native/x/obj/main.cpp.o';
const LIB_OBJ = 'dist/native/x/obj/lib.cpp.o';
const ARCHIVE = 'dist/native/x/libx.a';

function sh(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}
function task(args: string[]) {
  const r = spawnSync(process.execPath, [TASK_BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NX_CACHE_DIRECTORY: CACHE },
  });
  return { status: r.status, out: plain(`${r.stdout}${r.stderr}`) };
}
/** Puts `rel` (and its sidecar) into a fake cache entry `hash`, as Nx stores a task's outputs. */
function cacheIt(hash: string, rel: string) {
  for (const f of [rel, `${rel}.sha256`]) {
    if (!fs.existsSync(path.join(ROOT, f))) continue;
    fs.mkdirSync(path.dirname(path.join(CACHE, hash, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(CACHE, hash, f));
  }
}
/** What Nx does on a hit: copies the entry's files back into the workspace. */
function restore(hash: string, rel: string) {
  for (const f of [rel, `${rel}.sha256`]) {
    if (fs.existsSync(path.join(CACHE, hash, f))) fs.copyFileSync(path.join(CACHE, hash, f), path.join(ROOT, f));
  }
}
const link = () =>
  task([
    'link',
    '--board',
    'native',
    '--out-dir',
    'dist/native/x/examples/Main',
    '--name',
    'Main',
    '--linker',
    'g++',
    '--bin',
    '/usr/bin',
    '--',
    OBJ,
    ARCHIVE,
  ]);

beforeAll(() => {
  fs.mkdirSync(path.join(ROOT, 'dist/native/x/obj'), { recursive: true });
  fs.writeFileSync(path.join(ROOT, 'main.cpp'), 'int lib(int);\nint main() { return lib(2) - 4; }\n');
  fs.writeFileSync(path.join(ROOT, 'lib.cpp'), 'int lib(int x) { return x * 2; }\n');
  sh('g++', ['-c', 'main.cpp', '-o', OBJ]);
  sh('g++', ['-c', 'lib.cpp', '-o', LIB_OBJ]);
  expect(task(['seal', OBJ, LIB_OBJ]).status).toBe(0);
  sh('gcc-ar', ['rcsD', ARCHIVE, LIB_OBJ]);
  expect(task(['seal', ARCHIVE]).status).toBe(0);
  cacheIt('1001', OBJ);
  cacheIt('1002', LIB_OBJ);
  cacheIt('1003', ARCHIVE);
});

it('whole inputs: verify passes and the link produces the program', () => {
  expect(task(['verify', OBJ, LIB_OBJ, ARCHIVE])).toEqual({ status: 0, out: '' });
  const r = link();
  expect(r.status).toBe(0);
  expect(fs.existsSync(path.join(ROOT, 'dist/native/x/examples/Main/Main.elf'))).toBe(true);
  fs.rmSync(path.join(ROOT, 'dist/native/x/examples/Main'), { recursive: true });
});

it('an altered byte in a cached object (restored by a hit) is caught by its sidecar: no link, entry evicted, file removed', () => {
  const cached = path.join(CACHE, '1001', OBJ);
  const bytes = fs.readFileSync(cached);
  bytes[Math.floor(bytes.length / 2)] ^= 0x01;
  fs.writeFileSync(cached, bytes);
  restore('1001', OBJ);
  const r = link();
  expect(r.status).toBe(1);
  expect(r.out).toMatch(
    /^nx-fastled: dist\/native\/x\/obj\/main\.cpp\.o is corrupt: sha256 [0-9a-f]{16}… does not match [0-9a-f]{16}… recorded in main\.cpp\.o\.sha256 when it was built\..* Removed it and the damaged local cache entry \.nx\/cache\/1001; run the build again/m,
  );
  expect(r.out).not.toMatch(STACK_FRAME);
  expect(fs.existsSync(path.join(CACHE, '1001'))).toBe(false);
  expect(fs.existsSync(path.join(ROOT, OBJ))).toBe(false);
  expect(fs.readdirSync(path.join(ROOT, 'dist/native/x/examples/Main'))).toEqual([]);
  expect(fs.existsSync(path.join(CACHE, '1003'))).toBe(true); // good entries stay
});

it('a truncated object without a sidecar is caught by the ELF structure check', () => {
  sh('g++', ['-c', 'main.cpp', '-o', OBJ]);
  fs.truncateSync(path.join(ROOT, OBJ), 300);
  const r = task(['verify', '--no-heal', OBJ]);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/dist\/native\/x\/obj\/main\.cpp\.o is corrupt: truncated: the section table ends at byte \d+, the file has 300/);
  expect(fs.existsSync(path.join(ROOT, OBJ))).toBe(true); // --no-heal leaves it
});

it('an archive made from a truncated object is caught (member check), and the object’s cache entry is evicted too', () => {
  fs.truncateSync(path.join(CACHE, '1002', LIB_OBJ), 400);
  fs.rmSync(path.join(CACHE, '1002', `${LIB_OBJ}.sha256`));
  restore('1002', LIB_OBJ);
  fs.rmSync(path.join(ROOT, ARCHIVE));
  fs.rmSync(path.join(ROOT, `${ARCHIVE}.sha256`));
  sh('gcc-ar', ['rcsD', ARCHIVE, LIB_OBJ]); // the archive task reruns (its input changed) and ar accepts it
  const r = task(['verify', ARCHIVE]);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/dist\/native\/x\/libx\.a is corrupt: member lib\.cpp\.o is damaged \(truncated: .*\)/);
  expect(fs.existsSync(path.join(CACHE, '1002'))).toBe(false);
});

it('a truncated archive is caught by the ar structure check', () => {
  sh('g++', ['-c', 'lib.cpp', '-o', LIB_OBJ]);
  sh('gcc-ar', ['rcsD', ARCHIVE, LIB_OBJ]);
  fs.truncateSync(path.join(ROOT, ARCHIVE), fs.statSync(path.join(ROOT, ARCHIVE)).size - 100);
  const r = task(['verify', '--no-heal', ARCHIVE]);
  expect(r.status).toBe(1);
  expect(r.out).toMatch(/libx\.a is corrupt: truncated: the member at byte \d+ ends at byte \d+, the file has \d+/);
});
