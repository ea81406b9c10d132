// The task graph of `nx run-many -t build` as plain data: every task's id, project, target, shell command
// (from the project graph: `nx:run-commands` options.command), its build-plan step (the target's
// `metadata.nxFastled`, see packages/nx-fastled/src/plan) and the tasks it depends on. Read with
// `nx run-many -t build --graph=<file>`, which constructs the project graph without running anything, so its
// duration is the graph-construction time of a workspace.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileInvocation, type PlanStep, type TaskTool } from '../../packages/nx-fastled/src/plan';
import { BenchWorkspace, NX_BIN, nxEnv } from './workspace';

export interface GraphTask {
  id: string;
  project: string;
  target: string;
  /** Undefined for tasks without a command (nx:noop). */
  command?: string;
  /** The build-plan step the command renders (compile, archive, link); undefined for other targets. */
  step?: PlanStep;
  /** The task CLI the step's command calls (for the sketch and link invocations). */
  tool?: TaskTool;
  deps: string[];
}

export interface TaskGraph {
  tasks: GraphTask[];
  graphSeconds: number;
}

export function exportTaskGraph(ws: BenchWorkspace, extraEnv: Record<string, string | undefined> = {}): TaskGraph {
  const file = path.join(path.dirname(ws.cacheDir), `task-graph-${path.basename(ws.root)}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(NX_BIN, ['run-many', '-t', 'build', `--graph=${file}`], {
    cwd: ws.root,
    env: nxEnv(ws, extraEnv),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const graphSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 || !fs.existsSync(file)) throw new Error(`nx --graph failed (${r.status}): ${r.stderr}\n${r.stdout}`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  type Target = { executor?: string; options?: { command?: string }; metadata?: { nxFastled?: { step?: PlanStep; tool?: TaskTool } } };
  const nodes = data.graph.nodes as Record<string, { data: { targets: Record<string, Target> } }>;
  const tasks: GraphTask[] = Object.entries(data.tasks.tasks as Record<string, { target: { project: string; target: string } }>).map(
    ([id, t]) => {
      const target = nodes[t.target.project]?.data.targets[t.target.target];
      return {
        id,
        project: t.target.project,
        target: t.target.target,
        command: target?.executor === 'nx:run-commands' ? target.options?.command : undefined,
        step: target?.metadata?.nxFastled?.step,
        tool: target?.metadata?.nxFastled?.tool,
        // Nx 24 lists dependencies as `{ id }` objects; older versions as plain ids.
        deps: ((data.tasks.dependencies[id] as (string | { id: string })[]) ?? []).map((d) => (typeof d === 'string' ? d : d.id)),
      };
    },
  );
  return { tasks, graphSeconds };
}

/** The compiler invocation of a compile task, rendered from its plan step (a substring of its command). */
export function compileSegment(t: GraphTask): string | undefined {
  return t.step?.kind === 'compile' ? compileInvocation(t.step, t.step.env) : undefined;
}
