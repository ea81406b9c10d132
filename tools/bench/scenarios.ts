// Scenarios: what each benchmark scenario sets up, runs and expects. `cold` is the prerequisite of the
// others (it runs first when a later scenario needs it) and also measures the no-Nx baseline. A scenario is
// one function in SCENARIOS; `ci` (ci.ts) and `peers` (peers.ts) live in their own modules.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runDirect, toolchainEnv, DirectRun } from './baseline';
import { headerUse, pickHeaders, scanDeps } from './deps';
import { figures, Figures, NxRun, phases, RAN_STATUSES, HIT_STATUSES, round, runNx, ranIds } from './nx-run';
import { exportTaskGraph, TaskGraph } from './task-graph';
import { CiState, ensureCi } from './ci';
import { peersScenario } from './peers';
import { noopScenario } from './noop';
import {
  addExtraDefine,
  copiedProgramPaths,
  copyToolchain,
  EXTRA_DEFINE_LINE,
  flipCc1plusByte,
  minimalPath,
  restoreCc1plus,
  restorePlatformTxt,
} from './toolchain';
import { BenchWorkspace, copyWorkspace, createWorkspace, snapshotNodeModules, touchAll } from './workspace';

export interface BenchOptions {
  library: string;
  board: string;
  tmpRoot: string;
  /** peers: how many examples the arduino-cli-like build measures (evenly spread; default all). */
  arduinoExamples?: number;
  /** peers: which peers to run (ccache, arduino; default both). */
  peers?: string[];
}

/** One measured nx run, as reported (JSON entry and markdown row). */
export interface RunEntry extends Figures {
  name: string;
  expectation: string;
  ok: boolean;
  /** Compiler-running tasks that ran where hits were expected (first 40), for evidence. */
  unexpectedRuns?: string[];
  [extra: string]: unknown;
}

export interface ScenarioEntry extends RunEntry {
  variants?: RunEntry[];
}

export interface ColdState {
  ws: BenchWorkspace;
  run: NxRun;
  graph: TaskGraph;
  env: Record<string, string>;
  direct: DirectRun;
  /** Tasks that failed cold (never cached, so they run again in every later scenario). */
  failedCold: Set<string>;
}

export class BenchContext {
  cold?: ColdState;
  /** The no-Nx baseline measured in this run; ratios in the report are against it. */
  baseline?: { directWallSeconds: number; commands: number; failed: string[]; graphSeconds: number };
  ci?: CiState;
  /** Nx's floor measured by `noop` (median seconds of a warm run over as many cached nx:noop tasks). */
  floor?: { seconds: number; tasks: number };
  private nodeModulesDir?: string;
  constructor(readonly opts: BenchOptions) {}

  /** The node_modules every workspace of this run links to (one plugin snapshot per benchmark run). */
  nodeModules(): string {
    return (this.nodeModulesDir ??= snapshotNodeModules(this.dir('node_modules')));
  }

  dir(...parts: string[]): string {
    return path.join(this.opts.tmpRoot, ...parts);
  }
}

type Scenario = (ctx: BenchContext) => Promise<ScenarioEntry>;

function log(msg: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function entry(name: string, run: NxRun, expectation: string, ok: boolean, extra: Record<string, unknown> = {}): RunEntry {
  const f = figures(run);
  log(
    `${name}: ${f.tasks} tasks, ${f.cacheHits} hits, ${f.compilerProcesses} compiler processes, ${f.wallSeconds}s${ok ? '' : '  (EXPECTATION NOT MET)'}`,
  );
  return { name, expectation, ok, ...f, ...extra };
}

/** Expect every task to hit, except tasks that failed cold (failures are never cached). */
function allHits(ctx: BenchContext, name: string, run: NxRun, extra: Record<string, unknown> = {}): RunEntry {
  const failedCold = ctx.cold!.failedCold;
  const unexpected = ranIds(run).filter((id) => !failedCold.has(id));
  const expectation = failedCold.size
    ? `100% hits except the ${failedCold.size} tasks that failed cold; 0 other compiler processes`
    : '100% hits, 0 compiler processes';
  const coldHash = new Map(ctx.cold!.run.tasks.map((t) => [t.id, t.hash]));
  const sameHash = run.tasks.filter((t) => t.hash && coldHash.get(t.id) === t.hash).length;
  return entry(name, run, expectation, unexpected.length === 0, {
    ...extra,
    sameHashAsCold: sameHash,
    ...(unexpected.length ? { unexpectedRuns: unexpected.slice(0, 40), unexpectedRunCount: unexpected.length } : {}),
  });
}

async function ensureCold(ctx: BenchContext): Promise<ColdState> {
  if (ctx.cold) return ctx.cold;
  const { library, board } = ctx.opts;
  log(`creating workspaces for ${library} (${board})`);
  const nodeModules = ctx.nodeModules();
  const ws = createWorkspace({ root: ctx.dir('cold', 'ws'), library, board, cacheDir: ctx.dir('cold', 'nx-cache'), nodeModules });
  // The baseline's own copy, made before any Nx run: its graph construction is a cold one too.
  const directWs = copyWorkspace(ws, ctx.dir('direct', 'ws'), { cacheDir: ctx.dir('direct', 'nx-cache') });
  log('constructing the task graph (cold graph construction, no tasks run)');
  const graph = exportTaskGraph(directWs);
  log(`graph: ${graph.tasks.length} tasks in ${round(graph.graphSeconds, 1)}s; running their commands without Nx (2 workers)`);
  const env = toolchainEnv(directWs);
  const direct = await runDirect(directWs, graph.tasks, env, 2);
  log(`direct: ${direct.commands} commands in ${direct.wallSeconds}s (${direct.failed.length} failed)`);
  log('nx cold run');
  const run = runNx(ws, 'cold');
  const failedCold = new Set(
    run.tasks.filter((t) => t.status === 'failure' || t.status === 'skipped' || t.status === 'stopped').map((t) => t.id),
  );
  ctx.cold = { ws, run, graph, env, direct, failedCold };
  ctx.baseline = {
    directWallSeconds: direct.wallSeconds,
    commands: direct.commands,
    failed: direct.failed,
    graphSeconds: round(graph.graphSeconds),
  };
  return ctx.cold;
}

const cold: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  const f = figures(c.run);
  const overheadPerTask = (c.run.wallSeconds - c.direct.wallSeconds) / f.tasks;
  return entry('cold', c.run, 'fresh workspace, empty cache: every task runs', f.cacheHits === 0, {
    phases: phases(c.run, ctx.opts.board),
    graphSeconds: round(c.graph.graphSeconds),
    directWallSeconds: c.direct.wallSeconds,
    directCommands: c.direct.commands,
    directFailed: c.direct.failed,
    directLoadAvg: c.direct.loadAvg,
    nxOverheadPerTaskMs: round(overheadPerTask * 1000, 1),
    nxOverheadExcludingGraphPerTaskMs: round(((c.run.wallSeconds - c.graph.graphSeconds - c.direct.wallSeconds) / f.tasks) * 1000, 1),
  });
};

const warm: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  return allHits(ctx, 'warm', runNx(c.ws, 'warm'));
};

const moved: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  // Another absolute path of another length; same cache directory.
  const ws = copyWorkspace(c.ws, ctx.dir('moved', 'a', 'b', 'c', 'ws'), { cacheIndex: true });
  return allHits(ctx, 'moved', runNx(ws, 'moved'), {
    root: ws.root,
    coldRoot: c.ws.root,
    copied: 'sources + .nx/workspace-data/*.db (Nx local-cache index); no dist/, no graph cache',
  });
};

const touched: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  const files = touchAll(c.ws, new Date(Date.now() + 1000));
  return allHits(ctx, 'touched', runNx(c.ws, 'touched'), { touchedEntries: files });
};

const toolchainMoved: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  const board = ctx.opts.board;
  const prefix = ctx.dir('toolchain', 'opt', 'avr-copy');
  log(`copying the AVR toolchain to ${prefix}`);
  copyToolchain(prefix);
  const env = { [`NX_FASTLED_${board.toUpperCase()}_PREFIX`]: prefix, PATH: minimalPath(ctx.dir('toolchain', 'path')) };
  const movedEnv = toolchainEnv(c.ws, env);
  const programs = copiedProgramPaths(prefix);
  const sameIdentity = JSON.stringify(Object.keys(movedEnv)) === JSON.stringify(Object.keys(c.env));
  const main = allHits(ctx, 'toolchain-moved', runNx(c.ws, 'toolchain-moved', env), {
    prefix,
    path: env.PATH,
    programs,
    identityVars: Object.keys(movedEnv),
    sameIdentityAsSystem: sameIdentity,
  });

  const compileIds = c.run.tasks.filter((t) => t.target === 'compile').map((t) => t.id);
  const flip = flipCc1plusByte(prefix);
  let run = runNx(c.ws, 'toolchain-cc1plus-flip', env);
  restoreCc1plus(prefix);
  const hitCompiles = run.tasks.filter((t) => t.target === 'compile' && HIT_STATUSES.has(t.status)).map((t) => t.id);
  const flipEntry = entry(
    'toolchain-moved/cc1plus-byte',
    run,
    'every compile task misses',
    hitCompiles.length === 0 && compileIds.length > 0,
    {
      flipped: flip,
      compileTasks: compileIds.length,
      compileHits: hitCompiles.length,
      compileMisses: compileIds.length - hitCompiles.length,
      ...(hitCompiles.length ? { unexpectedHits: hitCompiles.slice(0, 40) } : {}),
    },
  );

  const platform = addExtraDefine(prefix);
  run = runNx(c.ws, 'toolchain-extra-define', env);
  restorePlatformTxt(prefix);
  const isCpp = (id: string) => /\.(cpp|cc|cxx|ino)(\.cpp)?:compile$/.test(id);
  const compiles = run.tasks.filter((t) => t.target === 'compile');
  const cppHits = compiles.filter((t) => isCpp(t.id) && HIT_STATUSES.has(t.status)).map((t) => t.id);
  const otherCompiles = compiles.filter((t) => !isCpp(t.id));
  const defineEntry = entry('toolchain-moved/extra-define', run, 'every C++ compile task misses', cppHits.length === 0, {
    edit: `${EXTRA_DEFINE_LINE} appended to ${platform}`,
    cppCompileTasks: compiles.filter((t) => isCpp(t.id)).length,
    cppCompileHits: cppHits.length,
    otherCompileTasks: otherCompiles.length,
    otherCompileHits: otherCompiles.filter((t) => HIT_STATUSES.has(t.status)).length,
    ...(cppHits.length ? { unexpectedHits: cppHits.slice(0, 40) } : {}),
  });
  return { ...main, variants: [flipEntry, defineEntry] };
};

const headerEdit: Scenario = async (ctx) => {
  const c = await ensureCold(ctx);
  const libPrefix = `vendor/${c.ws.libName}/`;
  log('computing avr-g++ -M for every TU of the graph');
  const scan = await scanDeps(c.ws, c.graph.tasks, c.env, 2);
  log(`-M: ${scan.deps.size} TUs in ${round(scan.seconds, 1)}s (${scan.failed.length} failed)`);
  let use = headerUse(scan, `${libPrefix}src/fl/`);
  if (use.size < 3) use = headerUse(scan, `${libPrefix}src/`);
  if (use.size < 3) use = headerUse(scan, libPrefix);
  const picks = pickHeaders(use, scan.deps.size);
  const variants: RunEntry[] = [];
  for (const pick of picks) {
    const file = path.join(c.ws.root, pick.header);
    const original = fs.readFileSync(file);
    const token = `nxf-bench-${pick.kind}-${Date.now()}`;
    fs.writeFileSync(file, Buffer.concat([original, Buffer.from(`${original.at(-1) === 0x0a ? '' : '\n'}// touched ${token}\n`)]));
    let run: NxRun;
    try {
      run = runNx(c.ws, `header-edit-${pick.kind}`);
    } finally {
      fs.writeFileSync(file, original);
    }
    const must = [...scan.deps].filter(([, files]) => files.includes(pick.header)).map(([id]) => id);
    const rebuilt = run.tasks.filter((t) => t.target === 'compile' && RAN_STATUSES.has(t.status)).map((t) => t.id);
    const rebuiltSet = new Set(rebuilt);
    const missedThatShouldHave = must.filter((id) => !rebuiltSet.has(id));
    const mustSet = new Set(must);
    variants.push(
      entry(
        `header-edit/${pick.kind}`,
        run,
        'every TU whose -M lists the header recompiles (missed-that-should-have = 0)',
        missedThatShouldHave.length === 0,
        {
          header: pick.header,
          mustRebuild: must.length,
          rebuilt: rebuilt.length,
          missedThatShouldHave: missedThatShouldHave.length,
          ...(missedThatShouldHave.length ? { missedThatShouldHaveIds: missedThatShouldHave.slice(0, 40) } : {}),
          overApproximation: must.length ? round(rebuilt.length / must.length, 2) : null,
          rebuiltNotNeeded: rebuilt.filter((id) => !mustSet.has(id)).slice(0, 20),
        },
      ),
    );
  }
  const sum = (k: keyof Figures) => variants.reduce((s, v) => s + (v[k] as number), 0);
  const total: ScenarioEntry = {
    name: 'header-edit',
    expectation: 'sum over the header edits below',
    ok: variants.every((v) => v.ok),
    tasks: sum('tasks'),
    cacheHits: sum('cacheHits'),
    compilerProcesses: sum('compilerProcesses'),
    compileSeconds: round(sum('compileSeconds')),
    wallSeconds: round(sum('wallSeconds')),
    exitCode: Math.max(...variants.map((v) => v.exitCode)),
    loadAvg: [variants[0]?.loadAvg[0] ?? 0, variants.at(-1)?.loadAvg[1] ?? 0],
    statuses: {},
    byTarget: {},
    failed: [],
    depScan: { tus: scan.deps.size, failed: scan.failed, seconds: round(scan.seconds, 1), libraryHeaders: use.size },
    variants,
  };
  return total;
};

const ci: Scenario = async (ctx) => (await ensureCi(ctx)).entry;

export const SCENARIOS: Record<string, Scenario> = {
  cold,
  warm,
  moved,
  touched,
  'toolchain-moved': toolchainMoved,
  'header-edit': headerEdit,
  ci,
  peers: async (ctx) => (await peersScenario(ctx)) as unknown as ScenarioEntry,
  noop: noopScenario,
};
