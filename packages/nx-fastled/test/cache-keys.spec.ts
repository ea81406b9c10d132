// Cache keys from content alone, on the embedded library with the real toolchains: hits across runs,
// checkout paths, mtimes and toolchain prefixes; misses exactly when an output can change.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileInputs } from '../src/plugin/shared-inputs';
import { HAS_AVR, makeWorkspace, openWorkspace, projectGraph, REPO_ROOT, TestWorkspace } from './support/workspace';

const LEDSTRIP = path.join(REPO_ROOT, 'libraries/LedStrip');
const BUILD = ['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2'];
const HIT = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);
const COMPILER_TARGETS = new Set(['compile', 'archive', 'link']);

type Task = { id: string; project: string; target: string; status: string };

function build(ws: TestWorkspace, env: Record<string, string> = {}): Task[] {
  const r = ws.nx(BUILD, env);
  if (r.status !== 0) throw new Error(`nx run-many failed in ${ws.root}:\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`);
  return ws.lastRun().tasks;
}

const ran = (tasks: Task[]) =>
  tasks
    .filter((t) => !HIT.has(t.status))
    .map((t) => t.id)
    .sort();
const compilerRuns = (tasks: Task[]) => tasks.filter((t) => COMPILER_TARGETS.has(t.target) && !HIT.has(t.status));

/**
 * Copies a workspace to another path: sources and config, no dist/, and of `.nx/` only the local cache's
 * index (Nx 24 keeps it in `.nx/workspace-data/*.db`; without it a cache folder gives no hits at all, which
 * is why a fresh CI runner needs the remote cache — see ci-recipe.spec.ts). No project graph, no memo files.
 */
function copyWorkspace(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = path.relative(from, src).split(path.sep);
      if (rel[0] === 'dist') return false;
      if (rel[0] !== '.nx') return true;
      return rel.length === 1 || (rel[1] === 'workspace-data' && (rel.length === 2 || /\.db(-wal|-shm)?$/.test(rel[2])));
    },
  });
}

function filesUnder(dir: string, pattern: RegExp): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (pattern.test(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('content-only cache keys (native)', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-keys-'));
  const cacheDirectory = path.join(parent, 'shared-cache');
  let ws: TestWorkspace;
  let cold: Task[];

  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: ['native'], parent: path.join(parent, 'a'), cacheDirectory });
    cold = build(ws);
  });

  it('a cold run runs every task', () => {
    expect(cold.length).toBeGreaterThan(30);
    expect(ran(cold).length).toBe(cold.length);
  });

  it('warm: a second run is 100% cache hits and runs no compiler', () => {
    const warm = build(ws);
    expect(warm.length).toBe(cold.length);
    expect(ran(warm)).toEqual([]);
    expect(compilerRuns(warm)).toEqual([]);
  });

  it('moved: the checkout copied to another absolute path hits 100% with the first cache', () => {
    const moved = path.join(parent, 'elsewhere/deeper/path/ws');
    copyWorkspace(ws.root, moved);
    const tasks = build(openWorkspace(moved, cacheDirectory));
    expect(tasks.length).toBe(cold.length);
    expect(ran(tasks)).toEqual([]);
    // Restored outputs are the same bytes.
    for (const hex of filesUnder(path.join(ws.root, 'dist/native'), /\.elf$/)) {
      const twin = path.join(moved, path.relative(ws.root, hex));
      expect(fs.readFileSync(twin).equals(fs.readFileSync(hex))).toBe(true);
    }
  });

  it('touched: new mtimes on every file, same contents: 100% hits', () => {
    const future = new Date(Date.now() + 3600_000);
    for (const f of filesUnder(path.join(ws.root, 'libraries'), /./)) fs.utimesSync(f, future, future);
    for (const f of ['nx.json', 'package.json', 'tsconfig.base.json']) fs.utimesSync(path.join(ws.root, f), future, future);
    const touched = build(ws);
    expect(ran(touched)).toEqual([]);
  });

  it('header edit: exactly the TUs that include the header rebuild (g++ -M is the reference)', () => {
    const header = 'libraries/LedStrip/src/effects/Fire.h';
    // The reference: every library and sketch TU whose preprocessed dependency list names the header.
    const show = JSON.parse(ws.nx(['show', 'projects', '--json']).stdout) as string[];
    const graph = projectGraph(ws);
    const compileProjects = show.filter((p) => p.startsWith('native/ledstrip/'));
    const mustRebuild: string[] = [];
    for (const p of compileProjects) {
      const cfg = graph.nodes[p].data;
      // Sketch TUs name their headers through named inputs of the library and example projects.
      const inputs = cfg.targets.compile ? fileInputs(cfg.targets.compile, (n) => graph.nodes[n]?.data) : [];
      const sources = inputs.filter((f) => /\.(c|cpp|ino)$/.test(f));
      if (!cfg.targets.compile) continue;
      const deps = sources.flatMap((src) => {
        const isIno = src.endsWith('.ino');
        const dir = path.dirname(src);
        const m = spawnSync(
          'g++',
          [
            '-M',
            '-std=gnu++17',
            ...(isIno ? ['-x', 'c++', '-include', 'Arduino.h', '-iquote', dir] : []),
            '-I',
            path.join(REPO_ROOT, 'packages/nx-fastled/cores/native'),
            '-I',
            'libraries/LedStrip/src',
            '-I',
            dir,
            src,
          ],
          { cwd: ws.root, encoding: 'utf8' },
        );
        return m.stdout.replace(/\\\n/g, ' ').split(/\s+/);
      });
      if (deps.includes(header)) mustRebuild.push(`${p}:compile`);
    }
    expect(mustRebuild.length).toBeGreaterThan(0);
    fs.appendFileSync(path.join(ws.root, header), '\n// a change that the hash must see\n');
    const after = build(ws);
    const rebuilt = after
      .filter((t) => t.target === 'compile' && !HIT.has(t.status))
      .map((t) => t.id)
      .sort();
    for (const must of mustRebuild) expect(rebuilt).toContain(must);
    // The scanner may over-approximate, but on this small library it must be exact.
    expect(rebuilt).toEqual(mustRebuild.sort());
  });

  it('comment-only sketch edit: the compile reruns, the link is a cache hit', () => {
    const sketch = 'libraries/LedStrip/examples/Blink/Blink.ino';
    const text = ws.read(sketch);
    const edited = text.replace(/\/\/ ?(\S)/, '// (edited) $1');
    expect(edited).not.toBe(text);
    expect(edited.split('\n').length).toBe(text.split('\n').length);
    ws.write(sketch, edited);
    const after = build(ws);
    const byId = new Map(after.map((t) => [t.id, t.status]));
    expect(byId.get('native/ledstrip/examples/Blink/Blink.ino:compile')).toBe('success');
    expect(HIT.has(byId.get('native/ledstrip/examples/Blink:link')!)).toBe(true);
    // The example's no-op `build` re-keys on its folder's files but runs no compiler.
    expect(compilerRuns(after).map((t) => t.id)).toEqual(['native/ledstrip/examples/Blink/Blink.ino:compile']);
  });

  it('adding an example and a library TU re-keys no other TU', () => {
    ws.write('libraries/LedStrip/examples/Added/Added.ino', 'void setup() {}\nvoid loop() {}\n');
    ws.write('libraries/LedStrip/src/added.cpp', 'int nxfAddedFunction(int x) { return x + 1; }\n');
    const after = build(ws);
    const compiles = after.filter((t) => t.target === 'compile');
    const fresh = compiles
      .filter((t) => !HIT.has(t.status))
      .map((t) => t.id)
      .sort();
    expect(fresh).toEqual(['native/ledstrip/examples/Added/Added.ino:compile', 'native/ledstrip/src/added.cpp:compile']);
  });

  (HAS_AVR ? it : it.skip)("adding a board (in nx-fastled.json) re-keys none of the other board's tasks", () => {
    ws.write('nx-fastled.json', JSON.stringify({ boards: ['native', 'uno'] }));
    const after = build(ws);
    const native = after.filter((t) => t.project.startsWith('native/'));
    expect(native.length).toBeGreaterThan(30);
    expect(native.filter((t) => !HIT.has(t.status))).toEqual([]);
    expect(after.filter((t) => t.project.startsWith('uno/') && !HIT.has(t.status)).length).toBeGreaterThan(20);
  });
});

(HAS_AVR ? describe : describe.skip)('content-only cache keys (uno toolchain)', () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-tc-'));
  const cacheDirectory = path.join(parent, 'cache');
  const prefix = path.join(parent, 'opt/avr-toolchain');
  /** The cold build's outputs, kept before the tests below rebuild with a changed toolchain. */
  const coldDist = path.join(parent, 'cold-dist/uno');
  let ws: TestWorkspace;
  let cold: Task[];

  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: ['uno'], parent: path.join(parent, 'a'), cacheDirectory });
    cold = build(ws);
    fs.cpSync(path.join(ws.root, 'dist/uno'), coldDist, { recursive: true });
    // The same toolchain bytes under another prefix: driver programs, gcc's private folder, the target
    // folder (binutils, avr-libc) and the Arduino core, laid out as a relocatable install.
    fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
    for (const f of fs.readdirSync('/usr/bin').filter((n) => n.startsWith('avr-'))) {
      fs.copyFileSync(fs.realpathSync(path.join('/usr/bin', f)), path.join(prefix, 'bin', f));
      fs.chmodSync(path.join(prefix, 'bin', f), 0o755);
    }
    fs.cpSync('/usr/lib/gcc/avr', path.join(prefix, 'lib/gcc/avr'), { recursive: true, dereference: true });
    fs.cpSync('/usr/lib/avr', path.join(prefix, 'lib/avr'), { recursive: true, dereference: true });
    fs.cpSync('/usr/share/arduino/hardware/arduino/avr', path.join(prefix, 'share/arduino/hardware/arduino/avr'), {
      recursive: true,
      dereference: true,
    });
  });

  const env = () => ({ NX_FASTLED_UNO_PREFIX: prefix, PATH: '/usr/local/bin:/bin' });

  it('toolchain moved: the same bytes at another prefix hit 100%', () => {
    expect(cold.length).toBeGreaterThan(40);
    const moved = build(ws, env());
    expect(ran(moved)).toEqual([]);
  });

  it('one changed byte in cc1plus: every C++ compile task misses', () => {
    const cc1plus = path.join(prefix, 'lib/gcc/avr/5.4.0/cc1plus');
    const bytes = fs.readFileSync(cc1plus);
    const at = bytes.indexOf(Buffer.from('ISO C++ forbids'));
    expect(at).toBeGreaterThan(0);
    bytes[at] = 'i'.charCodeAt(0);
    fs.writeFileSync(cc1plus, bytes);
    const after = build(ws, env());
    const cppCompiles = after.filter((t) => t.target === 'compile' && /\.(cpp|ino)$/.test(t.project));
    expect(cppCompiles.length).toBeGreaterThan(20);
    // The identity covers the whole toolchain: every compile misses, C and assembler too.
    expect(after.filter((t) => t.target === 'compile' && HIT.has(t.status))).toEqual([]);
  });

  it('an extra define in the core platform.txt: every C++ compile task misses', () => {
    const platform = path.join(prefix, 'share/arduino/hardware/arduino/avr/platform.txt');
    fs.writeFileSync(
      platform,
      fs.readFileSync(platform, 'utf8').replace(/^compiler\.cpp\.extra_flags=.*$/m, 'compiler.cpp.extra_flags=-DNXF_TEST_EXTRA=1'),
    );
    const after = build(ws, env());
    const cpp = after.filter((t) => t.target === 'compile' && /\.(cpp|ino)$/.test(t.project));
    expect(cpp.length).toBeGreaterThan(20);
    expect(cpp.filter((t) => HIT.has(t.status))).toEqual([]);
  });

  it('reproducible: two checkouts at different paths build byte-identical .o, .elf and .hex', () => {
    // Both cold, each with a cache of its own: the first checkout's outputs were kept in beforeAll.
    const other = makeWorkspace({ libraries: [LEDSTRIP], boards: ['uno'], parent: path.join(parent, 'b/c/d/e') });
    expect(ran(build(other)).length).toBe(cold.length);
    const outputs = filesUnder(coldDist, /\.(o|elf|hex|a)$/);
    expect(outputs.length).toBeGreaterThan(30);
    for (const f of outputs) {
      const rel = path.relative(coldDist, f);
      const twin = path.join(other.root, 'dist/uno', rel);
      expect({ f: rel, same: fs.readFileSync(twin).equals(fs.readFileSync(f)) }).toEqual({ f: rel, same: true });
    }
  });
});
