// Real Arduino libraries built two ways, for docs/LIBRARIES.md: nx-fastled (uno and native) against an
// independent reference that follows arduino-cli's resolution rules, Debian's arduino-builder 1.3.25 (the
// Arduino IDE 1.8.19 build engine: its library detector, priorities and link are the ones arduino-cli grew
// from). The libraries are never part of this repository: give a folder holding them (fetched checkouts).
//
//   node -r @swc-node/register tools/libraries/reference-build.ts --libraries <dir> --work <scratch dir>
//        --json tools/bench/results/libraries-real.json [--md <file>] [--jobs 2] [--nice 19] [--boards uno,native]
//        [--no-reference] [--no-nx] [--render-only] [--doc docs/LIBRARIES.md]
//        [--workspace <existing Nx workspace holding libraries/<dir>> --cache <its NX_CACHE_DIRECTORY>]
//
// Examples are the folders below each library's `examples/` that hold `<folder>.ino` (arduino-cli's sketch
// rule). The reference's answers are kept in `<work>/reference.jsonl` (one JSON object per example) so an
// interrupted run resumes; nx-fastled's come from its `dist/report/report.json`. Both run niced (the machine
// is shared): arduino-builder `nice -n 19` (`--nice <n>`), Nx `nice -n 10`, each Nx run with its own cache
// directory.
//
// JSON: { libraries: [{ dir, name, version, commit?, depends, examples }], rows: [{ library, example,
// reference: Outcome, uno: Outcome, native: Outcome, equal?: boolean }], totals, load }, where an Outcome is
// { status: built|skipped|failed|absent, flash?, ram?, reason? }.
import { arduinoBuilderArgs, builderSizes } from '../oracle/arduino-builder';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { snapshotNodeModules } from '../bench/workspace';

const REPO_ROOT = path.resolve(__dirname, '../..');

type Status = 'built' | 'skipped' | 'failed' | 'absent';
interface Outcome {
  status: Status;
  flash?: number;
  ram?: number;
  reason?: string;
}
interface LibraryInfo {
  dir: string;
  name: string;
  version: string;
  depends: string;
  commit?: string;
  examples: string[];
}
interface Row {
  library: string;
  /** Relative to the library's examples/ folder. */
  example: string;
  reference?: Outcome;
  boards: Record<string, Outcome>;
  /** uno flash and RAM equal to the reference's (both built). */
  equal?: boolean;
}
interface Result {
  generatedAt: string;
  host: { cpus: number; loadBefore: number[]; loadAfter: number[] };
  reference: string;
  libraries: LibraryInfo[];
  rows: Row[];
  seconds: { reference?: number; nx?: Record<string, number> };
  /** What was measured when, if the columns come from different runs. */
  note?: string;
}

function readProps(file: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const i = line.indexOf('=');
    if (i > 0 && !line.trimStart().startsWith('#')) m.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return m;
}

/** Folders below `examples/` holding `<folder>.ino`, relative to `examples/`, sorted. */
function examplesOf(libDir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(libDir, 'examples', rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    if (rel && entries.some((e) => e.isFile() && e.name === `${path.basename(rel)}.ino`)) out.push(rel);
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) walk(rel ? `${rel}/${e.name}` : e.name);
  };
  walk('');
  return out.sort();
}

function listLibraries(dir: string): LibraryInfo[] {
  return fs
    .readdirSync(dir)
    .sort()
    .filter((d) => fs.existsSync(path.join(dir, d, 'library.properties')))
    .map((d) => {
      const props = readProps(path.join(dir, d, 'library.properties'));
      const commitFile = path.join(dir, d, '.commit');
      return {
        dir: d,
        name: props.get('name') ?? d,
        version: props.get('version') ?? '',
        depends: props.get('depends') ?? '',
        ...(fs.existsSync(commitFile) ? { commit: fs.readFileSync(commitFile, 'utf8').trim() } : {}),
        examples: examplesOf(path.join(dir, d)),
      };
    });
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function pool<T>(items: T[], jobs: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, jobs) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/** The first line that says why a build failed: `#error`, a missing header, a compiler error, a size overflow. */
function firstCause(out: string): string {
  const lines = out.split('\n');
  const pick = (re: RegExp) => lines.find((l) => re.test(l));
  const line =
    pick(/#error/) ??
    pick(/fatal error:/) ??
    pick(/\berror:/) ??
    pick(/Sketch too big|not enough memory|overflowed|will not fit/i) ??
    pick(/undefined reference/) ??
    lines.filter(Boolean).slice(-1)[0] ??
    '';
  return line.replace(/\s+/g, ' ').trim().slice(0, 240);
}

async function referenceBuild(
  libsDir: string,
  work: string,
  libs: LibraryInfo[],
  jobs: number,
  niceness: string,
): Promise<Map<string, Outcome>> {
  const store = path.join(work, 'reference.jsonl');
  const done = new Map<string, Outcome>();
  if (fs.existsSync(store)) {
    for (const line of fs.readFileSync(store, 'utf8').split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as { key: string; outcome: Outcome };
      // Causes name files relative to the libraries folder (older lines kept its last path segment).
      const stale = `${path.basename(libsDir)}/`;
      if (r.outcome.reason?.startsWith(stale)) r.outcome.reason = r.outcome.reason.slice(stale.length);
      done.set(r.key, r.outcome);
    }
  }
  const cache = path.join(work, 'reference-cache');
  fs.mkdirSync(cache, { recursive: true });
  // __FILE__ is the sketch's (and a library source's) path as the builder was given it; nx-fastled's is
  // workspace-relative (`libraries/<dir>/...`). A copy of the libraries at a path as long as `libraries`
  // makes the strings equally long, so sketches that print __FILE__ (DallasTemperature's) compare equal.
  const mirror = equalLengthCopy(libsDir, 'libraries'.length);
  const todo = libs.flatMap((l) => l.examples.map((e) => ({ lib: l, ex: e, key: `${l.dir}/${e}` }))).filter((t) => !done.has(t.key));
  let n = 0;
  await pool(todo, jobs, async ({ lib, ex, key }) => {
    const buildPath = path.join(work, 'reference', lib.dir, ex);
    fs.rmSync(buildPath, { recursive: true, force: true });
    fs.mkdirSync(buildPath, { recursive: true });
    const sketch = path.join(mirror, lib.dir, 'examples', ex, `${path.basename(ex)}.ino`);
    const r = await run(
      'nice',
      ['-n', niceness, 'arduino-builder', ...arduinoBuilderArgs({ fqbn: 'arduino:avr:uno', libraries: mirror, buildPath, cache, sketch })],
      {},
    );
    const { flash, ram } = builderSizes(r.out);
    const outcome: Outcome =
      r.code === 0 && flash !== undefined
        ? { status: 'built', flash, ...(ram !== undefined ? { ram } : {}) }
        : { status: 'failed', reason: firstCause(r.out.split(`${mirror}/`).join('')) };
    done.set(key, outcome);
    fs.appendFileSync(store, JSON.stringify({ key, outcome }) + '\n');
    fs.rmSync(buildPath, { recursive: true, force: true });
    console.error(`reference ${++n}/${todo.length} ${key}: ${outcome.status} ${outcome.flash ?? ''} ${outcome.reason ?? ''}`);
  });
  fs.rmSync(mirror, { recursive: true, force: true });
  return done;
}

/** A copy of `dir` at `/tmp/<name>` whose path is exactly `length` characters long. */
function equalLengthCopy(dir: string, length: number): string {
  const room = length - '/tmp/'.length;
  if (room < 1) throw new Error(`no /tmp path of ${length} characters`);
  for (let i = 0; i < 1000; i++) {
    const name = Math.random()
      .toString(36)
      .slice(2, 2 + room)
      .padEnd(room, 'x');
    const p = `/tmp/${name}`;
    try {
      fs.mkdirSync(p);
    } catch {
      continue;
    }
    fs.cpSync(dir, p, { recursive: true });
    return p;
  }
  throw new Error('could not make a /tmp folder for the libraries copy');
}

/** A throwaway Nx workspace holding copies of the libraries under `libraries/`, nx-fastled registered. */
function makeWorkspace(libsDir: string, root: string, libs: LibraryInfo[], boards: string[]): void {
  if (!fs.existsSync(root)) {
    fs.mkdirSync(path.join(root, 'libraries'), { recursive: true });
    for (const l of libs) fs.cpSync(path.join(libsDir, l.dir), path.join(root, 'libraries', l.dir), { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'libraries-ws', private: true }, null, 2));
    fs.writeFileSync(path.join(root, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: {} }, null, 2));
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
    // A snapshot of the plugin (as the benchmarks take it): edits to the live plugin during a long run
    // must not re-key or break its tasks halfway.
    fs.symlinkSync(snapshotNodeModules(path.join(path.dirname(root), 'node_modules')), path.join(root, 'node_modules'));
  }
  fs.writeFileSync(
    path.join(root, 'nx.json'),
    JSON.stringify(
      { useDaemonProcess: false, neverConnectToCloud: true, plugins: [{ plugin: 'nx-fastled', options: { boards } }] },
      null,
      2,
    ),
  );
}

interface ReportJson {
  entries: {
    example: string;
    board: string;
    root?: string;
    link: { outcome: string; task: string };
    compile: { tasks: string[]; counts: { failed: number } };
    size?: { flash: number; ram: number };
  }[];
  skips?: { example: string; board: string; reason: string; root?: string }[];
  failures: { id: string; project: string; reason?: string[] }[];
}

async function nxBuild(
  work: string,
  libsDir: string,
  libs: LibraryInfo[],
  boards: string[],
  jobs: number,
  existing?: { root: string; cache: string },
): Promise<{ report: ReportJson; seconds: number; deps: Record<string, { target: string }[]> }> {
  // An existing workspace (from an earlier run, with its cache) is built as it is: only what changed reruns.
  const root = existing?.root ?? path.join(work, 'ws');
  if (!existing) makeWorkspace(libsDir, root, libs, boards);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_CACHE_DIRECTORY: existing?.cache ?? path.join(work, 'nx-cache'),
    NX_TUI: 'false',
    CI: 'true',
    NX_FASTLED_BOARDS: boards.join(','),
  };
  const t0 = Date.now();
  const r = await run(
    'nice',
    ['-n', '10', path.join(REPO_ROOT, 'node_modules/.bin/nx'), 'run-many', '-t', 'build', `--parallel=${jobs}`, '--outputStyle=static'],
    {
      cwd: root,
      env,
    },
  );
  const seconds = (Date.now() - t0) / 1000;
  fs.writeFileSync(path.join(work, `nx-${boards.join('-')}.log`), r.out);
  const reportFile = path.join(root, 'dist/report/report.json');
  if (!fs.existsSync(reportFile)) throw new Error(`nx-fastled wrote no report (exit ${r.code}); see ${work}/nx-${boards.join('-')}.log`);
  // The project graph says which archives (and so which library TUs) each link depends on: a failed library
  // TU is the cause of every example whose link it kept from running.
  const graphFile = path.join(work, 'graph.json');
  const g = await run(path.join(REPO_ROOT, 'node_modules/.bin/nx'), ['graph', `--file=${graphFile}`], { cwd: root, env });
  if (g.code !== 0) throw new Error(`nx graph failed:\n${g.out}`);
  const graph = JSON.parse(fs.readFileSync(graphFile, 'utf8')) as { graph: { dependencies: Record<string, { target: string }[]> } };
  return { report: JSON.parse(fs.readFileSync(reportFile, 'utf8')) as ReportJson, seconds, deps: graph.graph.dependencies };
}

/** Per board and `libraries/<dir>/examples/<ex>` root: what nx-fastled did. */
function nxOutcomes(report: ReportJson, deps: Record<string, { target: string }[]>): Map<string, Outcome> {
  const out = new Map<string, Outcome>();
  const failed = new Map(report.failures.map((f) => [f.project, f]));
  /** The failed tasks a link depends on (its own TUs first, then the libraries' it links), first cause each. */
  const causes = (linkProject: string): string[] => {
    const seen = new Set<string>();
    const queue = [linkProject];
    const found: string[] = [];
    while (queue.length) {
      const p = queue.shift()!;
      if (seen.has(p)) continue;
      seen.add(p);
      const f = failed.get(p);
      if (f) found.push(`${p.split('/').slice(1, 2)[0]}: ${firstCause((f.reason ?? []).join('\n'))}`);
      queue.push(...(deps[p] ?? []).map((d) => d.target));
    }
    return found;
  };
  for (const e of report.entries) {
    if (!e.root) continue;
    const key = `${e.board}\t${e.root}`;
    const ok = e.link.outcome === 'run' || e.link.outcome === 'local-hit' || e.link.outcome === 'remote-hit';
    if (ok) out.set(key, { status: 'built', ...(e.size ? { flash: e.size.flash, ram: e.size.ram } : {}) });
    else {
      const why = causes(e.link.task.split(':')[0]);
      out.set(key, { status: 'failed', reason: why.length ? why.slice(0, 2).join('; ') : `link ${e.link.outcome} (see the run log)` });
    }
  }
  for (const s of report.skips ?? []) if (s.root) out.set(`${s.board}\t${s.root}`, { status: 'skipped', reason: s.reason });
  return out;
}

function cell(o: Outcome | undefined, measured: boolean): string {
  if (!o || o.status === 'absent') return '—';
  if (o.status === 'built') return measured && o.flash !== undefined ? `built ${o.flash} / ${o.ram ?? '?'}` : 'built';
  return `${o.status}: ${(o.reason ?? '').replace(/\|/g, '\\|')}`;
}

export function renderMarkdown(r: Result, boards: string[]): string {
  const lines: string[] = [];
  lines.push(`# Real Arduino libraries: nx-fastled against arduino-builder 1.3.25`, '');
  lines.push(
    `Generated ${r.generatedAt} by \`tools/libraries/reference-build.ts\`; ${r.host.cpus} CPUs, load average before ${r.host.loadBefore.map((x) => x.toFixed(1)).join(' ')}, after ${r.host.loadAfter.map((x) => x.toFixed(1)).join(' ')}.`,
    '',
  );
  if (r.note) lines.push(r.note, '');
  lines.push('| library | version | commit | depends | examples |', '| --- | --- | --- | --- | ---: |');
  for (const l of r.libraries)
    lines.push(`| ${l.name} (\`${l.dir}\`) | ${l.version} | ${l.commit?.slice(0, 10) ?? ''} | ${l.depends} | ${l.examples.length} |`);
  lines.push('', '## Totals', '');
  lines.push(`| column | built | skipped | failed |`, '| --- | ---: | ---: | ---: |');
  const count = (get: (row: Row) => Outcome | undefined, s: Status) => r.rows.filter((row) => get(row)?.status === s).length;
  if (r.rows.some((row) => row.reference)) {
    lines.push(
      `| reference (uno) | ${count((x) => x.reference, 'built')} | ${count((x) => x.reference, 'skipped')} | ${count((x) => x.reference, 'failed')} |`,
    );
  }
  for (const b of boards)
    lines.push(
      `| nx-fastled ${b} | ${count((x) => x.boards[b], 'built')} | ${count((x) => x.boards[b], 'skipped')} | ${count((x) => x.boards[b], 'failed')} |`,
    );
  const both = r.rows.filter((row) => row.equal !== undefined);
  lines.push('', `uno flash/RAM equal to the reference: ${both.filter((x) => x.equal).length} of ${both.length} examples both built.`);
  const mismatch = r.rows.filter((row) => row.reference && row.boards.uno && row.reference.status !== row.boards.uno.status);
  lines.push(
    `uno outcome differs from the reference: ${mismatch.length}${mismatch.length ? ` (${mismatch.map((m) => `${m.library}/${m.example}: reference ${m.reference!.status}, nx-fastled ${m.boards.uno.status}`).join('; ')})` : ''}.`,
  );
  lines.push('', '## Examples', '');
  lines.push(`| library | example | reference uno (flash / RAM) | ${boards.map((b) => `nx-fastled ${b}`).join(' | ')} | equal |`);
  lines.push(`| --- | --- | --- | ${boards.map(() => '---').join(' | ')} | --- |`);
  for (const row of r.rows) {
    lines.push(
      `| ${row.library} | ${row.example} | ${cell(row.reference, true)} | ${boards.map((b) => cell(row.boards[b], b !== 'native')).join(' | ')} | ${row.equal === undefined ? '' : row.equal ? 'yes' : '**no**'} |`,
    );
  }
  return lines.join('\n') + '\n';
}

const DOC_START = '<!-- reference-build:start (tools/libraries/reference-build.ts --doc writes this part) -->';
const DOC_END = '<!-- reference-build:end -->';

/** Replaces the part of a markdown document between the markers with the rendered tables (headings one level down). */
function updateDoc(doc: string, r: Result, boards: string[]): void {
  const text = fs.readFileSync(doc, 'utf8');
  const a = text.indexOf(DOC_START);
  const b = text.indexOf(DOC_END);
  if (a < 0 || b < a) throw new Error(`${doc}: no ${DOC_START} ... ${DOC_END} markers; add them where the tables go`);
  const body = renderMarkdown(r, boards)
    .split('\n')
    .slice(1) // the document has its own heading
    .map((l) => (l.startsWith('## ') ? `#${l}` : l))
    .join('\n')
    .trim();
  writeAtomic(doc, `${text.slice(0, a + DOC_START.length)}\n\n${body}\n\n${text.slice(b)}`);
}

function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      libraries: { type: 'string' },
      work: { type: 'string' },
      json: { type: 'string' },
      md: { type: 'string' },
      jobs: { type: 'string', default: '2' },
      nice: { type: 'string', default: '19' },
      boards: { type: 'string', default: 'uno,native' },
      'no-reference': { type: 'boolean', default: false },
      'no-nx': { type: 'boolean', default: false },
      'render-only': { type: 'boolean', default: false },
      doc: { type: 'string' },
      workspace: { type: 'string' },
      cache: { type: 'string' },
    },
  });
  const boards = values.boards!.split(',').filter(Boolean);
  if (values['render-only'] && values.json) {
    const r = JSON.parse(fs.readFileSync(values.json, 'utf8')) as Result;
    writeAtomic(values.md ?? values.json.replace(/\.json$/, '.md'), renderMarkdown(r, boards));
    if (values.doc) updateDoc(values.doc, r, boards);
    return 0;
  }
  if (!values.libraries || !values.work || !values.json) {
    console.error(
      'usage: reference-build.ts --libraries <dir> --work <scratch dir> --json <file> [--md <file>] [--jobs 2] [--boards uno,native] [--no-reference] [--no-nx] [--render-only]',
    );
    return 2;
  }
  const libsDir = path.resolve(values.libraries);
  const work = path.resolve(values.work);
  fs.mkdirSync(work, { recursive: true });
  const jobs = Number(values.jobs);
  const libs = listLibraries(libsDir);
  const loadBefore = os.loadavg();
  const result: Result = {
    generatedAt: new Date().toISOString(),
    host: { cpus: os.cpus().length, loadBefore, loadAfter: [] },
    reference:
      spawnSync('sh', ['-c', 'dpkg-query -W -f "arduino-builder ${Version}" arduino-builder'], { encoding: 'utf8' }).stdout.trim() ||
      'arduino-builder',
    libraries: libs,
    rows: [],
    seconds: {},
  };
  let reference: Map<string, Outcome> | undefined;
  if (!values['no-reference']) {
    const t0 = Date.now();
    reference = await referenceBuild(libsDir, work, libs, jobs, values.nice!);
    result.seconds.reference = (Date.now() - t0) / 1000;
  }
  let nx: Map<string, Outcome> | undefined;
  if (!values['no-nx']) {
    const existing = values.workspace
      ? { root: path.resolve(values.workspace), cache: path.resolve(values.cache ?? path.join(work, 'nx-cache')) }
      : undefined;
    const { report, seconds, deps } = await nxBuild(work, libsDir, libs, boards, jobs, existing);
    result.seconds.nx = { [boards.join(',')]: seconds };
    nx = nxOutcomes(report, deps);
  }
  for (const l of libs) {
    for (const ex of l.examples) {
      const row: Row = { library: l.dir, example: ex, boards: {} };
      if (reference) row.reference = reference.get(`${l.dir}/${ex}`);
      for (const b of boards) row.boards[b] = nx?.get(`${b}\tlibraries/${l.dir}/examples/${ex}`) ?? { status: 'absent' };
      const u = row.boards.uno;
      if (row.reference?.status === 'built' && u?.status === 'built')
        row.equal = row.reference.flash === u.flash && row.reference.ram === u.ram;
      result.rows.push(row);
    }
  }
  result.host.loadAfter = os.loadavg();
  writeAtomic(path.resolve(values.json), JSON.stringify(result, null, 2) + '\n');
  writeAtomic(path.resolve(values.md ?? values.json.replace(/\.json$/, '.md')), renderMarkdown(result, boards));
  if (values.doc) updateDoc(values.doc, result, boards);
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
