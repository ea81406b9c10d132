// Scenario `noop`: what a warm, nothing-changed `nx run-many -t build` costs over Nx's own floor, measured in
// the same run. The floor is a generated workspace with as many cached `nx:noop` tasks as the library's run
// has tasks (no plugin, one project per task). Both commands run alternately, `NOOP_REPEATS` times each,
// with the same flags and environment; the figures are medians.
//
// Also: graph construction (`nx run-many -t build --graph=<file>`, no task runs) in three states:
//   cold          a copy of the workspace without `.nx` (a fresh clone: no Nx caches, no plugin memos),
//   memo restored the same with the plugin's content-keyed memos copied in (what a CI cache could carry),
//   warm          the warm workspace itself (nothing changed since the last command).
// And one warm run with NX_PERF_LOGGING=true, its "Load Nx Plugin"-style lines summed per label.
//
// A second reference, the stored-result plugin: the same workspace with `nx-fastled` resolved to a plugin whose
// createNodes returns the graph nx-fastled computed (read from a file at load) and that does nothing else (no
// createDependencies, no pre/post hooks). nx.json is unchanged, so every task keeps its hash and hits. What Nx
// spends on it (a plugin worker, taking in and merging the configurations, hashing the tasks' file inputs,
// restoring their outputs, which it does on every hit without the daemon) is Nx's cost of this task graph from
// any plugin; what nx-fastled adds on top of that is the plugin's own cost.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { figures, HIT_STATUSES, NxRun, round, runNx } from './nx-run';
import type { BenchContext, ScenarioEntry } from './scenarios';
import { exportTaskGraph } from './task-graph';
import { BenchWorkspace, copyWorkspace, createWorkspace, NX_BIN, nxEnv } from './workspace';

export const NOOP_REPEATS = 5;
/** The plugin's memo files that are keyed by content only (see docs/CI_CACHE.md). */
export const PORTABLE_MEMOS = ['graph-cache.json', 'scan-cache.json', 'missing-headers.json'];
const MEMO_DIR = '.nx/workspace-data/nx-fastled';

/** Copies the portable memos that `fromRoot`'s workspace has into `toRoot`'s (what a CI cache step restores); their names. */
export function restorePortableMemos(fromRoot: string, toRoot: string): string[] {
  fs.mkdirSync(path.join(toRoot, MEMO_DIR), { recursive: true });
  const present = PORTABLE_MEMOS.filter((f) => fs.existsSync(path.join(fromRoot, MEMO_DIR, f)));
  for (const f of present) fs.copyFileSync(path.join(fromRoot, MEMO_DIR, f), path.join(toRoot, MEMO_DIR, f));
  return present;
}

/** The targets for the nothing-changed command and for graph construction. */
export const NOOP_TARGETS = { warmOverFloor: 1.3, ciWarmOverFloor: 1.6, coldGraphSeconds: 2 };

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** A workspace of `n` independent projects, each with one cached nx:noop `build` target. */
export function createFloorWorkspace(root: string, n: number, nodeModules: string): string {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'nx-floor', private: true }, null, 2));
  fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ useDaemonProcess: false, analytics: false }, null, 2));
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
  for (let i = 0; i < n; i++) {
    const name = `p${String(i).padStart(4, '0')}`;
    const dir = path.join(root, 'projects', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'project.json'),
      JSON.stringify({ name, targets: { build: { executor: 'nx:noop', cache: true } } }, null, 2),
    );
  }
  fs.symlinkSync(nodeModules, path.join(root, 'node_modules'));
  return root;
}

/**
 * A node_modules like `nodeModules` in which `nx-fastled` is the stored-result plugin, returning `results`
 * (a createNodes result). Returns the folder.
 */
export function storedResultModules(dir: string, nodeModules: string, results: unknown): string {
  fs.mkdirSync(dir, { recursive: true });
  for (const e of fs.readdirSync(nodeModules)) if (e !== 'nx-fastled') fs.symlinkSync(path.join(nodeModules, e), path.join(dir, e));
  const pkg = path.join(dir, 'nx-fastled');
  fs.mkdirSync(pkg);
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'nx-fastled', version: '0.0.0', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'results.json'), JSON.stringify(results));
  fs.writeFileSync(
    path.join(pkg, 'index.js'),
    [
      '// The least any plugin can do for this graph: return a stored createNodes result (tools/bench/noop.ts).',
      "const results = JSON.parse(require('fs').readFileSync(require('path').join(__dirname, 'results.json'), 'utf8'));",
      "exports.createNodes = exports.createNodesV2 = ['**/library.properties', async () => results];",
      '',
    ].join('\n'),
  );
  return dir;
}

/** Runs `fn` with the workspace's node_modules link pointing at `modules`, then puts the link back. */
function withModules<T>(ws: BenchWorkspace, modules: string, fn: () => T): T {
  const link = path.join(ws.root, 'node_modules');
  fs.rmSync(link);
  fs.symlinkSync(modules, link);
  try {
    return fn();
  } finally {
    fs.rmSync(link);
    fs.symlinkSync(ws.nodeModules, link);
  }
}

/** Nx's output without its colour escapes (it colours even when writing to a pipe or a file). */
const withoutColours = (text: string) => text.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');

/** `nx run-many -t build` with the benchmark's flags in any workspace; wall seconds and Nx's hit count. */
export function timeNx(
  root: string,
  cacheDir: string,
  extra: Record<string, string> = {},
): { seconds: number; hits: number; tasks: number; out: string } {
  const ws = { root, cacheDir, board: 'uno' } as BenchWorkspace;
  const env = nxEnv(ws, { NX_FASTLED_BOARDS: undefined, ...extra });
  // Nx's output goes to a file, not a pipe: Node writes to pipes asynchronously and Nx exits with
  // process.exit(), so piped output loses its tail (the summary line, sometimes most task lines) under load.
  const outFile = path.join(os.tmpdir(), `nxf-noop-${process.pid}-${Date.now()}.log`);
  const fd = fs.openSync(outFile, 'w');
  const t0 = process.hrtime.bigint();
  let r: ReturnType<typeof spawnSync>;
  try {
    r = spawnSync(NX_BIN, ['run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'], {
      cwd: root,
      env,
      stdio: ['ignore', fd, fd],
    });
  } finally {
    fs.closeSync(fd);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const out = fs.readFileSync(outFile, 'utf8');
  fs.rmSync(outFile, { force: true });
  if (r.status !== 0) throw new Error(`nx run-many in ${root} failed (${r.status}):\n${out.slice(-3000)}`);
  // Nx colours its summary even when piped: strip the escapes before reading the hit count.
  const plain = withoutColours(out);
  const m = /read the output from the cache instead of running the command for (\d+) out of (\d+) tasks/.exec(plain);
  if (m) return { seconds, hits: Number(m[1]), tasks: Number(m[2]), out };
  // Should the summary line still be missing: count the per-task lines instead.
  const taskLines = plain.split('\n').filter((l) => /^> nx run \S+/.test(l.trim()));
  const hits = taskLines.filter((l) => /\[(local cache|remote cache|existing outputs match the cache, left as is)\]/.test(l)).length;
  return { seconds, hits, tasks: taskLines.length, out };
}

/** Sums NX_PERF_LOGGING lines (`<label>: <ms>ms` / `Time for '<label>' <ms>`) per label, largest first. */
export function perfBreakdown(text: string): { label: string; ms: number }[] {
  const sums = new Map<string, number>();
  // Nx colours these lines even into a file.
  const plain = withoutColours(text);
  for (const line of plain.split('\n')) {
    const m = /^\s*(?:Time for ')?(.+?)'?[: ]\s*([\d.]+)\s*ms\s*$/.exec(line) ?? /^Time for '(.+)' ([\d.]+)$/.exec(line.trim());
    if (!m) continue;
    const label = m[1].replace(/\s+\d+$/, '').slice(0, 120);
    sums.set(label, (sums.get(label) ?? 0) + Number(m[2]));
  }
  return [...sums]
    .map(([label, ms]) => ({ label, ms: round(ms, 1) }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 15);
}

function graphSeconds(ws: BenchWorkspace): number {
  return round(exportTaskGraph(ws).graphSeconds);
}

export async function noopScenario(ctx: BenchContext): Promise<ScenarioEntry> {
  const { library, board } = ctx.opts;
  const nodeModules = ctx.nodeModules();
  let ws: BenchWorkspace;
  let coldRun: NxRun | undefined;
  const coldGraphWs = (src: BenchWorkspace) =>
    copyWorkspace(src, ctx.dir('noop', 'graph-cold', 'ws'), { cacheDir: ctx.dir('noop', 'graph-cold', 'nx-cache') });
  let graphCold: number;
  if (ctx.cold) {
    ws = ctx.cold.ws;
    graphCold = graphSeconds(coldGraphWs(ws));
  } else {
    ws = createWorkspace({ root: ctx.dir('noop', 'ws'), library, board, cacheDir: ctx.dir('noop', 'nx-cache'), nodeModules });
    log('noop: cold graph construction in a fresh copy');
    graphCold = graphSeconds(coldGraphWs(ws));
    log(`noop: cold graph ${graphCold}s; priming the workspace (cold build)`);
    coldRun = runNx(ws, 'noop-prime');
    log(`noop: primed: ${coldRun.tasks.length} tasks in ${round(coldRun.wallSeconds, 1)}s`);
  }
  const warmup = runNx(ws, 'noop-warmup');
  const tasks = warmup.tasks.length;
  const failed = new Set(warmup.tasks.filter((t) => !HIT_STATUSES.has(t.status)).map((t) => t.id));

  // Graph construction with the plugin's memos carried over, and warm.
  const memoWs = copyWorkspace(ws, ctx.dir('noop', 'graph-memo', 'ws'), { cacheDir: ctx.dir('noop', 'graph-memo', 'nx-cache') });
  // Only the content-keyed memos a CI cache could carry to a fresh runner (the stat and probe memos are keyed
  // by absolute path, size, mtime and inode: useless on another machine).
  restorePortableMemos(ws.root, memoWs.root);
  const graphMemo = graphSeconds(memoWs);
  const graphWarm = graphSeconds(ws);
  log(`noop: graph construction cold ${graphCold}s, memo restored ${graphMemo}s, warm ${graphWarm}s`);

  const graphCache = path.join(ws.root, MEMO_DIR, 'graph-cache.json');
  const stored = storedResultModules(
    ctx.dir('noop', 'stored', 'node_modules'),
    nodeModules,
    JSON.parse(fs.readFileSync(graphCache, 'utf8')).results,
  );
  const storedColdWs = copyWorkspace({ ...ws, nodeModules: stored }, ctx.dir('noop', 'stored', 'graph-cold', 'ws'), {
    cacheDir: ctx.dir('noop', 'stored', 'graph-cold', 'nx-cache'),
  });
  const storedGraphCold = graphSeconds(storedColdWs);
  const storedGraphWarm = withModules(ws, stored, () => graphSeconds(ws));
  log(`noop: stored-result plugin: graph cold ${storedGraphCold}s, warm ${storedGraphWarm}s`);

  const floorRoot = createFloorWorkspace(ctx.dir('noop', 'floor', 'ws'), tasks, nodeModules);
  const floorCache = ctx.dir('noop', 'floor', 'nx-cache');
  timeNx(floorRoot, floorCache);
  const floor: number[] = [];
  const warm: number[] = [];
  const storedRuns: number[] = [];
  let lastWarm: NxRun = warmup;
  for (let i = 0; i < NOOP_REPEATS; i++) {
    const f = timeNx(floorRoot, floorCache);
    if (f.hits !== tasks)
      throw new Error(`floor run ${i}: ${f.hits}/${f.tasks} hits, expected ${tasks}; its output ends:\n${f.out.slice(-1500)}`);
    floor.push(round(f.seconds));
    lastWarm = runNx(ws, `noop-${i}`);
    warm.push(round(lastWarm.wallSeconds));
    const s = withModules(ws, stored, () => timeNx(ws.root, ws.cacheDir));
    if (s.hits !== tasks - failed.size)
      throw new Error(
        `stored-result run ${i}: ${s.hits}/${s.tasks} hits, expected ${tasks - failed.size}; its output ends:\n${s.out.slice(-1500)}`,
      );
    storedRuns.push(round(s.seconds));
    log(
      `noop: round ${i + 1}/${NOOP_REPEATS}: floor ${round(f.seconds, 2)}s, ${path.basename(library)} ${round(lastWarm.wallSeconds, 2)}s, stored-result plugin ${round(s.seconds, 2)}s`,
    );
  }
  const perf = timeNx(ws.root, ws.cacheDir, { NX_PERF_LOGGING: 'true', NX_FASTLED_BOARDS: board });
  const breakdown = perfBreakdown(perf.out);
  const noGraphCache = timeNx(ws.root, ws.cacheDir, { NX_FASTLED_GRAPH_CACHE: 'false', NX_FASTLED_BOARDS: board });

  const floorMedian = median(floor);
  const warmMedian = median(warm);
  const ratio = round(warmMedian / floorMedian, 3);
  const storedMedian = median(storedRuns);
  const f = figures(lastWarm);
  const unexpected = lastWarm.tasks.filter((t) => !HIT_STATUSES.has(t.status) && !failed.has(t.id)).map((t) => t.id);
  const entry: ScenarioEntry = {
    name: 'noop',
    expectation: `100% hits; warm ÷ floor ≤ ${NOOP_TARGETS.warmOverFloor}; cold graph ≤ ${NOOP_TARGETS.coldGraphSeconds} s`,
    ok: unexpected.length === 0,
    ...f,
    wallSeconds: round(warmMedian),
    floorSeconds: round(floorMedian),
    warmOverFloor: ratio,
    warmSamples: warm,
    floorSamples: floor,
    floorTasks: tasks,
    storedResultSeconds: round(storedMedian),
    storedResultSamples: storedRuns,
    storedResultOverFloor: round(storedMedian / floorMedian, 3),
    warmOverStoredResult: round(warmMedian / storedMedian, 3),
    storedResultGraphColdSeconds: storedGraphCold,
    storedResultGraphWarmSeconds: storedGraphWarm,
    warmWithoutGraphCacheSeconds: round(noGraphCache.seconds),
    graphColdSeconds: graphCold,
    graphMemoRestoredSeconds: graphMemo,
    graphWarmSeconds: graphWarm,
    perfBreakdownMs: breakdown,
    targets: [
      {
        target: `warm ÷ floor ≤ ${NOOP_TARGETS.warmOverFloor}`,
        value: `${round(warmMedian, 2)} s / ${round(floorMedian, 2)} s = ${ratio}`,
        pass: ratio <= NOOP_TARGETS.warmOverFloor,
      },
      {
        target: `cold graph construction ≤ ${NOOP_TARGETS.coldGraphSeconds} s`,
        value: `${graphCold} s (memo restored ${graphMemo} s, warm ${graphWarm} s)`,
        pass: graphCold <= NOOP_TARGETS.coldGraphSeconds,
      },
    ],
    machine: { loadAvg: os.loadavg().map((x) => round(x, 2)) },
    ...(unexpected.length ? { unexpectedRuns: unexpected.slice(0, 40) } : {}),
  };
  ctx.floor = { seconds: floorMedian, tasks };
  log(
    `noop: warm median ${round(warmMedian, 2)}s, floor median ${round(floorMedian, 2)}s: ${ratio}x; without the graph cache ${round(noGraphCache.seconds, 2)}s`,
  );
  return entry;
}

export function renderNoop(e: ScenarioEntry): string[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the scenario's extra figures, written by noopScenario above
  const x = e as ScenarioEntry & Record<string, any>;
  const out = [
    `Nothing changed (\`noop\`): warm \`nx run-many -t build\` against Nx's floor (${x.floorTasks} cached \`nx:noop\` tasks in a generated workspace), ${x.warmSamples?.length ?? 0} alternating runs each, medians:`,
    '',
    '| measure | value |',
    '| --- | ---: |',
    `| warm, nothing changed (s) | ${x.wallSeconds} (${(x.warmSamples ?? []).join(', ')}) |`,
    `| Nx floor (s) | ${x.floorSeconds} (${(x.floorSamples ?? []).join(', ')}) |`,
    `| **warm ÷ floor** | **${x.warmOverFloor}** |`,
    `| stored-result plugin, same graph (s) | ${x.storedResultSeconds} (${(x.storedResultSamples ?? []).join(', ')}) |`,
    `| stored-result plugin ÷ floor: Nx's own cost of this graph | ${x.storedResultOverFloor} |`,
    `| **warm ÷ stored-result plugin: nx-fastled's own cost** | **${x.warmOverStoredResult}** |`,
    `| warm with the graph cache off (\`NX_FASTLED_GRAPH_CACHE=false\`, s) | ${x.warmWithoutGraphCacheSeconds} |`,
    `| graph construction, cold: fresh copy, no \`.nx\` (s) | ${x.graphColdSeconds} |`,
    `| graph construction, plugin memos restored (s) | ${x.graphMemoRestoredSeconds} |`,
    `| graph construction, warm (s) | ${x.graphWarmSeconds} |`,
    `| graph construction, stored-result plugin: cold / warm (s) | ${x.storedResultGraphColdSeconds} / ${x.storedResultGraphWarmSeconds} |`,
    '',
  ];
  for (const t of x.targets ?? []) out.push(`- ${t.target}: ${t.value}: ${t.pass ? 'met' : '**not met**'}`);
  if (x.perfBreakdownMs?.length) {
    out.push('', 'One warm run with `NX_PERF_LOGGING=true`, summed per label (ms):', '', '| label | ms |', '| --- | ---: |');
    for (const p of x.perfBreakdownMs) out.push(`| ${String(p.label).replace(/\|/g, '\\|')} | ${p.ms} |`);
  }
  out.push('');
  return out;
}
