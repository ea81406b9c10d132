// Report: the benchmark's JSON document and its markdown rendering (one row per measured nx run, ratios
// against the no-Nx baseline of the same run, cold phases, toolchain and header-edit details), both written
// with write-then-rename so a reader never sees a half-written file.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CiRunEntry } from './ci';
import type { PeerRun, PeersEntry } from './peers';
import { renderNoop } from './noop';
import type { BenchContext, RunEntry, ScenarioEntry } from './scenarios';

export interface BenchReport {
  version: 1;
  date: string;
  library: string;
  board: string;
  machine: { cpus: number; node: string; platform: string };
  nx: string;
  /** The plugin as snapshotted for this run: repository commit and uncommitted files under packages/nx-fastled. */
  plugin: { commit: string; uncommittedFiles: number };
  baseline?: BenchContext['baseline'];
  scenarios: Record<string, ScenarioEntry>;
}

export function makeReport(ctx: BenchContext, library: string, scenarios: Record<string, ScenarioEntry>): BenchReport {
  let nx = 'unknown';
  try {
    nx = JSON.parse(fs.readFileSync(require.resolve('nx/package.json'), 'utf8')).version;
  } catch {
    // leave unknown
  }
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const plugin = {
    commit: git(['rev-parse', 'HEAD']),
    uncommittedFiles: git(['status', '--porcelain', 'packages/nx-fastled']).split('\n').filter(Boolean).length,
  };
  return {
    version: 1,
    date: new Date().toISOString(),
    library,
    board: ctx.opts.board,
    machine: { cpus: os.cpus().length, node: process.version, platform: `${os.platform()} ${os.release()}` },
    nx,
    plugin,
    baseline: ctx.baseline,
    scenarios,
  };
}

export { writeAtomic } from '../../packages/nx-fastled/src/util/atomic';

const n = (x: unknown, digits = 1) => (typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(digits)) : '–');

/** Scenarios with their own tables (ci, peers) are not rows of the generic table. */
const OWN_TABLE = new Set(['ci', 'peers', 'noop']);

function rows(report: BenchReport): RunEntry[] {
  return Object.entries(report.scenarios)
    .filter(([name]) => !OWN_TABLE.has(name))
    .flatMap(([, s]) => [s, ...(s.variants ?? [])]);
}

const s1 = (x: unknown) => (typeof x === 'number' ? x.toFixed(1) : '–');
const load = (l: unknown) => (Array.isArray(l) ? `${n(l[0])}→${n(l[1])}` : '–');

export function renderCi(ci: ScenarioEntry): string[] {
  const out: string[] = [];
  const runs = (ci.variants ?? []) as CiRunEntry[];
  out.push(
    "CI reuse (`ci`): real nx-fastled-cache server; cold in a fresh workspace on an empty store; warm in a second fresh workspace at another absolute path, empty local cache, server on a copy of the store only; warm-memos the same in a third workspace that also restored the plugin's portable memos:",
    '',
  );
  out.push(
    '| run | tasks | cache hits | of which remote | compiler processes | compile s (tasks that ran) | compile phase s (all compile/archive/link tasks, hits included) | before first task s | wall s | expectation met | load avg before→after |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  for (const r of runs) {
    out.push(
      `| ${r.name} | ${r.tasks} | ${r.cacheHits} | ${r.remoteHits} | ${r.compilerProcesses} | ${s1(r.compileSeconds)} | ${s1(r.compilePhaseSeconds)} | ${s1(r.beforeFirstTaskSeconds)} | ${s1(r.wallSeconds)} | ${r.ok ? 'yes' : '**no**'} | ${load(r.loadAvg)} |`,
    );
  }
  out.push('');
  const cold = runs[0];
  const warm = runs.find((r) => r.outputsCompared !== undefined);
  const store = cold?.store as { entries: number; bytes: number } | undefined;
  out.push(
    `Graph construction (fresh copy, \`nx run-many --graph\`, no task runs): ${s1(ci.graphSeconds)} s. ` +
      (store ? `Store after the cold run: ${store.entries} entries, ${(store.bytes / 1048576).toFixed(1)} MiB. ` : '') +
      (warm?.outputsCompared !== undefined
        ? `Warm outputs (.hex/.elf/.eep) byte-identical to cold: ${(warm.outputsDiffering as string[]).length ? `**no** (${(warm.outputsDiffering as string[]).length} differ)` : `yes (${warm.outputsCompared} files)`}.`
        : ''),
    '',
  );
  const t = ci.targets as
    | { warmCompilePhaseRatio: number | null; warmWallRatio: number | null; checks: { target: string; value: string; pass: boolean }[] }
    | undefined;
  if (t) {
    out.push(`Warm ÷ cold: compile phase ${t.warmCompilePhaseRatio ?? '–'}, whole command ${t.warmWallRatio ?? '–'}.`, '');
    out.push('| issue target | measured | result |', '| --- | --- | --- |');
    for (const c of t.checks) out.push(`| ${c.target} | ${c.value} | ${c.pass ? 'pass' : '**fail**'} |`);
    out.push('');
  }
  return out;
}

export function renderPeers(peers: PeersEntry): string[] {
  const out: string[] = [];
  out.push(
    'Peers (`peers`), same library, board and machine, same run (wall seconds of the whole build; hits as each tool counts them, hits/misses):',
    '',
  );
  out.push(
    '| tool | configuration | cold s | warm same path s | warm moved s | warm ÷ cold (same path) | warm ÷ cold (moved) | hits cold | hits warm same path | hits warm moved |',
  );
  out.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |');
  for (const tool of peers.tools) {
    const sec = (r: PeerRun) =>
      r.extrapolatedSeconds !== undefined ? `${s1(r.extrapolatedSeconds)} (est.; ${s1(r.wallSeconds)} measured)` : s1(r.wallSeconds);
    const hits = (r: PeerRun) => `${r.hits}/${r.misses}${r.failed ? ` (${r.failed} failed)` : ''}`;
    out.push(
      `| ${tool.tool} | ${tool.config} | ${sec(tool.runs.cold)} | ${sec(tool.runs.warmSamePath)} | ${sec(tool.runs.warmMoved)} | ${tool.ratios.warmSamePath ?? '–'} | ${tool.ratios.warmMoved ?? '–'} | ${hits(tool.runs.cold)} | ${hits(tool.runs.warmSamePath)} | ${hits(tool.runs.warmMoved)} |`,
    );
  }
  out.push('');
  out.push('| tool | what it caches | hits mean | moved copy gets | load avg (cold, warm, moved) |', '| --- | --- | --- | --- | --- |');
  for (const tool of peers.tools) {
    out.push(
      `| ${tool.tool} (${tool.config.split(':')[0]}) | ${tool.caches} | ${tool.hitsMean} | ${tool.carried} | ${[tool.runs.cold, tool.runs.warmSamePath, tool.runs.warmMoved].map((r) => load(r.loadAvg)).join(', ')} |`,
    );
  }
  out.push('');
  for (const tool of peers.tools)
    if (tool.subset)
      out.push(`${tool.tool}: ${tool.subset.note}. Examples: ${tool.subset.examples.map((e) => `\`${e}\``).join(', ')}.`, '');
  return out;
}

export function renderMarkdown(report: BenchReport): string {
  const base = report.baseline;
  const out: string[] = [];
  out.push(`### ${report.library} on ${report.board}`, '');
  out.push(
    `Measured ${report.date.slice(0, 10)}, plugin at ${report.plugin.commit.slice(0, 10)}${report.plugin.uncommittedFiles ? ` + ${report.plugin.uncommittedFiles} uncommitted files` : ''}, Nx ${report.nx}, Node ${report.machine.node}, ${report.machine.cpus} CPUs, \`--parallel=2\`.` +
      (base
        ? ` Baseline: the same ${base.commands} commands without Nx, 2 workers: **${n(base.directWallSeconds)} s**` +
          `${base.failed.length ? ` (${base.failed.length} failed)` : ''}; graph construction (cold, \`nx run-many --graph\`): ${n(base.graphSeconds)} s.`
        : ''),
    '',
  );
  const generic = rows(report);
  if (generic.length) {
    out.push(
      '| run | tasks | cache hits | hit % | compiler processes | compile s | wall s | wall ÷ no-Nx baseline | expectation met | load avg before→after |',
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  }
  for (const r of generic) {
    const pct = r.tasks ? (100 * r.cacheHits) / r.tasks : 0;
    const ratio = base?.directWallSeconds ? r.wallSeconds / base.directWallSeconds : undefined;
    out.push(
      `| ${r.name} | ${r.tasks} | ${r.cacheHits} | ${pct.toFixed(1)} | ${r.compilerProcesses} | ${n(r.compileSeconds)} | ${n(r.wallSeconds)} | ${ratio === undefined ? '–' : ratio.toFixed(2)} | ${r.ok ? 'yes' : '**no**'} | ${r.loadAvg ? `${n(r.loadAvg[0])}→${n(r.loadAvg[1])}` : '–'} |`,
    );
  }
  if (generic.length) out.push('');
  if (report.scenarios.noop) out.push(...renderNoop(report.scenarios.noop));
  if (report.scenarios.ci) out.push(...renderCi(report.scenarios.ci));
  if (report.scenarios.peers) out.push(...renderPeers(report.scenarios.peers as unknown as PeersEntry));
  const cold = report.scenarios.cold;
  if (cold?.phases) {
    const phases = cold.phases as Record<string, { tasks: number; taskSeconds: number; wallSeconds: number }>;
    out.push('Cold run by phase (tasks that ran):', '');
    out.push('| phase | tasks | summed task s | wall span s |', '| --- | ---: | ---: | ---: |');
    for (const [name, p] of Object.entries(phases)) out.push(`| ${name} | ${p.tasks} | ${n(p.taskSeconds)} | ${n(p.wallSeconds)} |`);
    out.push('');
    out.push(
      `Nx overhead per task: (nx cold wall ${n(cold.wallSeconds)} s − no-Nx wall ${n(cold.directWallSeconds)} s) / ${cold.tasks} tasks = ` +
        `**${n(cold.nxOverheadPerTaskMs)} ms** (${n(cold.nxOverheadExcludingGraphPerTaskMs)} ms once the ${n(cold.graphSeconds)} s of graph construction is taken out).`,
      '',
    );
  }
  const tm = report.scenarios['toolchain-moved'];
  if (tm) {
    out.push('Toolchain variants (same bytes under another prefix, PATH without avr-*):', '');
    out.push('| variant | compile tasks hit / missed | other |', '| --- | --- | --- |');
    for (const r of [tm, ...(tm.variants ?? [])]) {
      const c = r.byTarget.compile ?? { tasks: 0, hits: 0, ran: 0 };
      const other = Object.entries(r.byTarget)
        .filter(([t]) => t !== 'compile')
        .map(([t, b]) => `${t} ${b.hits}/${b.tasks - b.hits}`)
        .join(', ');
      const cpp =
        r.cppCompileTasks !== undefined
          ? ` (C++: ${r.cppCompileHits} hit of ${r.cppCompileTasks}; C/asm: ${r.otherCompileHits} hit of ${r.otherCompileTasks})`
          : '';
      out.push(`| ${r.name} | ${c.hits} / ${c.tasks - c.hits}${cpp} | ${other} (hit/missed) |`);
    }
    out.push('');
  }
  const he = report.scenarios['header-edit'];
  if (he?.variants?.length) {
    const scan = he.depScan as { tus: number; seconds: number };
    out.push(`Header edits (\`// touched\` appended; must-rebuild from \`avr-g++ -M\` of all ${scan.tus} TUs):`, '');
    out.push(
      '| header | must rebuild | rebuilt | missed that should have | over-approximation | archive/link hit |',
      '| --- | ---: | ---: | ---: | ---: | --- |',
    );
    for (const v of he.variants) {
      const al = ['archive', 'link'].map((t) => `${v.byTarget[t]?.hits ?? 0}/${v.byTarget[t]?.tasks ?? 0}`).join(', ');
      out.push(
        `| \`${v.header}\` (${v.name.split('/')[1]}) | ${v.mustRebuild} | ${v.rebuilt} | ${v.missedThatShouldHave} | ${n(v.overApproximation, 2)}× | ${al} |`,
      );
    }
    out.push('');
  }
  return out.join('\n');
}
