// Benchmark and survey of the `test` target (simulated / native runs of a library's examples):
//
//   node -r @swc-node/register tools/bench/sim.ts --library vendor/FastLED --board uno --dir /tmp/nxf-sim
//        --json <file> [--md <file>] [--phases prep,cold,warm,speed,survey] [--compare native]
//   node -r @swc-node/register tools/bench/sim.ts --overhead 12 --dir /tmp/nxf-sim-oh --json <file>
//
// The workspace is a throwaway one under --dir (workspace.ts: the library copied to vendor/<Name>, a snapshot of
// the plugin taken when the workspace is created, a private Nx cache), so edits to the live plugin while the
// benchmark runs change nothing. Phases:
//   prep   builds every link of the board (untimed), then saves the cache (folder + Nx's index database):
//          the state "firmware built, nothing simulated";
//   cold   restores that state and runs `nx run-many -t test` over the board's examples: links hit, every test
//          runs; wall time and hit counts (from the plugin's run record, dist/report/run.json);
//   warm   the same command again: every passing test hits (a failing one is never cached by Nx);
//   speed  Blink and ColorPalette for 5 s simulated in this process: simulated cycles per wall second;
//   survey per example what its frames file says (ran, frames, LEDs per frame, serial lines, failure).
// --overhead N: the per-example cost of a test task apart from simulating: N copies of a tiny sketch at 20 ms
// simulated each (SimStrip's KnownFrames); (wall of the run that simulates them - wall of the same run all
// cached) / N.
//
// Why a saved cache state and not `--skip-nx-cache` for the cold run: Nx 24 neither reads nor writes the cache
// under --skip-nx-cache (task-orchestrator postRunSteps), so the "warm" run after it found nothing (0/30).
// And never `--exclude-task-dependencies` for one of the two runs only: without the link in the task graph,
// `dependentTasksOutputFiles` contributes nothing to a test's key, so the two runs' keys differ.
// Use a fresh --dir per plugin version; run it niced on a shared machine. Ratios, not absolute times, travel.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { runTestJob } from '../../packages/nx-fastled/src/cli/test-command';
import { compareFrames, parseFrames, showsOf, FramesFile } from '../../packages/nx-fastled/src/sim';
import { BenchWorkspace, createWorkspace, nxEnv, NX_BIN, REPO_ROOT, snapshotNodeModules } from './workspace';

interface Row {
  example: string;
  ok: boolean;
  ranMs: number | null;
  shows: number;
  distinct: number;
  leds: string;
  firstFrameMs: number | null;
  serialLines: number;
  failure: string;
}

function survey(root: string, board: string, lib: string): Row[] {
  const base = path.join(root, 'dist', board, lib, 'examples');
  const rows: Row[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const n of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, n);
      if (fs.statSync(p).isDirectory()) walk(p);
      else if (n.endsWith('.frames.json')) {
        const f: FramesFile = parseFrames(fs.readFileSync(p, 'utf8'), p);
        rows.push({
          example: path.relative(base, dir),
          ok: f.ok,
          ranMs: f.ranMs,
          shows: f.strips.reduce((k, s) => k + s.frames.reduce((m, e) => m + showsOf(e), 0), 0),
          distinct: f.strips.reduce((k, s) => k + s.frames.length, 0),
          leds: f.strips.map((s) => `${s.leds}@${s.pin}`).join(' + ') || '-',
          firstFrameMs: f.strips[0]?.frames[0]?.[0] ?? null,
          serialLines: (f.serial + f.stderr).split('\n').filter((l) => l.trim()).length,
          failure: f.failure?.message ?? '',
        });
      }
    }
  };
  walk(base);
  return rows;
}

interface NxRun {
  seconds: number;
  status: number | null;
  loadavg: number[];
  /** test tasks by status (the plugin's run record), and all tasks by status */
  tests: Record<string, number>;
  all: Record<string, number>;
  tail: string;
}

function nx(ws: BenchWorkspace, args: string[], testTarget = 'test'): NxRun {
  const loadavg = os.loadavg();
  const t = Date.now();
  const r = spawnSync('nice', ['-n', '10', NX_BIN, ...args], {
    cwd: ws.root,
    encoding: 'utf8',
    env: nxEnv(ws),
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = (Date.now() - t) / 1000;
  const tests: Record<string, number> = {};
  const all: Record<string, number> = {};
  try {
    const run = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/report/run.json'), 'utf8')) as {
      tasks: { target: string; status: string }[];
    };
    for (const t of run.tasks) {
      all[t.status] = (all[t.status] ?? 0) + 1;
      if (t.target === testTarget) tests[t.status] = (tests[t.status] ?? 0) + 1;
    }
  } catch {
    // no run record: the counts stay empty and the tail says why
  }
  return { seconds, status: r.status, loadavg, tests, all, tail: (r.stdout + r.stderr).split('\n').slice(-8).join('\n') };
}

/** The cache state (cache folder and Nx's index databases) saved after prep, restored before each cold run. */
function saveState(ws: BenchWorkspace, dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(ws.cacheDir, path.join(dir, 'cache'), { recursive: true });
  fs.cpSync(path.join(ws.root, '.nx/workspace-data'), path.join(dir, 'workspace-data'), { recursive: true });
}
function restoreState(ws: BenchWorkspace, dir: string): void {
  fs.rmSync(ws.cacheDir, { recursive: true, force: true });
  fs.cpSync(path.join(dir, 'cache'), ws.cacheDir, { recursive: true });
  fs.rmSync(path.join(ws.root, '.nx/workspace-data'), { recursive: true, force: true });
  fs.cpSync(path.join(dir, 'workspace-data'), path.join(ws.root, '.nx/workspace-data'), { recursive: true });
  // outputs of earlier runs would be "existing outputs match the cache" hits: start from the firmware only
  for (const f of walkFiles(path.join(ws.root, 'dist'))) if (f.endsWith('.frames.json')) fs.rmSync(f);
}
function walkFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function openWorkspace(dir: string, library: string, board: string, nxJson?: object): BenchWorkspace {
  const root = path.join(dir, 'ws');
  const cacheDir = path.join(dir, 'nx-cache');
  const nodeModules = path.join(dir, 'node_modules');
  const libName = path.basename(path.resolve(library));
  if (fs.existsSync(path.join(root, 'nx.json'))) return { root, cacheDir, nodeModules, libName, board };
  snapshotNodeModules(nodeModules);
  const ws = createWorkspace({ root, library, board, cacheDir, nodeModules });
  if (nxJson) fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify(nxJson, null, 2));
  return ws;
}

/** Per-example cost of a test task apart from simulating: n tiny examples, 20 ms simulated each. */
function overhead(dir: string, n: number, board: string): Record<string, unknown> {
  const lib = path.join(dir, 'OverheadLib');
  if (!fs.existsSync(lib)) {
    const fixture = path.join(REPO_ROOT, 'packages/nx-fastled/test/fixtures/libs/SimStrip');
    fs.cpSync(fixture, lib, { recursive: true, filter: (src) => !/[/\\]examples[/\\]/.test(src) || /KnownFrames/.test(src) });
    fs.writeFileSync(
      path.join(lib, 'library.properties'),
      fs.readFileSync(path.join(fixture, 'library.properties'), 'utf8').replace(/^name=.*$/m, 'name=OverheadLib'),
    );
    const known = path.join(lib, 'examples/KnownFrames');
    for (let i = 0; i < n; i++) {
      const to = path.join(lib, `examples/Copy${String(i).padStart(2, '0')}`);
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(path.join(known, 'KnownFrames.ino'), path.join(to, `Copy${String(i).padStart(2, '0')}.ino`));
    }
    fs.rmSync(known, { recursive: true });
  }
  const ws = openWorkspace(dir, lib, board, {
    useDaemonProcess: false,
    plugins: [{ plugin: 'nx-fastled', options: { boards: [board], test: { simulatedMs: 20 } } }],
  });
  const state = path.join(dir, 'state');
  if (!fs.existsSync(state)) {
    const prep = nx(ws, ['run-many', '-t', 'link', '--parallel=2', '--outputStyle=static']);
    if (prep.status !== 0) throw new Error(`overhead prep failed:\n${prep.tail}`);
    saveState(ws, state);
  }
  // Per example: (test tasks run - the same run all cached) / n, so Nx's own start and graph drop out.
  const runs = [1, 2].map((parallel) => {
    restoreState(ws, state);
    const args = ['run-many', '-t', 'test', `--parallel=${parallel}`, '--outputStyle=static'];
    const cold = nx(ws, args);
    const warm = nx(ws, args);
    const ran = cold.tests.success ?? 0;
    const perExampleSeconds = ran === n ? Math.round(((cold.seconds - warm.seconds) / n) * 1000) / 1000 : null;
    return { parallel, examples: n, cold, warm, perExampleSeconds };
  });
  return { board, simulatedMsPerExample: 20, runs };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      board: { type: 'string', default: 'uno' },
      library: { type: 'string', default: 'vendor/FastLED' },
      dir: { type: 'string' },
      json: { type: 'string' },
      md: { type: 'string' },
      phases: { type: 'string', default: 'prep,cold,warm,speed,survey' },
      compare: { type: 'string' },
      overhead: { type: 'string' },
      // a subset of the examples (comma-separated example paths), e.g. for an A/B of two plugin versions
      examples: { type: 'string' },
    },
  });
  const board = values.board!;
  const dir = path.resolve(values.dir ?? path.join(os.tmpdir(), `nxf-sim-${board}`));
  const result: Record<string, unknown> = { board, date: new Date().toISOString(), cpus: os.cpus().length, loadavgAtStart: os.loadavg() };
  if (values.overhead) {
    result.overhead = overhead(dir, Number(values.overhead), board);
    result.loadavgAtEnd = os.loadavg();
    if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1) + '\n');
    process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
    return;
  }
  const ws = openWorkspace(dir, values.library!, board);
  const lib = ws.libName.toLowerCase();
  result.library = lib;
  const phases = new Set(values.phases!.split(','));
  const state = path.join(dir, 'state');
  const projects = values.examples
    ? values.examples
        .split(',')
        .map((e) => `test/${board}/${lib}/examples/${e}`)
        .join(',')
    : `test/${board}/${lib}/**`;
  if (phases.has('prep')) {
    const prep = nx(ws, ['run-many', '-t', 'link', '--parallel=2', '--outputStyle=static']);
    result.prep = { seconds: prep.seconds, status: prep.status, all: prep.all };
    saveState(ws, state);
  }
  if (phases.has('cold')) {
    restoreState(ws, state);
    result.cold = nx(ws, ['run-many', '-t', 'test', '-p', projects, '--parallel=2', '--outputStyle=static']);
  }
  if (phases.has('warm')) result.warm = nx(ws, ['run-many', '-t', 'test', '-p', projects, '--parallel=2', '--outputStyle=static']);
  if (phases.has('speed') && board !== 'native') {
    const exDir = path.join(ws.root, 'dist', board, lib, 'examples');
    const picks = ['Blink', 'ColorPalette'].filter((e) => fs.existsSync(path.join(exDir, e, `${e}.hex`)));
    result.simulatorSpeed = picks.map((e) => {
      const loadavg = os.loadavg();
      const o = runTestJob({
        board,
        runner: 'avr',
        mcu: 'atmega328p',
        clock: '16000000',
        ms: '5000',
        firmware: path.join(exDir, e, `${e}.hex`),
        elf: path.join(exDir, e, `${e}.elf`),
        out: path.join(dir, `speed-${e}.frames.json`),
      });
      return {
        example: e,
        cycles: o.cycles,
        wallMs: Math.round(o.wallMs),
        mhz: Math.round((o.cycles / o.wallMs / 1000) * 100) / 100,
        loadavg,
      };
    });
  }
  const rows = phases.has('survey') ? survey(ws.root, board, lib) : [];
  result.examples = rows;
  if (values.compare) {
    // Same examples on another board (e.g. native), from another bench dir's workspace or this one.
    const other = values.compare;
    const otherRoot = fs.existsSync(path.join(ws.root, 'dist', other)) ? ws.root : path.join(os.tmpdir(), `nxf-sim-${other}`, 'ws');
    result.comparison = rows.map((r) => {
      const name = path.basename(r.example);
      const a = path.join(ws.root, 'dist', board, lib, 'examples', r.example, `${name}.frames.json`);
      const b = path.join(otherRoot, 'dist', other, lib, 'examples', r.example, `${name}.frames.json`);
      if (!fs.existsSync(b)) return { example: r.example, other: 'not run' };
      const c = compareFrames(parseFrames(fs.readFileSync(a, 'utf8')), parseFrames(fs.readFileSync(b, 'utf8')));
      return { example: r.example, ...c };
    });
  }
  result.loadavgAtEnd = os.loadavg();
  const md = [
    `| example | ran | show()s (distinct) | LEDs per frame @ pin | first frame (ms) | serial lines | failure |`,
    `| --- | --- | --- | --- | --- | --- | --- |`,
    ...rows.map(
      (r) =>
        `| ${r.example} | ${r.ok ? 'ok' : 'FAILED'}${r.ranMs !== null ? ` (${r.ranMs} ms)` : ''} | ${r.shows} (${r.distinct}) | ${r.leds} | ${r.firstFrameMs ?? '-'} | ${r.serialLines} | ${r.failure.replace(/\|/g, '\\|')} |`,
    ),
  ].join('\n');
  if (values.json) fs.writeFileSync(values.json, JSON.stringify(result, null, 1) + '\n');
  if (values.md) fs.writeFileSync(values.md, md + '\n');
  process.stdout.write(`${JSON.stringify({ ...result, examples: rows.length }, null, 1)}\n${md}\n`);
}

main();
