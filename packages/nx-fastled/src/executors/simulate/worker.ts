// A worker thread of `batchSimulate` (executor.ts): receives one job (the flags of `nx-fastled-task test`, as
// an object) at a time, runs it, answers { ok, text }. avr8js and the simulator load once per thread.
import { parentPort, workerData } from 'node:worker_threads';
import { runOne } from './executor';

if (parentPort) {
  const port = parentPort;
  const { root } = workerData as { root: string };
  port.on('message', (job: Record<string, string>) => port.postMessage(runOne(job, root)));
}
