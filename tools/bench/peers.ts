// Scenario `peers`: what a user would pick instead of nx-fastled, measured in the same benchmark run on the
// same library and board, each cold, warm at the same path and warm at another absolute path with the tool's
// cache carried over the way its users carry it:
//
//   - nx-fastled itself: the `ci` scenario's three runs (cold; warm same path from the local cache; warm in a
//     fresh workspace elsewhere from a copy of the remote cache server's store).
//   - ccache driving the plugin's own commands (the task graph's, as the no-Nx baseline runs them: 2 workers,
//     dependency order), `ccache` put in front of every compiler invocation; archives and links run
//     uncached (ccache cannot cache them). Two configurations: "best" (CCACHE_BASEDIR=<workspace root>,
//     CCACHE_COMPILERCHECK=content, CCACHE_NOHASHDIR=1) and "defaults" (only CCACHE_DIR). CCACHE_DIR is
//     carried between runs (for the moved run: copied to a new place, timestamps kept, as a CI cache action
//     restores it). Hit counts are ccache's own (`ccache --print-stats` after `ccache -z`).
//   - a per-example build the way `arduino-cli compile` works (arduino-like.ts), on all examples or on an
//     evenly spread subset (`--arduino-examples <n>`), extrapolated and labelled as such.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ArduinoRun, buildLikeArduinoCli, pickExamples, planFromGraph } from './arduino-like';
import { runPool } from './baseline';
import { ensureCi, log } from './ci';
import { round } from './nx-run';
import type { BenchContext } from './scenarios';
import { compileSegment, GraphTask } from './task-graph';
import { BenchWorkspace, copyWorkspace, createWorkspace, nxEnv } from './workspace';

export interface PeerRun {
  wallSeconds: number;
  loadAvg: [number, number];
  /** What the tool itself counts as hits / misses (nx: cache hits; ccache: its stats; arduino: objects reused/compiled). */
  hits: number;
  misses: number;
  /** Compiler-running commands or tasks that ran. */
  ran?: number;
  failed: number;
  /** Extrapolated to every example when only a subset ran. */
  extrapolatedSeconds?: number;
  detail?: Record<string, unknown>;
}

export interface PeerTool {
  tool: string;
  config: string;
  /** How the tool's cache is carried to the moved copy. */
  carried: string;
  /** What the tool caches and what it always reruns. */
  caches: string;
  hitsMean: string;
  runs: { cold: PeerRun; warmSamePath: PeerRun; warmMoved: PeerRun };
  ratios: { warmSamePath: number | null; warmMoved: number | null };
  subset?: { examples: string[]; of: number; note: string };
}

/** Not a row of the generic table (report.ts renders it apart): no nx figures of its own. */
export interface PeersEntry {
  name: 'peers';
  expectation: string;
  ok: boolean;
  tools: PeerTool[];
  variants?: undefined;
}

const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 3) : null);

function ccacheTool(): string {
  for (const p of (process.env.PATH ?? '').split(':').concat(['/usr/bin'])) {
    const f = path.join(p, 'ccache');
    if (fs.existsSync(f)) return f;
  }
  throw new Error('ccache is not installed (apt-get install ccache)');
}

/** The task's command with `ccache` in front of its compiler invocation (compile tasks only). */
export function withCcache(t: GraphTask, ccache: string): string | undefined {
  if (!t.command) return undefined;
  if (t.target !== 'compile') return t.command;
  const seg = compileSegment(t);
  if (!seg || !t.command.includes(seg)) throw new Error(`${t.id}: its command does not hold its plan step's compiler invocation`);
  return t.command.replace(seg, () => `${ccache} ${seg}`); // a function: `$$` in the command must stay `$$`
}

function ccacheEnvBase(dir: string, extra: Record<string, string>): Record<string, string> {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(path.dirname(dir), `${path.basename(dir)}.conf`);
  if (!fs.existsSync(conf)) fs.writeFileSync(conf, '');
  return { CCACHE_DIR: dir, CCACHE_CONFIGPATH: conf, ...extra };
}

function cleanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  for (const k of Object.keys(env)) if (k.startsWith('CCACHE_')) delete env[k];
  return env;
}

function ccacheStats(ccache: string, env: NodeJS.ProcessEnv): Record<string, number> {
  const out = execFileSync(ccache, ['--print-stats'], { env, encoding: 'utf8' });
  const stats: Record<string, number> = {};
  for (const line of out.split('\n')) {
    const [k, v] = line.split('\t');
    if (k && v !== undefined && /^\d+$/.test(v) && Number(v) && k !== 'stats_updated_timestamp' && k !== 'stats_zeroed_timestamp')
      stats[k] = Number(v);
  }
  return stats;
}

async function ccacheRun(
  ws: BenchWorkspace,
  tasks: GraphTask[],
  toolEnv: Record<string, string>,
  ccEnv: Record<string, string>,
  label: string,
): Promise<PeerRun> {
  const ccache = ccacheTool();
  const env = cleanEnv({ ...nxEnv(ws), ...toolEnv });
  Object.assign(env, ccEnv);
  execFileSync(ccache, ['-z'], { env, stdio: 'ignore' });
  const jobs = tasks.map((t) => ({ id: t.id, deps: t.deps, command: withCcache(t, ccache) }));
  const load0 = os.loadavg()[0];
  const t0 = process.hrtime.bigint();
  const results = await runPool(jobs, { cwd: ws.root, env, workers: 2 });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const stats = ccacheStats(ccache, env);
  const failed = [...results.values()].filter((r) => r.code !== 0);
  const hits = (stats.direct_cache_hit ?? 0) + (stats.preprocessed_cache_hit ?? 0);
  const r: PeerRun = {
    wallSeconds: round(wallSeconds),
    loadAvg: [round(load0, 2), round(os.loadavg()[0], 2)],
    hits,
    misses: stats.cache_miss ?? 0,
    ran: jobs.filter((j) => j.command).length,
    failed: failed.length,
    detail: {
      ccacheStats: stats,
      ...(failed.length ? { failedIds: failed.slice(0, 10).map((f) => `${f.id}: ${f.stderr.slice(0, 300)}`) } : {}),
    },
  };
  log(
    `peers ${label}: ${r.wallSeconds}s, ccache hits ${hits} (direct ${stats.direct_cache_hit ?? 0}, preprocessed ${stats.preprocessed_cache_hit ?? 0}), misses ${r.misses}, failed ${r.failed}`,
  );
  return r;
}

async function ccachePeer(
  ctx: BenchContext,
  config: 'best' | 'defaults',
  tasks: GraphTask[],
  toolEnv: Record<string, string>,
): Promise<PeerTool> {
  const { library, board } = ctx.opts;
  const nodeModules = ctx.nodeModules();
  const base = ctx.dir('peers', `ccache-${config}`);
  const ws = createWorkspace({ root: path.join(base, 'ws'), library, board, cacheDir: path.join(base, 'nx-cache'), nodeModules });
  const settings = (root: string): Record<string, string> =>
    config === 'best' ? { CCACHE_BASEDIR: root, CCACHE_COMPILERCHECK: 'content', CCACHE_NOHASHDIR: '1' } : {};
  const dir = path.join(base, 'ccache-dir');
  const cold = await ccacheRun(ws, tasks, toolEnv, ccacheEnvBase(dir, settings(ws.root)), `ccache-${config} cold`);
  const warmSamePath = await ccacheRun(ws, tasks, toolEnv, ccacheEnvBase(dir, settings(ws.root)), `ccache-${config} warm-same-path`);
  const moved = copyWorkspace(ws, path.join(base, 'moved', 'other', 'checkout', 'ws'));
  const movedDir = path.join(base, 'moved', 'ccache-dir');
  fs.cpSync(dir, movedDir, { recursive: true, preserveTimestamps: true });
  const warmMoved = await ccacheRun(moved, tasks, toolEnv, ccacheEnvBase(movedDir, settings(moved.root)), `ccache-${config} warm-moved`);
  return {
    tool: 'ccache 4.7 (Debian) + the plugin’s commands',
    config:
      config === 'best'
        ? '"best": CCACHE_BASEDIR=<workspace root>, CCACHE_COMPILERCHECK=content, CCACHE_NOHASHDIR=1, CCACHE_DIR carried'
        : '"defaults": only CCACHE_DIR (carried)',
    carried: 'CCACHE_DIR copied to a new place (timestamps kept), workspace sources copied to another absolute path',
    caches: 'compile commands only; archives and links always run (ccache cannot cache them); 2 workers',
    hitsMean: 'ccache’s own stats: direct + preprocessed hits / misses',
    runs: { cold, warmSamePath, warmMoved },
    ratios: { warmSamePath: ratio(warmSamePath.wallSeconds, cold.wallSeconds), warmMoved: ratio(warmMoved.wallSeconds, cold.wallSeconds) },
  };
}

function arduinoPeerRun(r: ArduinoRun, total: number, label: string): PeerRun {
  const n = r.examples.length;
  let extrapolatedSeconds: number | undefined;
  if (n < total && n > 0) {
    const core = r.examples.reduce((s, e) => s + e.coreSeconds, 0);
    const rest = r.examples.reduce((s, e) => s + e.seconds - e.coreSeconds, 0) / n;
    // A core compiled in this run is compiled once per machine, not once per example.
    extrapolatedSeconds = round(core + rest * total, 1);
  }
  const p: PeerRun = {
    wallSeconds: r.wallSeconds,
    loadAvg: r.loadAvg,
    hits: r.reused,
    misses: r.compiled,
    ran: r.compiled,
    failed: r.failed.length,
    ...(extrapolatedSeconds !== undefined ? { extrapolatedSeconds } : {}),
    detail: {
      coreFromCache: `${r.coreFromCache} of ${n} examples`,
      examples: r.examples.map((e) => ({
        example: e.example,
        seconds: e.seconds,
        compiled: e.compiled,
        reused: e.reused,
        coreSeconds: e.coreSeconds,
        coreFromCache: e.coreFromCache,
        linkSeconds: e.linkSeconds,
        buildFolder: path.basename(e.buildFolder),
      })),
      ...(r.failed.length ? { failed: r.failed.slice(0, 10) } : {}),
    },
  };
  log(
    `peers ${label}: ${p.wallSeconds}s${extrapolatedSeconds !== undefined ? ` (extrapolated to ${total} examples: ${extrapolatedSeconds}s)` : ''}, objects reused ${p.hits}, compiled ${p.misses}, core from cache ${r.coreFromCache}/${n}, failed ${p.failed}`,
  );
  return p;
}

async function arduinoPeer(ctx: BenchContext, tasks: GraphTask[], toolEnv: Record<string, string>): Promise<PeerTool> {
  const { library, board } = ctx.opts;
  const plan = planFromGraph(tasks, board);
  const all = plan.links.map((l) => l.id);
  const n = ctx.opts.arduinoExamples ?? all.length;
  const examples = pickExamples(all, n);
  const base = ctx.dir('peers', 'arduino-like');
  const tmp = path.join(base, 'tmp'); // stands for the machine's temp folder (arduino-cli: os.TempDir())
  const ws = createWorkspace({
    root: path.join(base, 'ws'),
    library,
    board,
    cacheDir: path.join(base, 'nx-cache'),
    nodeModules: ctx.nodeModules(),
  });
  log(
    `peers arduino-like: ${examples.length} of ${all.length} examples${examples.length < all.length ? ` (subset: ${examples.join(', ')})` : ''}`,
  );
  const cold = arduinoPeerRun(await buildLikeArduinoCli(ws, plan, examples, toolEnv, tmp), all.length, 'arduino-like cold');
  const warmSamePath = arduinoPeerRun(
    await buildLikeArduinoCli(ws, plan, examples, toolEnv, tmp),
    all.length,
    'arduino-like warm-same-path',
  );
  const moved = copyWorkspace(ws, path.join(base, 'moved', 'other', 'checkout', 'ws'));
  const warmMoved = arduinoPeerRun(await buildLikeArduinoCli(moved, plan, examples, toolEnv, tmp), all.length, 'arduino-like warm-moved');
  const secs = (r: PeerRun) => r.extrapolatedSeconds ?? r.wallSeconds;
  return {
    tool: 'per-example build like `arduino-cli compile` (scripted: arduino-cli is not installable here)',
    config:
      'build folder <tmp>/arduino/sketches/<MD5(absolute sketch path)>, objects reused by mtime + .d files, core.a cached per machine; the plugin’s flags',
    carried:
      'the same machine temp folder (sketch build folders and the core cache) kept; workspace sources copied to another absolute path',
    caches:
      'objects per sketch build folder (keyed by the absolute path); core.a once per machine; links always run; library discovery and ctags not modelled (lower bound)',
    hitsMean: 'objects reused (up to date) / compiled',
    runs: { cold, warmSamePath, warmMoved },
    ratios: { warmSamePath: ratio(secs(warmSamePath), secs(cold)), warmMoved: ratio(secs(warmMoved), secs(cold)) },
    ...(examples.length < all.length
      ? {
          subset: {
            examples,
            of: all.length,
            note: `measured on ${examples.length} of ${all.length} examples (evenly spread), extrapolated: core time once + mean per-example time × ${all.length}`,
          },
        }
      : {}),
  };
}

export async function peersScenario(ctx: BenchContext): Promise<PeersEntry> {
  const ci = await ensureCi(ctx);
  const tasks = ci.graph.tasks;
  const toolEnv = ci.env;
  const nx: PeerTool = {
    tool: 'nx-fastled (Nx 24 + nx-fastled-cache)',
    config: 'the `ci` scenario: local Nx cache at the same path; remote cache server on a copied store elsewhere',
    carried:
      'the server’s store folder copied to a new place; new server; fresh workspace (no .nx, empty local cache) at another absolute path',
    caches: 'every compile, archive and link task (and the no-op build tasks)',
    hitsMean: 'Nx cache hits / tasks that ran',
    runs: {
      cold: {
        wallSeconds: ci.cold.wallSeconds,
        loadAvg: ci.cold.loadAvg,
        hits: ci.cold.cacheHits,
        misses: ci.cold.tasks - ci.cold.cacheHits,
        ran: ci.cold.compilerProcesses,
        failed: ci.cold.failed.length,
      },
      warmSamePath: {
        wallSeconds: ci.warmSamePath.wallSeconds,
        loadAvg: ci.warmSamePath.loadAvg,
        hits: ci.warmSamePath.cacheHits,
        misses: ci.warmSamePath.tasks - ci.warmSamePath.cacheHits,
        ran: ci.warmSamePath.compilerProcesses,
        failed: ci.warmSamePath.failed.length,
      },
      warmMoved: {
        wallSeconds: ci.warm.wallSeconds,
        loadAvg: ci.warm.loadAvg,
        hits: ci.warm.cacheHits,
        misses: ci.warm.tasks - ci.warm.cacheHits,
        ran: ci.warm.compilerProcesses,
        failed: ci.warm.failed.length,
        detail: { remoteHits: ci.warm.remoteHits },
      },
    },
    ratios: {
      warmSamePath: ratio(ci.warmSamePath.wallSeconds, ci.cold.wallSeconds),
      warmMoved: ratio(ci.warm.wallSeconds, ci.cold.wallSeconds),
    },
  };
  const tools: PeerTool[] = [nx];
  const only = ctx.opts.peers ? new Set(ctx.opts.peers) : undefined;
  if (!only || only.has('ccache')) {
    log('peers: ccache "best"');
    tools.push(await ccachePeer(ctx, 'best', tasks, toolEnv));
    log('peers: ccache defaults');
    tools.push(await ccachePeer(ctx, 'defaults', tasks, toolEnv));
  }
  if (!only || only.has('arduino')) tools.push(await arduinoPeer(ctx, tasks, toolEnv));
  const failed = tools.flatMap((t) => Object.values(t.runs).map((r) => r.failed)).reduce((s, x) => s + x, 0);
  return { name: 'peers', expectation: 'every peer run completes (no failed command)', ok: failed === 0, tools };
}
