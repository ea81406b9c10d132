// Scenario `ci`: cross-run reuse the way docs/CI_CACHE.md sets it up, with the real cache server.
//
//   1. Workspace A (fresh: new folder, no .nx, its own empty NX_CACHE_DIRECTORY), server 1 on an empty store:
//      cold run, every task uploaded. Server 1 stopped (a clean stop leaves entries/ + an empty tmp/).
//   2. Workspace A again without the server: warm run at the same path from Nx's local cache (for the
//      peers table; a CI runner never sees this).
//   3. Only the store folder copied to a new place (what a CI cache action restores), server 2 started on
//      the copy; workspace B at another absolute path (another length), fresh (no .nx, empty local cache):
//      warm run, every task expected to come from the remote cache.
//   4. The same with the plugin's content-keyed memos restored as well (docs/CI_CACHE.md: graph-cache.json,
//      scan-cache.json, missing-headers.json copied from A): workspace C, server 3 on another copy of the store.
//
// Graph construction is measured apart in a third fresh copy (`nx run-many --graph`, no task runs); each nx
// run is also split by the run record's task times into "before the first task" (graph construction, task
// hashing, preTasksExecution), the task span, and "after the last task" (uploads that were still pending,
// postTasksExecution's report).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyStore, RunningServer, startServer, stopServer, storeStats } from './cache-server';
import { COMPILER_TARGETS, figures, NxRun, round, runNx, span } from './nx-run';
import type { BenchContext, RunEntry, ScenarioEntry } from './scenarios';
import { exportTaskGraph } from './task-graph';
import { BenchWorkspace, copyWorkspace, createWorkspace } from './workspace';
import { toolchainEnv } from './baseline';
import { NOOP_TARGETS, restorePortableMemos } from './noop';

export function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** The issue's targets ("Cross-run reuse in CI that actually restores"). */
export const CI_TARGETS = {
  warmCompilePhaseMaxRatio: 0.05,
  warmCompilePhaseMaxSeconds: 10,
  warmWallMaxSeconds: 15,
};

export interface CiRunEntry extends RunEntry {
  remoteHits: number;
  localHits: number;
  /** Span of every compile/archive/link task, hits included (the time spent getting the objects, built or restored). */
  compilePhaseSeconds: number;
  /** From the nx command's start to the first task's start: graph construction, hashing, preTasksExecution. */
  beforeFirstTaskSeconds: number;
  /** From the last task's end to the nx command's exit. */
  afterLastTaskSeconds: number;
  /** Tasks of target compile that were not a remote-cache hit (first 40). */
  compileNotRemote?: string[];
}

export interface CiState {
  graphWs: BenchWorkspace;
  graph: ReturnType<typeof exportTaskGraph>;
  env: Record<string, string>;
  cold: CiRunEntry;
  warmSamePath: CiRunEntry;
  warm: CiRunEntry;
  entry: ScenarioEntry;
}

function ciEntry(
  name: string,
  run: NxRun,
  startedAt: number,
  expectation: string,
  ok: (e: CiRunEntry) => boolean,
  extra: Record<string, unknown> = {},
): CiRunEntry {
  const f = figures(run);
  const timed = run.tasks.filter((t) => t.startTime && t.endTime);
  const first = timed.length ? Math.min(...timed.map((t) => t.startTime!)) : startedAt;
  const last = timed.length ? Math.max(...timed.map((t) => t.endTime!)) : startedAt;
  const ended = startedAt + run.wallSeconds * 1000;
  const compilerTasks = run.tasks.filter((t) => COMPILER_TARGETS.has(t.target));
  const compileNotRemote = run.tasks.filter((t) => t.target === 'compile' && t.status !== 'remote-cache').map((t) => t.id);
  const e: CiRunEntry = {
    name,
    expectation,
    ok: true,
    ...f,
    remoteHits: f.statuses['remote-cache'] ?? 0,
    localHits: (f.statuses['local-cache'] ?? 0) + (f.statuses['local-cache-kept-existing'] ?? 0),
    compilePhaseSeconds: span(compilerTasks).wallSeconds,
    beforeFirstTaskSeconds: round((first - startedAt) / 1000),
    afterLastTaskSeconds: round((ended - last) / 1000),
    ...extra,
  };
  if (compileNotRemote.length) e.compileNotRemote = compileNotRemote.slice(0, 40);
  e.ok = ok(e);
  log(
    `${name}: ${e.tasks} tasks, ${e.cacheHits} hits (${e.remoteHits} remote), ${e.compilerProcesses} compiler processes, ` +
      `compile phase ${e.compilePhaseSeconds}s, wall ${e.wallSeconds}s${e.ok ? '' : '  (EXPECTATION NOT MET)'}`,
  );
  return e;
}

/** A fresh runner's run: a server on `store`, `ws` built against it (every task expected a remote hit), the server stopped. */
function freshRunnerRun(
  store: string,
  runDir: string,
  serverName: string,
  ws: BenchWorkspace,
  label: string,
  name: string,
  expectation: string,
): CiRunEntry {
  const server = startServer(store, runDir, serverName);
  log(`ci: ${serverName} on ${server.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER} (restored copy ${store}); workspace ${ws.root}`);
  try {
    const { run, startedAt } = timedRun(ws, label, server.env);
    return ciEntry(name, run, startedAt, expectation, (e) => e.remoteHits === e.tasks && e.compilerProcesses === 0, { root: ws.root });
  } finally {
    stopServer(server);
  }
}

function timedRun(ws: BenchWorkspace, label: string, env: Record<string, string> = {}): { run: NxRun; startedAt: number } {
  const startedAt = Date.now();
  return { run: runNx(ws, label, env), startedAt };
}

/** sha256 of every file with one of `exts` under `dist/`, by workspace-relative path. */
function outputDigests(ws: BenchWorkspace, exts: RegExp): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    const abs = path.join(ws.root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (exts.test(e.name))
        out.set(
          r,
          crypto
            .createHash('sha256')
            .update(fs.readFileSync(path.join(ws.root, r)))
            .digest('hex'),
        );
    }
  };
  walk('dist');
  return out;
}

export async function ensureCi(ctx: BenchContext): Promise<CiState> {
  if (ctx.ci) return ctx.ci;
  const { library, board } = ctx.opts;
  const nodeModules = ctx.nodeModules();
  log(`ci: creating fresh workspaces for ${library} (${board})`);
  const a = createWorkspace({ root: ctx.dir('ci', 'a', 'ws'), library, board, cacheDir: ctx.dir('ci', 'a', 'nx-cache'), nodeModules });
  // Cold graph construction in its own fresh copy (sources only, no .nx), made before any nx run.
  const graphWs = copyWorkspace(a, ctx.dir('ci', 'graph', 'ws'), { cacheDir: ctx.dir('ci', 'graph', 'nx-cache') });
  log('ci: cold graph construction (nx run-many --graph, fresh copy)');
  const graph = exportTaskGraph(graphWs);
  log(`ci: graph of ${graph.tasks.length} tasks in ${round(graph.graphSeconds, 1)}s`);
  const env = toolchainEnv(graphWs);
  const runDir = ctx.dir('ci', 'run');
  const store1 = ctx.dir('ci', 'store-main-run');
  const store2 = ctx.dir('ci', 'restored', 'store');

  let server: RunningServer | undefined;
  let cold: CiRunEntry;
  try {
    server = startServer(store1, runDir, 'server-1');
    log(`ci: server 1 on ${server.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER} (empty store ${store1})`);
    const { run, startedAt } = timedRun(a, 'ci-cold', server.env);
    cold = ciEntry(
      'ci/cold (workspace A, empty caches, server 1 on an empty store)',
      run,
      startedAt,
      'every task runs (no hit of any kind) and is uploaded',
      (e) => e.cacheHits === 0 && e.failed.length === 0,
      {
        root: a.root,
        graphSeconds: round(graph.graphSeconds),
      },
    );
  } finally {
    if (server) stopServer(server);
  }
  const storeAfterCold = storeStats(store1);
  cold.store = storeAfterCold;
  if (storeAfterCold.entries < cold.tasks) {
    cold.ok = false;
    cold.storeNote = `the store holds ${storeAfterCold.entries} entries for ${cold.tasks} tasks`;
  }
  log(
    `ci: store after the cold run: ${storeAfterCold.entries} entries, ${(storeAfterCold.bytes / 1048576).toFixed(1)} MiB; other files: ${storeAfterCold.otherFiles.join(', ') || 'none'}`,
  );

  const local = timedRun(a, 'ci-warm-same-path');
  const warmSamePath = ciEntry(
    'ci/warm-same-path (workspace A again, local cache, no server)',
    local.run,
    local.startedAt,
    '100% local hits, 0 compiler processes',
    (e) => e.compilerProcesses === 0 && e.cacheHits === e.tasks,
  );

  // A fresh runner: only the store folder comes back (copied to a new place); workspace B elsewhere.
  copyStore(store1, store2);
  const b = createWorkspace({
    root: ctx.dir('ci', 'runner-2', 'checkout', 'ws'),
    library,
    board,
    cacheDir: ctx.dir('ci', 'runner-2', 'nx-cache'),
    nodeModules,
  });
  const warm = freshRunnerRun(
    store2,
    runDir,
    'server-2',
    b,
    'ci-warm',
    'ci/warm (workspace B elsewhere, empty local cache, server 2 on a copy of the store)',
    'every task a remote-cache hit, 0 compiler processes, the store does not grow, outputs byte-identical to A',
  );
  // A fresh runner that also restored the plugin's portable memos (step 4).
  const c = createWorkspace({
    root: ctx.dir('ci', 'runner-3', 'checkout', 'ws'),
    library,
    board,
    cacheDir: ctx.dir('ci', 'runner-3', 'nx-cache'),
    nodeModules,
  });
  const restored = restorePortableMemos(a.root, c.root);
  const store3 = ctx.dir('ci', 'restored-3', 'store');
  copyStore(store1, store3);
  const warmMemos = freshRunnerRun(
    store3,
    runDir,
    'server-3',
    c,
    'ci-warm-memos',
    `ci/warm-memos (workspace C elsewhere, empty local cache, server 3 on a copy of the store, plugin memos restored: ${restored.join(', ')})`,
    'every task a remote-cache hit, 0 compiler processes',
  );
  const storeAfterWarm = storeStats(store2);
  warm.store = storeAfterWarm;
  if (storeAfterWarm.entries !== storeAfterCold.entries) warm.ok = false;
  const outA = outputDigests(a, /\.(hex|elf|eep)$/);
  const outB = outputDigests(b, /\.(hex|elf|eep)$/);
  const differing = [...outA].filter(([f, h]) => outB.get(f) !== h).map(([f]) => f);
  warm.outputsCompared = outA.size;
  warm.outputsDiffering = differing.slice(0, 20);
  if (differing.length || outA.size !== outB.size) warm.ok = false;

  const ratio = (x: number, y: number) => (y > 0 ? round(x / y, 4) : null);
  const targets = {
    warmCompilePhaseRatio: ratio(warm.compilePhaseSeconds, cold.compileSeconds),
    warmWallRatio: ratio(warm.wallSeconds, cold.wallSeconds),
    checks: [
      {
        target: `warm compile phase ≤ ${CI_TARGETS.warmCompilePhaseMaxRatio * 100}% of cold`,
        value: `${warm.compilePhaseSeconds} s / ${cold.compileSeconds} s = ${((100 * warm.compilePhaseSeconds) / Math.max(cold.compileSeconds, 1e-9)).toFixed(2)}%`,
        pass: warm.compilePhaseSeconds <= CI_TARGETS.warmCompilePhaseMaxRatio * cold.compileSeconds,
      },
      {
        target: `warm compile phase < ${CI_TARGETS.warmCompilePhaseMaxSeconds} s`,
        value: `${warm.compilePhaseSeconds} s`,
        pass: warm.compilePhaseSeconds < CI_TARGETS.warmCompilePhaseMaxSeconds,
      },
      {
        target: 'every compile task a remote hit',
        value: `${(warm.byTarget.compile?.tasks ?? 0) - (warm.compileNotRemote?.length ?? 0)} / ${warm.byTarget.compile?.tasks ?? 0}`,
        pass: !warm.compileNotRemote?.length && (warm.byTarget.compile?.tasks ?? 0) > 0,
      },
      {
        target: `whole warm command < ${CI_TARGETS.warmWallMaxSeconds} s`,
        value: `${warm.wallSeconds} s`,
        pass: warm.wallSeconds < CI_TARGETS.warmWallMaxSeconds,
      },
      // Against Nx's own floor when `noop` ran earlier in the same benchmark run (`--scenario noop,ci`).
      ...(ctx.floor
        ? [warm, warmMemos].map((w) => ({
            target: `whole ${w === warm ? 'warm' : 'warm-memos'} command ≤ ${NOOP_TARGETS.ciWarmOverFloor}× Nx's floor (${ctx.floor!.tasks} cached nx:noop tasks)`,
            value: `${w.wallSeconds} s / ${round(ctx.floor!.seconds, 3)} s = ${round(w.wallSeconds / ctx.floor!.seconds, 3)}`,
            pass: w.wallSeconds <= NOOP_TARGETS.ciWarmOverFloor * ctx.floor!.seconds,
          }))
        : []),
    ],
  };
  log(`ci: targets: ${targets.checks.map((c) => `${c.target}: ${c.value} ${c.pass ? 'PASS' : 'FAIL'}`).join('; ')}`);
  const entry: ScenarioEntry = {
    ...cold,
    name: 'ci',
    expectation: 'see the four runs below',
    ok: cold.ok && warmSamePath.ok && warm.ok && warmMemos.ok,
    variants: [cold, warmSamePath, warm, warmMemos] as RunEntry[],
    graphSeconds: round(graph.graphSeconds),
    targets,
  };
  ctx.ci = { graphWs, graph, env, cold, warmSamePath, warm, entry };
  return ctx.ci;
}
