// Boards benchmark and oracle: how graph construction and a warm, nothing-changed run scale with the number of
// boards, what each board of Debian's arduino-core-avr admits, builds and fails, and whether Debian's
// arduino-builder 1.3.25 (the Arduino IDE 1.8.19 build engine) gives the same flash and RAM for every example.
//
//   node -r @swc-node/register tools/bench/boards.ts --library vendor/FastLED --out tools/bench/results/fastled-avr-boards
//        [--built <workspace>]   a workspace (made by this script's `--prepare`) where `nx run-many -t build` ran
//        [--timings-from <json>]...  add the timings of earlier runs of this script (graph construction measured apart)
//        [--runs <run.json>]...  the run records of that workspace's builds (default: its dist/report/run.json)
//        [--oracle <jsonl>]      arduino-builder results (tools/bench/boards-oracle.ts), one JSON object per line:
//                                { fqbn, ino (workspace-relative), rc, flash, ram, seconds }
//        [--prepare <dir> --boards uno,mega,leonardo]   only create a FastLED workspace for a build, then exit
//
// Writes <out>.json and <out>.md (write-then-rename). Timings come with the 1-minute load average before and
// after: the machine is shared, so compare figures of one run with each other, not with other runs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { admits, markerFilesAdmit, parseFilters } from '../../packages/nx-fastled/src/filters';
import { StatMemo } from '../../packages/nx-fastled/src/hashing/stat-memo';
import { discoverLibrary } from '../../packages/nx-fastled/src/library/discover';
import { ARDUINO_AVR_BOARDS } from '../../packages/nx-fastled/src/toolchain/arduino';
import { boardDefinition } from '../../packages/nx-fastled/src/toolchain/boards';
import { ProbeMemo, resolveBoard } from '../../packages/nx-fastled/src/toolchain/identity';
import { round } from './nx-run';
import { writeAtomic } from './report';
import { BenchWorkspace, createWorkspace, NX_BIN, nxEnv, snapshotNodeModules } from './workspace';

interface Timed {
  boards: number;
  label: string;
  seconds: number;
  tasks: number;
  loadAvg: [number, number];
}

function log(msg: string): void {
  process.stderr.write(`[boards ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function nx(
  ws: BenchWorkspace,
  args: string[],
  env: Record<string, string | undefined>,
): { seconds: number; status: number; out: string; loadAvg: [number, number] } {
  const load0 = os.loadavg()[0];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(NX_BIN, args, { cwd: ws.root, env: nxEnv(ws, env), encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return {
    seconds: round(seconds),
    status: r.status ?? -1,
    out: `${r.stdout}\n${r.stderr}`,
    loadAvg: [round(load0, 2), round(os.loadavg()[0], 2)],
  };
}

/** `nx run-many -t build --graph=<file>`: constructs the project and task graph, runs nothing. */
function graphTime(
  ws: BenchWorkspace,
  boards: string[],
  label: string,
): Timed & { perBoard: Record<string, { links: number; tasks: number }>; examples: number } {
  const file = path.join(path.dirname(ws.cacheDir), `graph-${boards.length}-${label}.json`);
  const r = nx(ws, ['run-many', '-t', 'build', `--graph=${file}`], { NX_FASTLED_BOARDS: boards.join(',') });
  if (r.status !== 0) throw new Error(`nx --graph (${boards.length} boards) failed: ${r.out.slice(-3000)}`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const tasks = data.tasks.tasks as Record<string, { target: { project: string; target: string } }>;
  const examples = Number(data.graph.nodes.fastled?.data?.metadata?.nxFastled?.examples ?? 0);
  const perBoard: Record<string, { links: number; tasks: number }> = {};
  for (const t of Object.values(tasks)) {
    const b = t.target.project.split('/')[0];
    if (t.target.target === 'build') continue;
    const e = (perBoard[b] ??= { links: 0, tasks: 0 });
    e.tasks++;
    if (t.target.target === 'link') e.links++;
  }
  fs.rmSync(file, { force: true });
  log(`graph ${label}, ${boards.length} boards: ${r.seconds}s, ${Object.keys(tasks).length} tasks`);
  return { boards: boards.length, label, seconds: r.seconds, tasks: Object.keys(tasks).length, loadAvg: r.loadAvg, perBoard, examples };
}

/** A warm, nothing-changed `nx run-many -t build` over already-built boards. */
function warmRun(ws: BenchWorkspace, boards: string[]): Timed & { hits: number } {
  const r = nx(ws, ['run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'], { NX_FASTLED_BOARDS: boards.join(',') });
  const record = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist/report/run.json'), 'utf8')) as { tasks: { status: string }[] };
  const hits = record.tasks.filter((t) => /cache/.test(t.status)).length;
  log(`warm ${boards.join(',')}: ${r.seconds}s, ${hits}/${record.tasks.length} hits`);
  return { boards: boards.length, label: 'warm no-op', seconds: r.seconds, tasks: record.tasks.length, hits, loadAvg: r.loadAvg };
}

/**
 * What each board admits, by the plugin's own rules (marker files, then FastLED's @filter lines against the
 * board's traits) without building a graph: the traits come from resolving the board as the plugin does.
 */
function admittedPerBoard(library: string, boards: string[]): Record<string, { links: number; tasks: number; traits: string }> {
  const files = spawnSync('git', ['-C', library, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .stdout.split('\0')
    .filter(Boolean);
  const lib = discoverLibrary('library.properties', fs.readFileSync(path.join(library, 'library.properties'), 'utf8'), files);
  const out: Record<string, { links: number; tasks: number; traits: string }> = {};
  for (const name of boards) {
    const def = boardDefinition(name, { env: process.env, homeDir: os.homedir() });
    if (!def) continue;
    const r = resolveBoard(def, { env: process.env, homeDir: os.homedir(), pluginRoot: '' }, new StatMemo(), new ProbeMemo());
    if (!r.ok) continue;
    const traits = r.recipe.traits ?? def.traits;
    let links = 0;
    for (const ex of lib.examples) {
      if (!markerFilesAdmit(ex.folderFiles, def.name).admitted) continue;
      try {
        if (admits(parseFilters(fs.readFileSync(path.join(library, ex.inoFiles[0]), 'latin1'), ex.inoFiles[0]), traits).admitted) links++;
      } catch {
        // an invalid directive is an error of that example, not admitted
      }
    }
    out[def.name] = { links, tasks: 0, traits: `${traits.platform}/${traits.family}/${traits.target}/${traits.memory}` };
  }
  return out;
}

interface BoardRow {
  board: string;
  traits?: string;
  admitted: number;
  skipped: number;
  built?: number;
  /** `count`: examples one entry stands for (those a failed library task kept from linking); 1 when absent. */
  failed?: { example: string; reason: string; count?: number }[];
  notBuilt?: string;
}

/** Per board, from a built workspace: admitted (graph), built (size.json present), failed (with the reason). */
function boardRows(
  ws: BenchWorkspace,
  perBoard: Record<string, { links: number; traits?: string }>,
  examples: number,
  runs: string[],
): BoardRow[] {
  return Object.entries(perBoard)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([board, g]) => {
      const row: BoardRow = { board, traits: g.traits, admitted: g.links, skipped: examples - g.links };
      const dir = path.join(ws.root, 'dist', board, 'fastled/examples');
      const { examples: failed, library } = failures(ws, board, runs);
      // A board whose every example failed to compile has no examples folder, but its failures are recorded.
      if (!fs.existsSync(dir) && !failed.length && !library) return { ...row, notBuilt: 'not built in this run' };
      row.built = fs.existsSync(dir) ? walk(dir).filter((f) => f.endsWith('.size.json')).length : 0;
      row.failed = failed;
      const unlinked = g.links - row.built - failed.length;
      if (library && unlinked > 0) row.failed.push({ example: `${unlinked} others`, reason: `never linked: ${library}`, count: unlinked });
      return row;
    });
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * Failed tasks of the recorded builds for that board (`dist/report/run.json`, or the run records given with
 * `--runs`: boards built in batches each leave their own), one per example, with the line that says why: the
 * library's own `#error`, the size check's "too large", a compiler or linker error, else nx-fastled's message.
 */
function failures(
  ws: BenchWorkspace,
  board: string,
  runs: string[],
): { examples: { example: string; reason: string }[]; library?: string } {
  const files = runs.length ? runs : [path.join(ws.root, 'dist/report/run.json')];
  const byExample = new Map<string, string>();
  let library: string | undefined;
  for (const file of files.filter((f) => fs.existsSync(f))) {
    const record = JSON.parse(fs.readFileSync(file, 'utf8')) as { tasks: { id: string; status: string; terminalOutput?: string }[] };
    for (const t of record.tasks) {
      if (!t.id.startsWith(`${board}/`)) continue;
      // A library or core task that failed: the examples that link it never get to their link.
      if (!t.id.includes('/examples/')) {
        if (t.status === 'failure') library = `${t.id}: ${failureReason(t.terminalOutput ?? '')}`;
        continue;
      }
      const example = exampleOfTask(t.id);
      if (t.status !== 'failure') {
        if (/:link$/.test(t.id) && /success|cache/.test(t.status)) byExample.delete(example);
        continue;
      }
      byExample.set(example, failureReason(t.terminalOutput ?? ''));
    }
  }
  const examples = [...byExample.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([example, reason]) => ({ example, reason }));
  return library ? { examples, library } : { examples };
}

/** `uno/fastled/examples/Fx/FxWave/FxWave.ino:compile` -> `Fx/FxWave`. */
function exampleOfTask(id: string): string {
  const project = id.replace(/:[^:]+$/, '');
  const rest = project
    .split('/')
    .slice(2)
    .join('/')
    .replace(/^examples\//, '');
  return rest.replace(/\/[^/]+\.(ino|pde|cpp|c|S)$/, '');
}

export function failureReason(output: string): string {
  const lines = output.split('\n').map((l) => l.trim());
  const pick = (re: RegExp) => lines.find((l) => re.test(l));
  const why =
    pick(/#error/) ??
    pick(/too large\b.*\bfor\b/) ??
    pick(/is not within region|region `?[\w.]+'? overflowed|will not fit in region/) ??
    pick(/\berror\b/) ??
    pick(/undefined reference/) ??
    pick(/nx-fastled:/) ??
    'see the log';
  return why.replace(/\s+/g, ' ').slice(0, 300);
}

interface OracleRow {
  fqbn: string;
  board: string;
  example: string;
  oracle?: { flash: number; ram: number; rc: number; seconds: number };
  ours?: { flash: number; ram: number };
  equal: boolean | null;
}

const ID_OF_FQBN: Record<string, string> = {
  'arduino:avr:uno': 'uno',
  'arduino:avr:mega:cpu=atmega2560': 'mega',
  'arduino:avr:leonardo': 'leonardo',
};

function oracleRows(ws: BenchWorkspace | undefined, jsonl: string): OracleRow[] {
  const lines = fs
    .readFileSync(jsonl, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { fqbn: string; ino: string; rc: number; flash: number | null; ram: number | null; seconds: number });
  return lines.map((o) => {
    const board = ID_OF_FQBN[o.fqbn] ?? o.fqbn;
    const rel = o.ino.replace(/^vendor\/FastLED\//, '');
    const exDir = path.dirname(rel);
    const name = path.basename(rel, '.ino');
    const sizeFile = ws && path.join(ws.root, 'dist', board, 'fastled', exDir, `${name}.size.json`);
    const ours =
      sizeFile && fs.existsSync(sizeFile) ? (JSON.parse(fs.readFileSync(sizeFile, 'utf8')) as { flash: number; ram: number }) : undefined;
    const oracle = o.flash !== null && o.ram !== null ? { flash: o.flash, ram: o.ram, rc: o.rc, seconds: o.seconds } : undefined;
    return {
      fqbn: o.fqbn,
      board,
      example: exDir,
      oracle,
      ours: ours && { flash: ours.flash, ram: ours.ram },
      equal: oracle && ours ? oracle.flash === ours.flash && oracle.ram === ours.ram : null,
    };
  });
}

function markdown(doc: BoardsReport): string {
  const lines: string[] = [];
  lines.push(`# FastLED on Debian's Arduino AVR boards (${doc.date.slice(0, 10)})`, '');
  lines.push(
    `Machine: ${doc.machine.cpus} CPUs, shared (load averages are given with each timing). Nx ${doc.nx}. FastLED: ${doc.examples} examples.`,
    '',
  );
  lines.push('## Graph construction and warm no-op', '');
  lines.push('| boards | what | seconds | tasks (cache hits) | load before → after |', '| ---: | --- | ---: | ---: | --- |');
  for (const t of doc.timings) {
    const hits = (t as Timed & { hits?: number }).hits;
    lines.push(
      `| ${t.boards} | ${t.label} | ${t.seconds} | ${t.tasks}${hits === undefined ? '' : ` (${hits})`} | ${t.loadAvg[0]} → ${t.loadAvg[1]} |`,
    );
  }
  lines.push(
    '',
    '## Boards',
    '',
    '| board | FastLED traits (platform/family/target/memory) | admitted | skipped | built | failed (reason) |',
    '| --- | --- | ---: | ---: | ---: | --- |',
  );
  for (const r of doc.boards) {
    const failed = r.failed?.length
      ? `${r.failed.reduce((n, f) => n + (f.count ?? 1), 0)}: ${r.failed.map((f) => `${f.example} (${f.reason})`).join('; ')}`
      : r.built !== undefined
        ? '0'
        : '';
    lines.push(`| ${r.board} | ${r.traits ?? ''} | ${r.admitted} | ${r.skipped} | ${r.built ?? `— (${r.notBuilt})`} | ${failed} |`);
  }
  if (doc.oracle.length) {
    const equal = doc.oracle.filter((o) => o.equal === true).length;
    lines.push('', `## Oracle: arduino-builder 1.3.25 (${equal} of ${doc.oracle.length} equal)`, '');
    lines.push('| board | example | arduino-builder flash / RAM | nx-fastled flash / RAM | equal |', '| --- | --- | --- | --- | --- |');
    for (const o of doc.oracle) {
      lines.push(
        `| ${o.board} | ${o.example} | ${o.oracle ? `${o.oracle.flash} / ${o.oracle.ram}` : 'failed'} | ${o.ours ? `${o.ours.flash} / ${o.ours.ram}` : 'not built'} | ${o.equal === null ? '—' : o.equal ? 'yes' : '**no**'} |`,
      );
    }
  }
  return lines.join('\n');
}

interface BoardsReport {
  version: 1;
  date: string;
  machine: { cpus: number; node: string };
  nx: string;
  examples: number;
  timings: Timed[];
  boards: BoardRow[];
  oracle: OracleRow[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      library: { type: 'string', default: 'vendor/FastLED' },
      out: { type: 'string' },
      built: { type: 'string' },
      oracle: { type: 'string' },
      prepare: { type: 'string' },
      boards: { type: 'string', default: 'uno,mega,leonardo' },
      'graph-boards': { type: 'string', default: `uno;uno,mega,leonardo;${ARDUINO_AVR_BOARDS.join(',')}` },
      'skip-graph': { type: 'boolean', default: false },
      warm: { type: 'boolean', default: false },
      runs: { type: 'string', multiple: true, default: [] },
      'timings-from': { type: 'string', multiple: true, default: [] },
    },
  });
  const library = path.resolve(values.library!);
  const runs = (values.runs ?? []).map((r) => path.resolve(r));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-boards-'));
  if (values.prepare) {
    const root = path.resolve(values.prepare);
    const ws = createWorkspace({
      root,
      library,
      board: values.boards!.split(',')[0],
      cacheDir: path.join(path.dirname(root), 'cache'),
      nodeModules: snapshotNodeModules(path.join(path.dirname(root), 'node_modules')),
    });
    fs.writeFileSync(path.join(ws.root, 'nx-fastled.json'), JSON.stringify({ boards: values.boards!.split(',') }, null, 2));
    log(`prepared ${ws.root}: NX_CACHE_DIRECTORY=${ws.cacheDir} npx nx run-many -t build`);
    return 0;
  }
  if (!values.out) throw new Error('--out <path without extension> is required');
  const ws = createWorkspace({
    root: path.join(tmp, 'ws'),
    library,
    board: 'uno',
    cacheDir: path.join(tmp, 'cache'),
    nodeModules: snapshotNodeModules(path.join(tmp, 'node_modules')),
  });
  const timings: Timed[] = [];
  let perBoard: Record<string, { links: number; tasks: number; traits?: string }> = {};
  let examples = discoverLibrary(
    'library.properties',
    fs.readFileSync(path.join(library, 'library.properties'), 'utf8'),
    spawnSync('git', ['-C', library, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .stdout.split('\0')
      .filter(Boolean),
  ).examples.length;
  const admitted = admittedPerBoard(library, ARDUINO_AVR_BOARDS);
  for (const set of values['skip-graph'] ? [] : values['graph-boards']!.split(';')) {
    const boards = set.split(',');
    // First: no project-graph cache, no scan cache in this workspace for these boards; second: both warm.
    const first = graphTime(ws, boards, 'graph, first');
    const { perBoard: _p, examples: _e, ...again } = graphTime(ws, boards, 'graph, again');
    const { perBoard: _q, examples: n, ...firstTimed } = first;
    timings.push(firstTimed, again);
    examples = n;
    if (Object.keys(first.perBoard).length > Object.keys(perBoard).length) perBoard = first.perBoard;
  }
  // Admitted counts from the graph where it was built, else from the plugin's rules; traits always.
  for (const [b, a] of Object.entries(admitted)) perBoard[b] = { ...a, ...(perBoard[b] ?? {}), traits: a.traits };
  // Timings measured by earlier runs of this script (their JSON), e.g. graph construction in a workspace of its own.
  // (With --warm, their warm runs are replaced by this run's.)
  for (const f of values['timings-from'] ?? [])
    timings.push(
      ...(JSON.parse(fs.readFileSync(f, 'utf8')) as BoardsReport).timings.filter((t) => !(values.warm && t.label.startsWith('warm'))),
    );
  const built = values.built
    ? { ...ws, root: path.resolve(values.built), cacheDir: path.join(path.dirname(path.resolve(values.built)), 'cache') }
    : undefined;
  if (built && values.warm) {
    const all = values.boards!.split(',');
    // The first run after the board set changed computes the plugin's graph again (its cache keeps one result)
    // and re-runs the examples' aggregate `build` tasks (their dependsOn names the boards); the second run is
    // the nothing-changed figure. Failed tasks are never cached: both re-run them.
    for (const set of [all.slice(0, 1), all])
      timings.push({ ...warmRun(built, set), label: 'warm, board set changed' }, warmRun(built, set));
  }
  const doc: BoardsReport = {
    version: 1,
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    nx: JSON.parse(fs.readFileSync(require.resolve('nx/package.json'), 'utf8')).version,
    examples,
    timings,
    boards: boardRows(built ?? ws, perBoard, examples, runs),
    oracle: values.oracle ? oracleRows(built, path.resolve(values.oracle)) : [],
  };
  writeAtomic(`${values.out}.json`, JSON.stringify(doc, null, 1) + '\n');
  writeAtomic(`${values.out}.md`, markdown(doc) + '\n');
  log(`wrote ${values.out}.json and .md`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`boards bench: ${(e as Error).message}`);
    process.exit(1);
  },
);
