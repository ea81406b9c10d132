// The compiler's own view of header use: every compile task's compiler invocation rerun with `-M` instead
// of `-o <object>` (same flags, same environment, from the workspace root, after a build so generated sketch
// `.cpp` files exist). The result, per compile task, is the workspace-relative list of files the TU reads;
// `header-edit` compares it with what Nx rebuilt.
import * as path from 'node:path';
import { runPool } from './baseline';
import { shellTempName } from '../../packages/nx-fastled/src/plan';
import { compileSegment, GraphTask } from './task-graph';
import { BenchWorkspace, nxEnv } from './workspace';

/** The task's compiler invocation with `-M` in place of `-o <object>`, from its plan step. */
export function depCommand(t: GraphTask): string | undefined {
  const seg = compileSegment(t);
  if (!seg || t.step?.kind !== 'compile') return undefined;
  const output = ` -o ${shellTempName(t.step.object)}`;
  return seg.endsWith(output) ? `${seg.slice(0, -output.length)} -M` : undefined;
}

/** Parses make-style `-M` output into normalised paths (workspace-relative when inside the workspace). */
export function parseDeps(text: string, wsRoot: string): string[] {
  const body = text.replace(/\\\n/g, ' ');
  const colon = body.indexOf(': ');
  const files = body
    .slice(colon + 2)
    .split(/\s+/)
    .filter(Boolean)
    .map((f) => {
      const abs = path.resolve(wsRoot, f);
      const rel = path.relative(wsRoot, abs);
      return rel.startsWith('..') ? abs : rel.split(path.sep).join('/');
    });
  return [...new Set(files)].sort();
}

export interface DepScan {
  /** compile task id → files its TU reads. */
  deps: Map<string, string[]>;
  failed: string[];
  seconds: number;
}

export async function scanDeps(ws: BenchWorkspace, tasks: GraphTask[], env: Record<string, string>, workers = 2): Promise<DepScan> {
  const jobs = tasks
    .filter((t) => t.target === 'compile' && t.command)
    .map((t) => ({ id: t.id, deps: [], command: depCommand(t) }))
    .filter((j) => j.command);
  const t0 = Date.now();
  const results = await runPool(jobs, { cwd: ws.root, env: { ...nxEnv(ws), ...env }, workers, keepOutput: true });
  const deps = new Map<string, string[]>();
  const failed: string[] = [];
  for (const [id, r] of results) {
    if (r.code !== 0) failed.push(id);
    else deps.set(id, parseDeps(r.stdout, ws.root));
  }
  return { deps, failed, seconds: (Date.now() - t0) / 1000 };
}

/** Headers of the library (under `vendor/<Name>/<under>`) with the number of TUs that read each. */
export function headerUse(scan: DepScan, prefix: string): Map<string, number> {
  const count = new Map<string, number>();
  for (const files of scan.deps.values()) {
    for (const f of files) if (f.startsWith(prefix) && /\.(h|hpp|hh)$/.test(f)) count.set(f, (count.get(f) ?? 0) + 1);
  }
  return count;
}

/** 2–3 headers to edit: one read by few TUs, one by about a quarter of them, the most widely read one. */
export function pickHeaders(use: Map<string, number>, tuCount: number): { header: string; users: number; kind: string }[] {
  const entries = [...use.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  if (!entries.length) return [];
  const closest = (target: number) => entries.reduce((best, e) => (Math.abs(e[1] - target) < Math.abs(best[1] - target) ? e : best));
  const few = closest(Math.min(3, tuCount));
  const wide = entries[entries.length - 1];
  const mid = closest(Math.max(few[1] + 1, Math.round(tuCount / 4)));
  const picked = [
    { header: few[0], users: few[1], kind: 'few' },
    { header: mid[0], users: mid[1], kind: 'some' },
    { header: wide[0], users: wide[1], kind: 'wide' },
  ];
  return picked.filter((p, i) => picked.findIndex((q) => q.header === p.header) === i);
}
