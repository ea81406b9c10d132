// postTasksExecution: records what every task of the run did (ran, local or remote cache hit, failed), its
// hash and its timing, in `<outputDir>/report/run.json`. The build report and the benchmark read it.
//
// Format: { "version": 1, "startTime": <ms>, "endTime": <ms>, "argv": [...],
//           "tasks": [ { "id", "project", "target", "status", "code", "hash", "startTime", "endTime" } ] }
// `status` is Nx's: success | failure | skipped | stopped | local-cache | local-cache-kept-existing | remote-cache.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PostTasksExecutionContext } from '@nx/devkit';
import { normalizeOptions, readOptions, NxFastledOptions } from './options';

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
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
  };
  const file = path.join(context.workspaceRoot, options.outputDir, 'report', 'run.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(record, null, 1));
  fs.renameSync(tmp, file);
}
