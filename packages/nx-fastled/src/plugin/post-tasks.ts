// postTasksExecution: records what every task of the run did (ran, local or remote cache hit, failed), its
// hash and its timing, in `<outputDir>/report/run.json`. The build report and the benchmark read it.
//
// Format: { "version": 1, "startTime": <ms>, "endTime": <ms>, "argv": [...],
//           "tasks": [ { "id", "project", "target", "status", "code", "hash", "startTime", "endTime" } ] }
// `status` is Nx's: success | failure | skipped | stopped | local-cache | local-cache-kept-existing | remote-cache.
// A failed task also has `terminalOutput`: the last 20 lines of what it printed (each cut at 400 characters).
// A task that ran (not a cache hit) has `why`: [ { "kind", "subject" } ], the inputs that differ from its last
// recorded run (why/inputs.ts; the records are in <workspace-data>/nx-fastled/task-inputs.json).
//
// Then the build report (src/report, docs/REPORT.md): report.json, report.md, report.html beside run.json.
import * as path from 'node:path';
import type { PostTasksExecutionContext, ProjectGraph } from '@nx/devkit';
import { readCachedProjectGraph } from '../nx-compat';
import { countWarnings } from '../report/collect';
import type { ExampleInfo } from '../report/model';
import { StatMemo } from '../hashing/stat-memo';
import { ProbeMemo } from '../toolchain/identity';
import { writeReport } from '../report/write';
import { writeAtomic } from '../util/atomic';
import { normalizeOptions, readOptions, NxFastledOptions, NormalizedOptions } from './options';
import { ExampleProjectNotes, MissingBoard, summaryLines } from './run-summary';
import { memoDir, missingBoardsOf, resolveRequestedBoards, takeMissingBoards } from './state';
import { removeRunManifest } from './input-manifest';
import { recordWhy, WhyResult } from './why';
import { reasonLines, type Reason } from '../why/inputs';
import { GRAPH_CSS, renderWhySection } from '../why/graph-html';

const TAIL_LINES = 20;
const TAIL_LINE_CHARS = 400;

function tail(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const lines = text.replace(/\s+$/, '').split('\n');
  return lines
    .slice(-TAIL_LINES)
    .map((l) => (l.length > TAIL_LINE_CHARS ? `${l.slice(0, TAIL_LINE_CHARS - 3)}...` : l))
    .join('\n');
}

export interface RunRecord {
  version: 1;
  startTime: number;
  endTime: number;
  argv: string[];
  tasks: {
    id: string;
    project: string;
    target: string;
    status: string;
    code: number;
    hash?: string;
    startTime?: number;
    endTime?: number;
    /** Failed tasks only: the last lines of their terminal output. */
    terminalOutput?: string;
    /** Compiler warnings in the terminal output (a cache hit replays it, so they count again); absent = 0. */
    warnings?: number;
    /** Tasks that ran (not cache hits): the inputs that differ from the last recorded run of the task (why/inputs.ts). */
    why?: Reason[];
  }[];
}

export async function postTasksExecution(rawOptions: NxFastledOptions | undefined, context: PostTasksExecutionContext): Promise<void> {
  removeRunManifest();
  const options = normalizeOptions(readOptions(context.workspaceRoot, rawOptions), process.env);
  // Why each task that was not a cache hit ran: recorded for the next run, shown below and in the report.
  // Read once: it is the whole graph (megabytes of JSON for a large library).
  const graph = readCachedProjectGraph<ProjectGraph>(context.workspaceRoot);
  let why: WhyResult = { reasons: {}, graphs: [] };
  try {
    why = await recordWhy(context, graph, options.targetNames.build);
  } catch (e) {
    process.stderr.write(`nx-fastled: could not record why tasks ran: ${(e as Error).message}\n`);
  }

  const record: RunRecord = {
    version: 1,
    startTime: context.startTime,
    endTime: context.endTime,
    argv: context.argv.slice(2),
    tasks: Object.entries(context.taskResults)
      .map(([id, r]) => ({
        id,
        project: r.task.target.project,
        target: r.task.target.target,
        status: r.status,
        code: r.code,
        hash: r.task.hash,
        startTime: r.task.startTime,
        endTime: r.task.endTime,
        ...(r.status === 'failure' && tail(r.terminalOutput) ? { terminalOutput: tail(r.terminalOutput) } : {}),
        ...(countWarnings(r.terminalOutput) ? { warnings: countWarnings(r.terminalOutput) } : {}),
        ...(why.reasons[id] ? { why: why.reasons[id] } : {}),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
  const file = path.join(context.workspaceRoot, options.outputDir, 'report', 'run.json');
  writeAtomic(file, JSON.stringify(record, null, 1));

  // The build report: never fails the run, says why it could not be written.
  try {
    const ranExamples = exampleNotes(graph, context, options);
    // Only for runs that built something of nx-fastled's: a lint run is not told about toolchains.
    const missing = ranExamples.length ? (takeMissingBoards(context.id) ?? missingBoards(context.workspaceRoot, options)) : [];
    const written = writeReport(
      {
        ...record,
        boardsNotBuilt: missing.map((m) => ({ board: m.board, reason: `${m.missing} was not found; install it with: ${m.install}` })),
        // The live run knows more than run.json keeps: outputs (where each link's size.json is) and the whole
        // terminal output of a failed task (its first errors).
        tasks: record.tasks.map((t) => {
          const r = context.taskResults[t.id];
          return {
            ...t,
            outputs: r?.task.outputs,
            projectRoot: r?.task.projectRoot,
            terminalOutput: r?.status === 'failure' ? r.terminalOutput : undefined,
          };
        }),
      },
      {
        workspaceRoot: context.workspaceRoot,
        outputDir: options.outputDir,
        targetNames: { compile: options.targetNames.compile, link: options.targetNames.link },
        env: process.env,
        examples: exampleProjects(graph),
        sections: why.graphs.length ? [{ html: renderWhySection(why.graphs), css: GRAPH_CSS, top: true }] : [],
      },
    );
    if (written.report.entries.length || written.report.failures.length || ranExamples.length) {
      const lines = [
        ...reasonLines(why.reasons),
        ...summaryLines(written.report, written.files.html, context.workspaceRoot, ranExamples, missing),
      ];
      process.stdout.write(`\n${lines.join('\n')}\n`);
    }
  } catch (e) {
    process.stderr.write(
      `nx-fastled: could not write the build report under ${path.join(options.outputDir, 'report')}: ${(e as Error).message}\n`,
    );
  }
}

/**
 * An example project's per-board notes (`built` or why not). Library projects carry a `boards` record too, of
 * board facts rather than notes: only projects tagged as examples are read.
 */
function exampleBoards(data: { tags?: string[]; metadata?: unknown }): Record<string, string> | undefined {
  if (!data.tags?.includes('nx-fastled:example')) return undefined;
  return (data.metadata as { nxFastled?: { boards?: Record<string, string> } } | undefined)?.nxFastled?.boards;
}

/** The plugin's example projects (folder, per-board notes) from the graph Nx cached for this run. */
function exampleProjects(graph: ProjectGraph | undefined): ExampleInfo[] | undefined {
  if (!graph) return undefined;
  return Object.values(graph.nodes)
    .map((n) => ({ n, boards: exampleBoards(n.data) }))
    .filter((x): x is typeof x & { boards: Record<string, string> } => !!x.boards)
    .map(({ n, boards }) => ({ example: n.name, root: n.data.root, boards }));
}

/** The example projects whose build target was part of this run, with createNodes' per-board notes. */
function exampleNotes(
  graph: ProjectGraph | undefined,
  context: PostTasksExecutionContext,
  options: NormalizedOptions,
): ExampleProjectNotes[] {
  if (!graph) return [];
  const out: ExampleProjectNotes[] = [];
  for (const [name, node] of Object.entries(graph.nodes)) {
    const boards = exampleBoards(node.data);
    if (boards && context.taskResults[`${name}:${options.targetNames.build}`]) out.push({ project: name, boards });
  }
  return out;
}

/** Requested boards whose toolchain is not installed (they are skipped, or fail when asked for by NX_FASTLED_BOARDS). */
function missingBoards(workspaceRoot: string, options: NormalizedOptions): MissingBoard[] {
  const dir = memoDir(workspaceRoot);
  const resolved = resolveRequestedBoards(
    workspaceRoot,
    options,
    new StatMemo(path.join(dir, 'stat-memo.json')),
    new ProbeMemo(path.join(dir, 'probes.json')),
  );
  return missingBoardsOf(resolved);
}
