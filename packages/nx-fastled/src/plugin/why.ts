// "Why did this run?" at the end of a run (postTasksExecution): Nx's hash details of every task become
// `TaskInputs` (why/inputs.ts) — file inputs split into one content hash per file from Nx's own workspace
// snapshot, dependency outputs by file, the command split into flags, toolchain identity and task-code
// digest — each task that ran is compared with its last record, and the records are replaced. Also the
// example task graphs the report draws (why/graph-html.ts), from the project graph Nx cached for the run.
import * as path from 'node:path';
import type { PostTasksExecutionContext, ProjectGraph } from '@nx/devkit';
import { isMatch } from 'micromatch';
import { workspaceFiles } from '../nx-compat';
import { ExampleGraph, GraphTask, taskState } from '../why/graph-html';
import { readIndex, readInputs, Reason, splitCommand, TaskInputs, whyRan, writeInputs } from '../why/inputs';
import { memoDir } from './state';

export const INPUTS_FILE = 'task-inputs.json';
export const INDEX_FILE = 'task-hashes.json';

type TaskResult = PostTasksExecutionContext['taskResults'][string];
type HashDetails = {
  command?: string;
  nodes?: Record<string, string>;
  implicitDeps?: Record<string, string>;
  runtime?: Record<string, string>;
};

const GLOB = /[*?[\]{}]/;
/** Parts of another project's hash that are not files: its configuration and its root tsconfig's. */
const CONFIG_PART = /^(ProjectConfiguration|TsConfig)$/;

/** Files of a comma-separated list of workspace-relative paths or globs, each with Nx's content hash. */
function addFiles(files: Record<string, string>, list: string, fileHash: Map<string, string>): void {
  for (const entry of list.split(',')) {
    const rel = entry.replace(/^\{workspaceRoot\}\//, '');
    if (GLOB.test(rel)) {
      for (const [f, h] of fileHash) if (isMatch(f, rel)) files[f] = h;
    } else files[rel] = fileHash.get(rel) ?? 'missing';
  }
}

/** One task's inputs from Nx's hash details; `fileHash` is Nx's content hash of a workspace file. */
export function taskInputs(
  project: string,
  hash: string,
  details: HashDetails,
  command: string | undefined,
  fileHash: Map<string, string>,
): TaskInputs {
  const files: Record<string, string> = {};
  const deps: Record<string, string> = {};
  const other: Record<string, string> = {};
  for (const [key, value] of Object.entries(details.nodes ?? {})) {
    const list = /^workspace:\[(.*)\]$/.exec(key)?.[1];
    if (list !== undefined) {
      addFiles(files, list, fileHash);
      continue;
    }
    // A named input of another project (plugin/shared-inputs.ts): `<project>:<its files, comma-separated>`.
    const named = /^([^:*?]+):(.+)$/.exec(key);
    if (named && named[1] !== project && !CONFIG_PART.test(named[2]) && named[2].includes('/')) {
      addFiles(files, named[2], fileHash);
      continue;
    }
    // dependentTasksOutputFiles: `<glob>:<the dependency's outputs, comma-separated>` per dependency task.
    const dep = /^([^:]*[*?][^:]*):(.+)$/.exec(key);
    if (dep) {
      const matching = dep[2].split(',').filter((f) => isMatch(f, dep[1], { dot: true }));
      if (matching.length) deps[matching[0]] = value;
      continue;
    }
    other[key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key] = value;
  }
  for (const [k, v] of Object.entries(details.runtime ?? {})) other[`runtime:${k}`] = v;
  for (const [k, v] of Object.entries(details.implicitDeps ?? {})) other[`implicit:${k}`] = v;
  return { hash, files, deps, ...(command ? splitCommand(command) : {}), other };
}

export interface WhyResult {
  /** Reasons of every task of the run that was not a cache hit (ran or failed). */
  reasons: Record<string, Reason[]>;
  graphs: ExampleGraph[];
}

const ran = (r: TaskResult) => r.status === 'success' || r.status === 'failure';

export async function recordWhy(
  context: PostTasksExecutionContext,
  graph: ProjectGraph | undefined,
  buildTarget: string,
): Promise<WhyResult> {
  const file = path.join(memoDir(context.workspaceRoot), INPUTS_FILE);
  const indexFile = path.join(memoDir(context.workspaceRoot), INDEX_FILE);
  const index = readIndex(indexFile);
  const hashed = (r: TaskResult) => !!r.task.hash && !!(r.task as { hashDetails?: HashDetails }).hashDetails;
  // A run where every task hit with its recorded hash records nothing: the records are not even read.
  const pending = Object.entries(context.taskResults).some(([id, r]) => hashed(r) && (ran(r) || index?.[id] !== r.task.hash));
  if (index && !pending) return { reasons: {}, graphs: graph ? exampleGraphs(context, graph, {}, buildTarget) : [] };
  const previous = readInputs(file);
  let fileHash: Map<string, string> | undefined;
  const current: Record<string, TaskInputs> = {};
  const reasons: Record<string, Reason[]> = {};
  let changed = false;
  for (const [id, r] of Object.entries(context.taskResults)) {
    const details = (r.task as { hashDetails?: HashDetails }).hashDetails;
    if (!r.task.hash || !details) continue;
    // The same hash means the same inputs: the record stays (a warm run recomputes and rewrites nothing).
    if (previous.tasks[id]?.hash === r.task.hash && !ran(r)) continue;
    fileHash ??= new Map((await workspaceFiles(context.workspaceRoot)).map((f) => [f.file, f.hash]));
    const { project, target } = r.task.target;
    const command = graph?.nodes[project]?.data.targets?.[target]?.options?.command as string | undefined;
    current[id] = taskInputs(project, r.task.hash, details, command, fileHash);
    changed = true;
    if (ran(r)) reasons[id] = whyRan(previous.tasks[id], current[id]);
  }
  if (changed || !index) writeInputs(file, previous, current, indexFile);
  return { reasons, graphs: graph ? exampleGraphs(context, graph, reasons, buildTarget) : [] };
}

/** Each example build of the run with the tasks below it (by the targets' `dependsOn` project lists). */
export function exampleGraphs(
  context: PostTasksExecutionContext,
  graph: ProjectGraph,
  reasons: Record<string, Reason[]>,
  buildTarget: string,
): ExampleGraph[] {
  const out: ExampleGraph[] = [];
  for (const [name, node] of Object.entries(graph.nodes)) {
    if (!node.data.tags?.includes('nx-fastled:example')) continue;
    const root = `${name}:${buildTarget}`;
    if (!context.taskResults[root]) continue;
    const tasks: Record<string, GraphTask> = {};
    const visit = (project: string, target: string): string | undefined => {
      const id = `${project}:${target}`;
      if (tasks[id]) return id;
      const config = graph.nodes[project]?.data.targets?.[target];
      if (!config) return undefined;
      const tags = graph.nodes[project].data.tags ?? [];
      const kind: GraphTask['kind'] =
        target === buildTarget
          ? 'build'
          : tags.includes('nx-fastled:link')
            ? 'link'
            : tags.includes('nx-fastled:archive')
              ? 'archive'
              : tags.includes('nx-fastled:tu')
                ? 'compile'
                : 'other';
      const task: GraphTask = {
        id,
        label: label(project, kind, config.metadata as Record<string, unknown> | undefined),
        kind,
        state: taskState(context.taskResults[id]?.status),
        ...(reasons[id] ? { reasons: reasons[id] } : {}),
        deps: [],
      };
      tasks[id] = task;
      for (const d of config.dependsOn ?? []) {
        if (typeof d === 'string' || !d.projects || !d.target) continue;
        for (const p of Array.isArray(d.projects) ? d.projects : [d.projects]) {
          const child = visit(p, d.target);
          if (child) task.deps.push(child);
        }
      }
      return id;
    };
    visit(name, buildTarget);
    // createNodes' per-board notes: every board that does not build the example, with why (its filters, a
    // .test.skip file, a missing toolchain).
    const notes = (node.data.metadata as { nxFastled?: { boards?: Record<string, string> } } | undefined)?.nxFastled?.boards ?? {};
    const notBuilt = Object.fromEntries(Object.entries(notes).filter(([, note]) => note !== 'built'));
    out.push({ example: name, root, tasks, ...(Object.keys(notBuilt).length ? { notBuilt } : {}) });
  }
  return out;
}

/** What a node says: a TU's path, an archive's file, a link's board. */
function label(project: string, kind: GraphTask['kind'], metadata: Record<string, unknown> | undefined): string {
  const step = (metadata?.nxFastled as { step?: { unit?: string; archive?: string; board?: string; name?: string } } | undefined)?.step;
  if (kind === 'compile' && step?.unit) return step.unit;
  if (kind === 'archive' && step?.archive) return `${step.board}: ${path.posix.basename(step.archive)}`;
  if (kind === 'link' && step?.board) return `link ${step.name ?? ''} for ${step.board}`;
  return project;
}
