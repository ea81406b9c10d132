// Run + parse: runs `nx run-many -t build` in a benchmark workspace, times it, reads the run record that the
// plugin's postTasksExecution writes (`dist/report/run.json`) and turns it into the scenario figures:
// tasks, cache hits, compiler-running tasks, compile span, per-phase figures.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../packages/nx-fastled/src/plugin/post-tasks';
import { BenchWorkspace, NX_BIN, nxEnv } from './workspace';

/** One task of the plugin's run record (`dist/report/run.json`). */
export type TaskRecord = RunRecord['tasks'][number];

export interface NxRun {
  exitCode: number;
  wallSeconds: number;
  tasks: TaskRecord[];
  log: string;
  /** 1-minute load average before and after: other work on the machine skews every timing. */
  loadAvg: [number, number];
}

export const HIT_STATUSES = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);
export const RAN_STATUSES = new Set(['success', 'failure']);
export const COMPILER_TARGETS = new Set(['compile', 'archive', 'link']);

let runCounter = 0;

export function runNx(ws: BenchWorkspace, label: string, extraEnv: Record<string, string | undefined> = {}): NxRun {
  const report = path.join(ws.root, 'dist/report/run.json');
  fs.rmSync(report, { force: true });
  const log = path.join(path.dirname(ws.cacheDir), `nx-${String(++runCounter).padStart(2, '0')}-${label}.log`);
  const fd = fs.openSync(log, 'w');
  const load0 = os.loadavg()[0];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(NX_BIN, ['run-many', '-t', 'build', '--parallel=2', '--outputStyle=static'], {
    cwd: ws.root,
    env: nxEnv(ws, extraEnv),
    stdio: ['ignore', fd, fd],
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  if (!fs.existsSync(report)) throw new Error(`nx run (${label}) wrote no ${report}; exit ${r.status}; see ${log}`);
  const record = JSON.parse(fs.readFileSync(report, 'utf8')) as { tasks: TaskRecord[] };
  return { exitCode: r.status ?? -1, wallSeconds, tasks: record.tasks, log, loadAvg: [round(load0, 2), round(os.loadavg()[0], 2)] };
}

export interface Span {
  tasks: number;
  /** Sum of the tasks' own durations. */
  taskSeconds: number;
  /** From the first start to the last end. */
  wallSeconds: number;
}

export function span(tasks: TaskRecord[]): Span {
  const timed = tasks.filter((t) => t.startTime && t.endTime);
  if (!timed.length) return { tasks: tasks.length, taskSeconds: 0, wallSeconds: 0 };
  const start = Math.min(...timed.map((t) => t.startTime!));
  const end = Math.max(...timed.map((t) => t.endTime!));
  const sum = timed.reduce((s, t) => s + (t.endTime! - t.startTime!), 0);
  return { tasks: tasks.length, taskSeconds: round(sum / 1000), wallSeconds: round((end - start) / 1000) };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type Phase = 'core' | 'library' | 'sketches' | 'link' | 'other';

/** `<board>/core...` → core; link → link; `<board>/<lib>/examples/...` compile → sketches; other compile/archive → library. */
export function phaseOf(t: TaskRecord, board: string): Phase {
  if (t.project === `${board}/core` || t.project.startsWith(`${board}/core/`)) return 'core';
  if (t.target === 'link') return 'link';
  if (t.target === 'compile' && new RegExp(`^${board}/[^/]+/examples/`).test(t.project)) return 'sketches';
  if ((t.target === 'compile' || t.target === 'archive') && t.project.startsWith(`${board}/`)) return 'library';
  return 'other';
}

export interface Figures {
  tasks: number;
  cacheHits: number;
  /** Tasks of target compile/archive/link that actually ran (status success or failure). */
  compilerProcesses: number;
  /** Wall span of the compile/archive/link tasks that ran; 0 if none ran. */
  compileSeconds: number;
  wallSeconds: number;
  exitCode: number;
  loadAvg: [number, number];
  statuses: Record<string, number>;
  /** Per target: how many tasks, hits, ran. */
  byTarget: Record<string, { tasks: number; hits: number; ran: number }>;
  failed: string[];
}

export function figures(run: NxRun): Figures {
  const statuses: Record<string, number> = {};
  const byTarget: Figures['byTarget'] = {};
  for (const t of run.tasks) {
    statuses[t.status] = (statuses[t.status] ?? 0) + 1;
    const b = (byTarget[t.target] ??= { tasks: 0, hits: 0, ran: 0 });
    b.tasks++;
    if (HIT_STATUSES.has(t.status)) b.hits++;
    if (RAN_STATUSES.has(t.status)) b.ran++;
  }
  const compilerRan = run.tasks.filter((t) => COMPILER_TARGETS.has(t.target) && RAN_STATUSES.has(t.status));
  return {
    tasks: run.tasks.length,
    cacheHits: run.tasks.filter((t) => HIT_STATUSES.has(t.status)).length,
    compilerProcesses: compilerRan.length,
    compileSeconds: compilerRan.length ? span(compilerRan).wallSeconds : 0,
    wallSeconds: round(run.wallSeconds),
    exitCode: run.exitCode,
    loadAvg: run.loadAvg,
    statuses,
    byTarget,
    failed: run.tasks.filter((t) => t.status === 'failure').map((t) => t.id),
  };
}

/** Per-phase figures of the tasks that ran. */
export function phases(run: NxRun, board: string): Record<Exclude<Phase, 'other'>, Span> {
  const ran = run.tasks.filter((t) => RAN_STATUSES.has(t.status));
  const pick = (p: Phase) => span(ran.filter((t) => phaseOf(t, board) === p));
  return { core: pick('core'), library: pick('library'), sketches: pick('sketches'), link: pick('link') };
}

/** Tasks that ran (compiler-running) although a hit was expected, for evidence. */
export function ranIds(run: NxRun): string[] {
  return run.tasks.filter((t) => RAN_STATUSES.has(t.status)).map((t) => t.id);
}
