// `nx affected -t build` over real git commits: Nx 24 selects tasks (not projects) whose inputs a change
// reaches, plus what they depend on; the content hashes then decide what runs. For each commit the test
// reads the run record (dist/report/run.json) and checks which tasks ran (status `success`) and which were
// only selected (cache hits). Also the FastLED shape: the library at the workspace root.
//
// The plugin is copied once per test file (see freezePlugin): the sketch and link tasks hash nx-fastled's
// own code, and others editing the package during the run must not re-key the warm cache.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HAS_AVR, makeWorkspace, openWorkspace, REPO_ROOT, TestWorkspace } from './support/workspace';

jest.setTimeout(900_000);

const LEDSTRIP = path.join(REPO_ROOT, 'libraries/LedStrip');
const BOARDS = HAS_AVR ? ['native', 'uno'] : ['native'];
if (!HAS_AVR) console.warn('affected.spec: avr-g++ or the Arduino AVR core is missing; native board only');

type RunTask = { id: string; project: string; target: string; status: string };

/** A snapshot of nx-fastled and a node_modules that resolves `nx-fastled` to it (everything else: the repo's). */
function freezePlugin(dir: string): string {
  const pkg = path.join(dir, 'packages/nx-fastled');
  const source = path.join(REPO_ROOT, 'packages/nx-fastled');
  fs.mkdirSync(pkg, { recursive: true });
  for (const e of fs.readdirSync(source)) {
    if (e !== 'test' && e !== 'node_modules') fs.cpSync(path.join(source, e), path.join(pkg, e), { recursive: true });
  }
  const nodeModules = path.join(dir, 'node_modules');
  fs.mkdirSync(nodeModules);
  for (const e of fs.readdirSync(path.join(REPO_ROOT, 'node_modules'))) {
    if (e !== 'nx-fastled') fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', e), path.join(nodeModules, e));
  }
  fs.symlinkSync(pkg, path.join(nodeModules, 'nx-fastled'));
  return nodeModules;
}

function git(root: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    ['-c', 'user.name=nx-fastled', '-c', 'user.email=test@example.invalid', '-c', 'commit.gpgsign=false', ...args],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout.trim();
}

function edit(ws: TestWorkspace, rel: string, from: string | RegExp, to: string): void {
  const text = ws.read(rel);
  const next = text.replace(from, to);
  if (next === text) throw new Error(`${rel}: nothing to replace`);
  ws.write(rel, next);
}

/** Commits the working tree, runs `nx affected -t build` over that one commit, returns selected and ran tasks. */
function commitAndRunAffected(ws: TestWorkspace, message: string): { selected: RunTask[]; ran: string[] } {
  const base = git(ws.root, 'rev-parse', 'HEAD');
  git(ws.root, 'add', '-A');
  git(ws.root, 'commit', '-q', '-m', message);
  const head = git(ws.root, 'rev-parse', 'HEAD');
  fs.rmSync(path.join(ws.root, 'dist/report/run.json'), { force: true });
  const r = ws.nx(['affected', '-t', 'build', `--base=${base}`, `--head=${head}`, '--outputStyle=static']);
  if (r.status !== 0) throw new Error(`nx affected failed:\n${r.stdout}\n${r.stderr}`);
  // With nothing selected Nx still calls postTasksExecution, with no tasks.
  const selected = fs.existsSync(path.join(ws.root, 'dist/report/run.json')) ? ws.lastRun().tasks : [];
  for (const t of selected) {
    if (!['success', 'local-cache', 'local-cache-kept-existing'].includes(t.status)) throw new Error(`${t.id}: ${t.status}`);
  }
  const ran = selected
    .filter((t) => t.status === 'success')
    .map((t) => t.id)
    .sort();
  console.log(`affected, ${message}: ${selected.length} tasks selected, ${ran.length} ran: ${ran.join(' ')}`);
  return { selected, ran };
}

/** The no-op `build` targets (library and example) run whenever their hash moves; they do no work. */
const work = (ids: string[]) => ids.filter((id) => !id.endsWith(':build'));

function fullBuild(ws: TestWorkspace): RunTask[] {
  const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
  if (r.status !== 0) throw new Error(`nx run-many failed:\n${r.stdout}\n${r.stderr}`);
  return ws.lastRun().tasks;
}

describe('nx affected with real commits (libraries/LedStrip)', () => {
  let ws: TestWorkspace;
  let all: RunTask[];
  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: BOARDS });
    const nodeModules = freezePlugin(path.join(path.dirname(ws.root), 'frozen'));
    fs.rmSync(path.join(ws.root, 'node_modules'));
    fs.symlinkSync(nodeModules, path.join(ws.root, 'node_modules'));
    ws.write('libraries/LedStrip/README.md', '# LedStrip\n');
    git(ws.root, 'init', '-q', '-b', 'main');
    git(ws.root, 'add', '-A');
    git(ws.root, 'commit', '-q', '-m', 'init');
    all = fullBuild(ws);
    expect(all.every((t) => t.status === 'success')).toBe(true);
    // Warm: a second full run restores everything.
    expect(fullBuild(ws).every((t) => t.status.startsWith('local-cache'))).toBe(true);
  });

  it('(a) an example sketch edit runs that sketch compile and link per board, and nothing else', () => {
    edit(ws, 'libraries/LedStrip/examples/Blink/Blink.ino', 'delay(500)', 'delay(250)');
    const { selected, ran } = commitAndRunAffected(ws, 'Blink: shorter delay');
    expect(work(ran)).toEqual(
      BOARDS.flatMap((b) => [`${b}/ledstrip/examples/Blink/Blink.ino:compile`, `${b}/ledstrip/examples/Blink:link`]).sort(),
    );
    expect(ran).toContain('ledstrip/Blink:build');
    // Only Blink's chain is selected: its build, its links and their dependencies (core and library archives).
    expect(
      selected
        .filter((t) => t.target === 'link')
        .map((t) => t.id)
        .sort(),
    ).toEqual(BOARDS.map((b) => `${b}/ledstrip/examples/Blink:link`));
    expect(selected.filter((t) => t.target === 'build').map((t) => t.id)).toEqual(['ledstrip/Blink:build']);
    // Project graph edges (createDependencies) select nothing more: of all sketch compiles, Blink's alone per board.
    expect(
      selected
        .filter((t) => t.target === 'compile' && t.id.includes('/examples/'))
        .map((t) => t.id)
        .sort(),
    ).toEqual(BOARDS.map((b) => `${b}/ledstrip/examples/Blink/Blink.ino:compile`).sort());
  });

  it('(b) a library header edit runs the TUs that include it, the library archive and the links', () => {
    // Fire.h is included by effects/Fire.cpp and by the Effects/Fire sketch only. A new member changes
    // Fire.cpp's object, so the archive changes, so every link of the board relinks.
    edit(ws, 'libraries/LedStrip/src/effects/Fire.h', '  uint8_t *heat_;\n', '  uint8_t *heat_;\n  uint8_t spare_ = 0;\n');
    const { selected, ran } = commitAndRunAffected(ws, 'Fire.h: a new member');
    const links = all.filter((t) => t.target === 'link').map((t) => t.id);
    const expected = [
      ...BOARDS.flatMap((b) => [
        `${b}/ledstrip/src/effects/Fire.cpp:compile`,
        `${b}/ledstrip/examples/Effects/Fire/Fire.ino:compile`,
        `${b}/ledstrip:archive`,
      ]),
      ...links,
    ].sort();
    expect(work(ran)).toEqual(expected);
    // Every link is selected (the archive they read may have changed); the other TUs are selected as their
    // dependencies and are cache hits.
    expect(
      selected
        .filter((t) => t.target === 'link')
        .map((t) => t.id)
        .sort(),
    ).toEqual([...links].sort());
  });

  it('(c) a README edit runs no compile, archive or link', () => {
    ws.write('libraries/LedStrip/README.md', '# LedStrip\n\nA tiny LED strip library.\n');
    const { selected, ran } = commitAndRunAffected(ws, 'README');
    expect(work(ran)).toEqual([]);
    // Today the README is an input of the library's no-op build (default inputs: {projectRoot}/**/*), so
    // that no-op "runs" and pulls every task of the library into the selection, all cache hits.
    // See docs/AFFECTED.md: with explicit inputs on the no-op builds nothing would be selected.
    expect(ran.every((id) => id === 'ledstrip:build')).toBe(true);
    expect(selected.length === 0 || selected.length === all.length).toBe(true);
  });

  it('a submodule-style path change Nx cannot see is caught with --files', () => {
    // `nx affected --files` takes the changed paths directly (the recipe for submodule pointer bumps).
    edit(ws, 'libraries/LedStrip/examples/Effects/Twinkle/Twinkle.ino', 'delay(30)', 'delay(40)');
    const r = ws.nx(['affected', '-t', 'build', '--files=libraries/LedStrip/examples/Effects/Twinkle/Twinkle.ino', '--outputStyle=static']);
    expect(r.status).toBe(0);
    const ran = ws
      .lastRun()
      .tasks.filter((t) => t.status === 'success')
      .map((t) => t.id);
    expect(work(ran).sort()).toEqual(
      BOARDS.flatMap((b) => [
        `${b}/ledstrip/examples/Effects/Twinkle/Twinkle.ino:compile`,
        `${b}/ledstrip/examples/Effects/Twinkle:link`,
      ]).sort(),
    );
  });
});

describe('a library at the workspace root (FastLED adopting nx-fastled in its own repository)', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-rootlib-'));
    const root = path.join(parent, 'ws');
    fs.mkdirSync(root);
    for (const e of fs.readdirSync(LEDSTRIP)) fs.cpSync(path.join(LEDSTRIP, e), path.join(root, e), { recursive: true });
    fs.writeFileSync(path.join(root, 'README.md'), '# LedStrip\n');
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'ledstrip-repo', private: true }, null, 2));
    fs.writeFileSync(path.join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: {} }, null, 2));
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
    fs.writeFileSync(
      path.join(root, 'nx.json'),
      JSON.stringify({ useDaemonProcess: false, plugins: [{ plugin: 'nx-fastled', options: { boards: ['native'] } }] }, null, 2),
    );
    fs.symlinkSync(freezePlugin(path.join(parent, 'frozen')), path.join(root, 'node_modules'));
    ws = openWorkspace(root, path.join(parent, 'nx-cache'));
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'init');
  });

  it('discovers the root library and its examples', () => {
    const r = ws.nx(['show', 'project', 'ledstrip', '--json']);
    expect(r.status).toBe(0);
    const lib = JSON.parse(r.stdout);
    expect(lib.root).toBe('.');
    expect(lib.tags).toContain('nx-fastled:library');
    const names: string[] = JSON.parse(ws.nx(['show', 'projects', '--json']).stdout);
    expect(names).toEqual(
      expect.arrayContaining([
        'ledstrip/Blink',
        'ledstrip/Effects/Fire',
        'native/ledstrip/src/LedStrip.cpp',
        'native/ledstrip/examples/Blink',
      ]),
    );
  });

  it('affected: a sketch edit runs its compile and link; a README edit runs no compile, archive or link', () => {
    const all = fullBuild(ws);
    expect(all.every((t) => t.status === 'success')).toBe(true);
    edit(ws, 'examples/Blink/Blink.ino', 'delay(500)', 'delay(250)');
    const a = commitAndRunAffected(ws, 'root: Blink');
    expect(work(a.ran)).toEqual(['native/ledstrip/examples/Blink/Blink.ino:compile', 'native/ledstrip/examples/Blink:link']);
    ws.write('README.md', '# LedStrip\n\nat the root\n');
    const c = commitAndRunAffected(ws, 'root: README');
    expect(work(c.ran)).toEqual([]);
  });
});
