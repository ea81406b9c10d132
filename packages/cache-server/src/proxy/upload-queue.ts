/**
 * Background uploads from the proxy's local store to the upstream server, with bounded retries.
 *
 * Nx got its 200 from the proxy long before; an upload that fails here costs a later remote hit, never a
 * build. 200/409 (stored, or someone was first) and 403 (refused: read-only token, entry too large) end an
 * upload; 401 too (logged as an error: retrying a wrong token does not help); errors, timeouts and 5xx are
 * retried with exponential backoff up to `attempts` times. The queue holds at most `maxQueued` entries;
 * beyond that the oldest waiting one is dropped (logged). `drain()` waits for the queue on shutdown.
 */
import type { Logger } from '../log';
import type { DiskStore } from '../store';
import type { Upstream } from './upstream';

export interface UploadQueueOptions {
  attempts?: number;
  /** First retry delay; doubled each time. */
  backoffMs?: number;
  concurrency?: number;
  maxQueued?: number;
  log: Logger;
}

interface Job {
  key: string;
  id: string;
  attempt: number;
  notBefore: number;
}

export class UploadQueue {
  private readonly waiting: Job[] = [];
  private running = 0;
  private timer?: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];
  readonly stats = { queued: 0, stored: 0, exists: 0, refused: 0, unauthorized: 0, retried: 0, gaveUp: 0, dropped: 0 };
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly concurrency: number;
  private readonly maxQueued: number;

  constructor(
    private readonly store: DiskStore,
    private readonly upstream: Upstream,
    private readonly opts: UploadQueueOptions,
  ) {
    this.attempts = opts.attempts ?? 4;
    this.backoffMs = opts.backoffMs ?? 1_000;
    this.concurrency = opts.concurrency ?? 2;
    this.maxQueued = opts.maxQueued ?? 10_000;
  }

  get pending(): number {
    return this.waiting.length + this.running;
  }

  add(key: string, id: string): void {
    if (this.waiting.length >= this.maxQueued) {
      const dropped = this.waiting.shift()!;
      this.stats.dropped++;
      this.opts.log.warn(`upload queue full (${this.maxQueued}); dropped ${dropped.key}`);
    }
    this.waiting.push({ key, id, attempt: 0, notBefore: 0 });
    this.stats.queued++;
    this.pump();
  }

  /** Resolves when nothing is waiting or running, or after `timeoutMs` (then returns how many were left). */
  async drain(timeoutMs: number): Promise<number> {
    if (this.pending === 0) return 0;
    await Promise.race([new Promise<void>((r) => this.idleWaiters.push(r)), new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]);
    return this.pending;
  }

  private pump(): void {
    const now = Date.now();
    while (this.running < this.concurrency) {
      const i = this.waiting.findIndex((j) => j.notBefore <= now);
      if (i < 0) break;
      const [job] = this.waiting.splice(i, 1);
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
      });
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.waiting.length) {
      const next = Math.min(...this.waiting.map((j) => j.notBefore));
      this.timer = setTimeout(() => this.pump(), Math.max(10, next - now));
      this.timer.unref();
    } else if (this.running === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async run(job: Job): Promise<void> {
    job.attempt++;
    const outcome = await this.upstream.put(this.store, job.key, job.id);
    switch (outcome) {
      case 'stored':
      case 'exists':
      case 'refused':
        this.stats[outcome]++;
        if (outcome === 'refused') this.opts.log.info(`upstream refused ${job.key} (403); kept locally only`);
        return;
      case 'unauthorized':
        this.stats.unauthorized++;
        this.opts.log.error(`upstream rejected the token on PUT ${job.key} (401): check NX_FASTLED_CACHE_UPSTREAM_TOKEN`);
        return;
      case 'failed':
        if (job.attempt >= this.attempts) {
          this.stats.gaveUp++;
          this.opts.log.warn(`giving up uploading ${job.key} after ${job.attempt} attempts`);
          return;
        }
        this.stats.retried++;
        job.notBefore = Date.now() + this.backoffMs * 2 ** (job.attempt - 1);
        this.waiting.push(job);
    }
  }
}
