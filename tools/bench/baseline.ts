// Baselines without Nx: the exact commands of the task graph run by a small dependency-ordered worker pool
// (2 workers) from the workspace root, with the environment the plugin's preTasksExecution would set
// (`NXF_<BOARD>_<id>_BIN/_CORE` and the run's input manifest `NXF_INPUTS`, computed by the plugin's own modules). Also the generic pool used by the
// dependency (`-M`) pass.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { spawn } from 'node:child_process';
import { normalizeOptions } from '../../packages/nx-fastled/src/plugin/options';
import { toolchainVars } from '../../packages/nx-fastled/src/plugin/shell';
import { resolveRequestedBoards } from '../../packages/nx-fastled/src/plugin/state';
import { StatMemo } from '../../packages/nx-fastled/src/hashing/stat-memo';
import { ProbeMemo } from '../../packages/nx-fastled/src/toolchain/identity';
import { MANIFEST_ENV } from '../../packages/nx-fastled/src/hashing/input-manifest';
import { writeRunManifest } from '../../packages/nx-fastled/src/plugin/input-manifest';
import type { GraphTask } from './task-graph';
import { round } from './nx-run';
import { BenchWorkspace, nxEnv } from './workspace';

/** What preTasksExecution puts into the environment for the workspace's board. */
export function toolchainEnv(ws: BenchWorkspace, extraEnv: Record<string, string | undefined> = {}): Record<string, string> {
  const env = nxEnv(ws, extraEnv);
  const saved = process.env;
  process.env = env; // the locator reads process.env (PATH, NX_FASTLED_<BOARD>_PREFIX)
  try {
    const options = normalizeOptions({ boards: [ws.board] }, env);
    const out: Record<string, string> = {};
    for (const [name, entry] of resolveRequestedBoards(ws.root, options, new StatMemo(), new ProbeMemo())) {
      if (!entry.ok) throw new Error(`board ${name}: toolchain not found (${entry.missing.missing})`);
      const vars = toolchainVars(name, entry.identity);
      out[vars.bin] = entry.located.binDir;
      out[vars.core] = entry.located.coreDir;
    }
    return out;
  } finally {
    process.env = saved;
  }
}

export interface PoolJob {
  id: string;
  deps: string[];
  command?: string;
}

export interface PoolResult {
  id: string;
  code: number;
  start: number;
  end: number;
  stdout: string;
  stderr: string;
}

/** Runs jobs in dependency order with `workers` at a time; a job whose dependency failed is skipped. */
export async function runPool(
  jobs: PoolJob[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; workers: number; keepOutput?: boolean },
): Promise<Map<string, PoolResult>> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const waiting = new Map(jobs.map((j) => [j.id, new Set(j.deps.filter((d) => byId.has(d)))]));
  const dependents = new Map<string, string[]>();
  for (const j of jobs) for (const d of j.deps) if (byId.has(d)) dependents.set(d, [...(dependents.get(d) ?? []), j.id]);
  const ready = jobs.filter((j) => waiting.get(j.id)!.size === 0).map((j) => j.id);
  const results = new Map<string, PoolResult>();
  const failed = new Set<string>();
  let running = 0;
  return new Promise((resolve) => {
    const finish = (id: string, r: PoolResult) => {
      results.set(id, r);
      if (r.code !== 0) failed.add(id);
      for (const d of dependents.get(id) ?? []) {
        const w = waiting.get(d)!;
        w.delete(id);
        if (w.size === 0) ready.push(d);
      }
    };
    const pump = () => {
      while (running < opts.workers && ready.length) {
        const id = ready.shift()!;
        const job = byId.get(id)!;
        const now = Date.now();
        if (!job.command || job.deps.some((d) => failed.has(d))) {
          finish(id, { id, code: job.command ? -2 : 0, start: now, end: now, stdout: '', stderr: '' });
          continue;
        }
        running++;
        const child = spawn('/bin/sh', ['-c', job.command], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b) => (opts.keepOutput ? (stdout += b) : undefined));
        child.stderr.on('data', (b) => (stderr.length < 4000 ? (stderr += b) : undefined));
        child.on('close', (code) => {
          running--;
          finish(id, { id, code: code ?? -1, start: now, end: Date.now(), stdout, stderr });
          pump();
        });
      }
      if (running === 0 && !ready.length) resolve(results);
    };
    pump();
  });
}

export interface DirectRun {
  wallSeconds: number;
  loadAvg: [number, number];
  commands: number;
  failed: string[];
  skipped: number;
}

/** The task graph's commands without Nx, 2 workers, same environment as the plugin's tasks. */
export async function runDirect(ws: BenchWorkspace, tasks: GraphTask[], env: Record<string, string>, workers = 2): Promise<DirectRun> {
  // Compile commands check their inputs against the run's manifest, which preTasksExecution writes when Nx
  // runs them: write it the same way (and time it, as part of the run) so the commands are the same.
  const load0 = os.loadavg()[0] as number;
  const t0 = process.hrtime.bigint();
  const saved = process.env[MANIFEST_ENV];
  await writeRunManifest(ws.root, 'direct');
  const manifest = process.env[MANIFEST_ENV]!;
  if (saved === undefined) delete process.env[MANIFEST_ENV];
  else process.env[MANIFEST_ENV] = saved;
  const results = await runPool(tasks, { cwd: ws.root, env: { ...nxEnv(ws), ...env, [MANIFEST_ENV]: manifest }, workers });
  fs.rmSync(manifest, { force: true });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const withCommand = tasks.filter((t) => t.command);
  return {
    wallSeconds: round(wallSeconds),
    loadAvg: [round(load0, 2), round(os.loadavg()[0] as number, 2)],
    commands: withCommand.length,
    failed: withCommand.filter((t) => (results.get(t.id)?.code ?? 0) > 0).map((t) => t.id),
    skipped: withCommand.filter((t) => results.get(t.id)?.code === -2).length,
  };
}
