import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { isValidKey } from './keys';
import { silentLogger, type Logger } from './log';

/**
 * Content-addressed, crash-safe entry store.
 *
 * Layout under `dir`:
 *   entries/<key>.<sha256-hex>   one immutable file per cache entry; the name carries the digest of its bytes,
 *                                so the entry and its checksum are published by one atomic rename
 *   tmp/<key>.<random>.part      uploads in progress (fsynced, then renamed into entries/); wiped at start
 *   lock                         pid of the server owning the store (one server process per store)
 *
 * Recency for LRU eviction is tracked in memory and persisted as the entry file's mtime (throttled), so the
 * order survives restarts. Checksums are verified on every read; a mismatching entry is deleted and reported.
 */

export interface StoreOptions {
  dir: string;
  /** Total bytes of entries kept; least recently used entries are evicted above it. */
  maxBytes: number;
  log?: Logger;
  /** Entries up to this size are verified and served from memory; larger ones are verified, then streamed. */
  memoryReadLimit?: number;
  /** Minimum interval between persisting an entry's access time (mtime). */
  touchIntervalMs?: number;
}

interface EntryRecord {
  key: string;
  sha256: string;
  size: number;
  /** When the on-disk mtime was last updated (ms since epoch). */
  persistedAccessMs: number;
}

export type ReadResult =
  | { kind: 'buffer'; size: number; sha256: string; data: Buffer }
  | { kind: 'stream'; size: number; sha256: string; stream: () => Readable; discard: () => Promise<void> };

export class EntryTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`entry exceeds ${limit} bytes`);
  }
}

const ENTRY_RE = /^([0-9]{1,32})\.([0-9a-f]{64})$/;
const DEFAULT_MEMORY_READ_LIMIT = 8 * 1024 * 1024;

export class DiskStore {
  private readonly entries = new Map<string, EntryRecord>(); // insertion order = LRU order (first = oldest)
  private readonly busy = new Set<string>();
  private readonly pendingTouches = new Set<Promise<unknown>>();
  private totalBytes = 0;
  private closed = false;
  readonly entriesDir: string;
  readonly tmpDir: string;
  private readonly lockPath: string;
  private readonly log: Logger;
  private readonly memoryReadLimit: number;
  private readonly touchIntervalMs: number;

  private constructor(readonly opts: StoreOptions) {
    this.entriesDir = path.join(opts.dir, 'entries');
    this.tmpDir = path.join(opts.dir, 'tmp');
    this.lockPath = path.join(opts.dir, 'lock');
    this.log = opts.log ?? silentLogger;
    this.memoryReadLimit = opts.memoryReadLimit ?? DEFAULT_MEMORY_READ_LIMIT;
    this.touchIntervalMs = opts.touchIntervalMs ?? 60_000;
  }

  static async open(opts: StoreOptions): Promise<DiskStore> {
    if (!(opts.maxBytes > 0)) throw new Error('maxBytes must be positive');
    const store = new DiskStore(opts);
    await fsp.mkdir(store.entriesDir, { recursive: true });
    await fsp.mkdir(store.tmpDir, { recursive: true });
    await store.acquireLock();
    try {
      await store.cleanTmp();
      await store.loadIndex();
      await store.evict();
    } catch (e) {
      await store.releaseLock();
      throw e;
    }
    return store;
  }

  get size(): { entries: number; bytes: number; maxBytes: number } {
    return { entries: this.entries.size, bytes: this.totalBytes, maxBytes: this.opts.maxBytes };
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** True while an upload of `key` is in progress. */
  isBusy(key: string): boolean {
    return this.busy.has(key);
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  entryPath(key: string): string | undefined {
    const rec = this.entries.get(key);
    return rec && path.join(this.entriesDir, `${rec.key}.${rec.sha256}`);
  }

  /**
   * Reserves `key` for an upload. Returns 'exists' if it is stored, 'busy' if another upload of it is in
   * progress (first one wins); otherwise a PendingWrite that must be committed or aborted.
   */
  async beginWrite(key: string, limit: number): Promise<PendingWrite | 'exists' | 'busy'> {
    assertKey(key);
    if (this.closed) throw new Error('store is closed');
    if (this.entries.has(key)) return 'exists';
    if (this.busy.has(key)) return 'busy';
    this.busy.add(key);
    const tmpPath = path.join(this.tmpDir, `${key}.${randomBytes(6).toString('hex')}.part`);
    try {
      const fh = await fsp.open(tmpPath, 'wx', 0o644);
      return new PendingWrite(this, key, tmpPath, fh, limit);
    } catch (e) {
      this.busy.delete(key);
      throw e;
    }
  }

  /** Reads and verifies an entry; returns null when absent or corrupt (a corrupt entry is deleted). */
  async read(key: string): Promise<ReadResult | null> {
    if (!isValidKey(key)) return null;
    const rec = this.entries.get(key);
    if (!rec) return null;
    const file = path.join(this.entriesDir, `${rec.key}.${rec.sha256}`);
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(file, 'r');
    } catch (e) {
      this.log.warn(`entry ${key} vanished from disk (${(e as NodeJS.ErrnoException).code}); dropping it`);
      this.forget(rec);
      return null;
    }
    let handedOff = false;
    try {
      const st = await fh.stat();
      if (st.size !== rec.size) {
        await this.corrupt(rec, file, `size ${st.size} != recorded ${rec.size}`);
        return null;
      }
      if (st.size <= this.memoryReadLimit) {
        const data = await fh.readFile();
        const digest = createHash('sha256').update(data).digest('hex');
        if (digest !== rec.sha256) {
          await this.corrupt(rec, file, `sha256 ${digest} != ${rec.sha256}`);
          return null;
        }
        this.touch(rec, file);
        return { kind: 'buffer', size: data.length, sha256: rec.sha256, data };
      }
      const hash = createHash('sha256');
      let n = 0;
      for await (const chunk of fh.createReadStream({ start: 0, autoClose: false })) {
        hash.update(chunk as Buffer);
        n += (chunk as Buffer).length;
      }
      const digest = hash.digest('hex');
      if (digest !== rec.sha256 || n !== rec.size) {
        await this.corrupt(rec, file, `sha256 ${digest} != ${rec.sha256} (${n} bytes read)`);
        return null;
      }
      this.touch(rec, file);
      handedOff = true;
      const handle = fh;
      let used = false;
      return {
        kind: 'stream',
        size: rec.size,
        sha256: rec.sha256,
        stream: () => {
          if (used) throw new Error('stream() may be called once');
          used = true;
          return handle.createReadStream({ start: 0, end: rec.size - 1, autoClose: true });
        },
        discard: async () => {
          if (!used) {
            used = true;
            await handle.close().catch(() => undefined);
          }
        },
      };
    } catch (e) {
      this.log.error(`reading entry ${key} failed: ${(e as Error).message}`);
      return null;
    } finally {
      if (!handedOff) await fh.close().catch(() => undefined);
    }
  }

  /** Deletes an entry if present. */
  async remove(key: string): Promise<boolean> {
    const rec = this.entries.get(key);
    if (!rec) return false;
    this.forget(rec);
    await fsp.rm(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`), { force: true });
    return true;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.pendingTouches);
    await this.releaseLock();
  }

  // ---- internals used by PendingWrite ----

  /** @internal */
  async publish(key: string, tmpPath: string, sha256: string, size: number): Promise<'stored' | 'exists'> {
    if (this.entries.has(key)) {
      await fsp.rm(tmpPath, { force: true });
      return 'exists';
    }
    const final = path.join(this.entriesDir, `${key}.${sha256}`);
    await fsp.rename(tmpPath, final);
    await fsyncDir(this.entriesDir);
    const rec: EntryRecord = { key, sha256, size, persistedAccessMs: Date.now() };
    this.entries.set(key, rec);
    this.totalBytes += size;
    await this.evict(key);
    return 'stored';
  }

  /** @internal */
  release(key: string): void {
    this.busy.delete(key);
  }

  // ---- private ----

  private touch(rec: EntryRecord, file: string): void {
    // Move to the most-recently-used end.
    this.entries.delete(rec.key);
    this.entries.set(rec.key, rec);
    const now = Date.now();
    if (now - rec.persistedAccessMs >= this.touchIntervalMs) {
      rec.persistedAccessMs = now;
      const t = new Date(now);
      const p = fsp.utimes(file, t, t).catch(() => undefined);
      this.pendingTouches.add(p);
      void p.then(() => this.pendingTouches.delete(p));
    }
  }

  private async corrupt(rec: EntryRecord, file: string, why: string): Promise<void> {
    this.log.error(`corrupt entry ${rec.key} (${why}); deleting it and answering 404`);
    this.forget(rec);
    await fsp.rm(file, { force: true }).catch((e) => this.log.error(`could not delete ${file}: ${e.message}`));
  }

  private forget(rec: EntryRecord): void {
    if (this.entries.get(rec.key) === rec) {
      this.entries.delete(rec.key);
      this.totalBytes -= rec.size;
    }
  }

  private async evict(keep?: string): Promise<void> {
    for (const rec of this.entries.values()) {
      if (this.totalBytes <= this.opts.maxBytes) break;
      if (rec.key === keep) continue;
      this.forget(rec);
      await fsp.rm(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`), { force: true });
      this.log.info(`evicted ${rec.key} (${rec.size} bytes)`);
    }
  }

  private async cleanTmp(): Promise<void> {
    const names = await fsp.readdir(this.tmpDir);
    for (const n of names) await fsp.rm(path.join(this.tmpDir, n), { recursive: true, force: true });
    if (names.length) this.log.warn(`removed ${names.length} unfinished upload(s) left by an earlier run`);
  }

  private async loadIndex(): Promise<void> {
    const found: Array<EntryRecord & { mtimeMs: number }> = [];
    for (const name of await fsp.readdir(this.entriesDir)) {
      const m = ENTRY_RE.exec(name);
      const file = path.join(this.entriesDir, name);
      if (!m) {
        this.log.warn(`ignoring unexpected file in store: ${file}`);
        continue;
      }
      const st = await fsp.stat(file).catch(() => null);
      if (!st?.isFile()) continue;
      found.push({ key: m[1], sha256: m[2], size: st.size, persistedAccessMs: st.mtimeMs, mtimeMs: st.mtimeMs });
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const { mtimeMs: _, ...rec } of found) {
      const prev = this.entries.get(rec.key);
      if (prev) {
        // Two files for one key (e.g. copied in by hand): keep the most recent one.
        this.forget(prev);
        await fsp.rm(path.join(this.entriesDir, `${prev.key}.${prev.sha256}`), { force: true });
      }
      this.entries.set(rec.key, rec);
      this.totalBytes += rec.size;
    }
    this.log.info(`store ${this.opts.dir}: ${this.entries.size} entries, ${this.totalBytes} bytes`);
  }

  private async acquireLock(): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await fsp.writeFile(this.lockPath, `${process.pid}\n`, { flag: 'wx' });
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const owner = Number.parseInt(await fsp.readFile(this.lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) {
        throw new Error(`store ${this.opts.dir} is in use by another server (pid ${owner})`);
      }
      this.log.warn(`taking over stale store lock (pid ${Number.isNaN(owner) ? '?' : owner})`);
      await fsp.rm(this.lockPath, { force: true });
    }
    throw new Error(`could not lock store ${this.opts.dir}`);
  }

  private async releaseLock(): Promise<void> {
    const owner = await fsp.readFile(this.lockPath, 'utf8').catch(() => '');
    if (Number.parseInt(owner, 10) === process.pid) await fsp.rm(this.lockPath, { force: true });
  }
}

/** An upload in progress: bytes go to a temp file, are hashed on the way, and are published on commit. */
export class PendingWrite {
  private readonly hash = createHash('sha256');
  private bytes = 0;
  private done = false;

  constructor(
    private readonly store: DiskStore,
    readonly key: string,
    private readonly tmpPath: string,
    private readonly fh: fsp.FileHandle,
    private readonly limit: number,
  ) {}

  get bytesWritten(): number {
    return this.bytes;
  }

  /** Appends a chunk; throws EntryTooLargeError (nothing past the limit is written) when the limit is exceeded. */
  async write(chunk: Buffer): Promise<void> {
    if (this.done) throw new Error('write after commit/abort');
    if (this.bytes + chunk.length > this.limit) throw new EntryTooLargeError(this.limit);
    this.bytes += chunk.length;
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
  }

  /** fsyncs and atomically publishes the entry. Returns 'exists' if the key appeared meanwhile. */
  async commit(): Promise<{ result: 'stored' | 'exists'; sha256: string; size: number }> {
    if (this.done) throw new Error('already finished');
    this.done = true;
    const sha256 = this.hash.digest('hex');
    try {
      await this.fh.sync();
      await this.fh.close();
      const result = await this.store.publish(this.key, this.tmpPath, sha256, this.bytes);
      return { result, sha256, size: this.bytes };
    } catch (e) {
      await this.fh.close().catch(() => undefined);
      await fsp.rm(this.tmpPath, { force: true }).catch(() => undefined);
      throw e;
    } finally {
      this.store.release(this.key);
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.fh.close().catch(() => undefined);
    await fsp.rm(this.tmpPath, { force: true }).catch(() => undefined);
    this.store.release(this.key);
  }
}

function assertKey(key: string): void {
  if (!isValidKey(key)) throw new Error(`invalid cache key: ${JSON.stringify(key.slice(0, 40))}`);
}

async function fsyncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Not supported on every platform/filesystem; the rename itself is still atomic.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

/**
 * True if `pid` is a live process. A zombie counts as dead: a detached server is reaped by PID 1, which in
 * containers can take a while, and its lock/pid file must not block a restart meanwhile.
 */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return stat.charAt(close + 2) !== 'Z';
  } catch {
    return true; // no procfs: trust kill(pid, 0)
  }
}
