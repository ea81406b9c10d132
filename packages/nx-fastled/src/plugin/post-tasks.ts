// postTasksExecution: records what every task of the run did (ran, local or remote cache hit, failed), its
// hash and its timing, in `<outputDir>/report/run.json`. The build report and the benchmark read it.
//
// Format: { "version": 1, "startTime": <ms>, "endTime": <ms>, "argv": [...],
//           "tasks": [ { "id", "project", "target", "status", "code", "hash", "startTime", "endTime" } ] }
// `status` is Nx's: success | failure | skipped | stopped | local-cache | local-cache-kept-existing | remote-cache.
// A failed task also has `terminalOutput`: the last 20 lines of what it printed (each cut at 400 characters).
//
// Then the build report (src/report, docs/REPORT.md): report.json, report.md, report.html beside run.json.
import * as path from 'node:path';
import { readCachedProjectGraph, type PostTasksExecutionContext } from '@nx/devkit';
import { countWarnings } from '../report/collect';
import type { ExampleInfo } from '../report/model';
import { writeReport } from '../report/write';
import { writeAtomic } from '../util/atomic';
import { normalizeOptions, readOptions, NxFastledOptions } from './options';

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
  }[];
}

export async function postTasksExecution(rawOptions: NxFastledOptions | undefined, context: PostTasksExecutionContext): Promise<void> {
  const options = normalizeOptions(readOptions(context.workspaceRoot, rawOptions), process.env);
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
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
  const file = path.join(context.workspaceRoot, options.outputDir, 'report', 'run.json');
  writeAtomic(file, JSON.stringify(record, null, 1));

  // The build report: never fails the run, says why it could not be written.
  try {
    const written = writeReport(
      {
        ...record,
        // The live run knows more than run.json keeps: outputs (where each link's size.json is) and the whole
        // terminal output of a failed task (its first errors).
        tasks: record.tasks.map((t) => {
          const r = context.taskResults[t.id];
          return { ...t, outputs: r?.task.outputs, projectRoot: r?.task.projectRoot, terminalOutput: r?.status === 'failure' ? r.terminalOutput : undefined };
        }),
      },
      {
        workspaceRoot: context.workspaceRoot,
        outputDir: options.outputDir,
        targetNames: { compile: options.targetNames.compile, link: options.targetNames.link },
        env: process.env,
        examples: exampleProjects(),
      },
    );
    // Where to look, as the run's last word (only for runs that built or broke an example).
    if (written.report.entries.length || written.report.failures.length) {
      process.stdout.write(`nx-fastled: build report: ${path.relative(context.workspaceRoot, written.files.html)}\n`);
    }
  } catch (e) {
    process.stderr.write(`nx-fastled: could not write the build report under ${path.join(options.outputDir, 'report')}: ${(e as Error).message}\n`);
  }
}

/** The plugin's example projects (folder, per-board notes) from the graph Nx cached for this run. */
function exampleProjects(): ExampleInfo[] | undefined {
  try {
    return Object.values(readCachedProjectGraph().nodes)
      .map((n) => ({ n, boards: (n.data.metadata as { nxFastled?: { boards?: Record<string, string> } } | undefined)?.nxFastled?.boards }))
      .filter((x): x is typeof x & { boards: Record<string, string> } => !!x.boards)
      .map(({ n, boards }) => ({ example: n.name, root: n.data.root, boards }));
  } catch {
    return undefined;
  }
}
