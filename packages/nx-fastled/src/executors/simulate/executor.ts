// `nx-fastled:simulate`, the executor of the `test` target (plugin/test-targets.ts writes its options: the
// flags of `nx-fastled-task test`, cli/test-command.ts). Two entry points, as executors.json declares:
//   - the default export runs one example (Nx forks a process per task: `--batch=false`);
//   - `batchSimulate` (Nx's batchImplementation, with `preferBatch`: the default) runs every example Nx hands
//     over in this one process, on worker threads (worker.ts; as many as the machine has cores, at most one
//     per example): the Node start and the loading of avr8js are paid once per batch, not once per example.
// Results are yielded one by one as examples finish, each with its own terminal output, so Nx reports and
// caches every example on its own and a failing example fails only its own task.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { describeOutcome, runTestJob, TestJob } from '../../cli/test-command';

export type SimulateOptions = Record<string, string>;

/** What a worker thread answers for one job. */
export interface WorkerReply {
  ok: boolean;
  text: string;
}

interface TaskResult {
  success: boolean;
  terminalOutput: string;
  startTime: number;
  endTime: number;
}

/** The job of a task: its options less the key-only `simulator` entry. */
function jobOf(options: SimulateOptions): TestJob {
  const { simulator: _keyOnly, ...job } = options;
  void _keyOnly;
  return job;
}

/** Runs one job in this thread: the result Nx wants, and the text for the terminal. */
export function runOne(job: TestJob, root: string): WorkerReply {
  try {
    const o = runTestJob(job, root);
    return { ok: o.file.ok, text: o.file.ok ? describeOutcome(o) : `nx-fastled: ${describeOutcome(o)}` };
  } catch (e) {
    return {
      ok: false,
      text: `nx-fastled: test of ${job.firmware ?? job.program ?? '?'} for ${job.board ?? '?'} could not run: ${(e as Error).message}`,
    };
  }
}

export default async function simulate(options: SimulateOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const r = runOne(jobOf(options), context.root);
  (r.ok ? process.stdout : process.stderr).write(`${r.text}\n`);
  return { success: r.ok };
}

/** Worker threads for a batch of `n`: NX_FASTLED_SIM_WORKERS if set, else the machine's cores, at most n. */
export function workerCount(n: number, env: NodeJS.ProcessEnv = process.env): number {
  const asked = Number(env.NX_FASTLED_SIM_WORKERS);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(n, Number.isInteger(asked) && asked > 0 ? asked : cores));
}

export async function* batchSimulate(
  taskGraph: TaskGraph,
  inputs: Record<string, SimulateOptions>,
  _overrides: unknown,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: TaskResult }> {
  const ids = Object.keys(taskGraph.tasks).sort();
  const workerFile = path.join(__dirname, 'worker.js');
  // From the TypeScript sources (no worker.js beside this file) the examples run one after another here.
  if (!fs.existsSync(workerFile)) {
    for (const id of ids) {
      const startTime = Date.now();
      const r = runOne(jobOf(inputs[id]), context.root);
      yield { task: id, result: { success: r.ok, terminalOutput: `${r.text}\n`, startTime, endTime: Date.now() } };
    }
    return;
  }
  const threads = workerCount(ids.length);
  // Which process and batch ran an example: shows in its output that examples share a process.
  const batchLine = `nx-fastled: batch of ${ids.length} example${ids.length === 1 ? '' : 's'} in process ${process.pid} on ${threads} worker thread${threads === 1 ? '' : 's'}`;
  const queue = [...ids];
  const done: { task: string; result: TaskResult }[] = [];
  let wake: (() => void) | undefined;
  let running = 0;
  const startWorker = () => {
    const worker = new Worker(workerFile, { workerData: { root: context.root } });
    running++;
    let current: { id: string; startTime: number } | undefined;
    const next = () => {
      const id = queue.shift();
      if (id === undefined) {
        void worker.terminate();
        return;
      }
      current = { id, startTime: Date.now() };
      worker.postMessage(jobOf(inputs[id]));
    };
    const finish = (id: string, startTime: number, r: WorkerReply) => {
      done.push({ task: id, result: { success: r.ok, terminalOutput: `${batchLine}\n${r.text}\n`, startTime, endTime: Date.now() } });
      wake?.();
    };
    worker.on('message', (r: WorkerReply) => {
      const c = current!;
      current = undefined;
      finish(c.id, c.startTime, r);
      next();
    });
    worker.on('error', (e) => {
      // A worker that dies takes only its current example with it; the others go on in the other workers.
      if (current)
        finish(current.id, current.startTime, { ok: false, text: `nx-fastled: the simulator's worker thread failed: ${e.message}` });
      current = undefined;
    });
    worker.on('exit', () => {
      running--;
      if (queue.length && running === 0) startWorker();
      wake?.();
    });
    next();
  };
  for (let i = 0; i < threads; i++) startWorker();
  let reported = 0;
  while (reported < ids.length) {
    if (done.length === 0) {
      if (running === 0 && queue.length === 0) break;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      continue;
    }
    reported++;
    yield done.shift()!;
  }
}
