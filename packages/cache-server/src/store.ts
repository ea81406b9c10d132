import { createHash, randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { checkEntryFile, type EntryLimits } from './entry-check';
import { isValidId } from './keys';
import { acquireStoreLock, isRunning, type StoreLock } from './lock';
import { silentLogger, type Logger } from './log';

export { isRunning };

/**
 * Content-addressed, crash-safe entry store.
 *
 * Layout under `dir`:
 *   entries/<id>.<sha256-hex>    one immutable file per cache entry; the name carries the digest of its bytes,
 *                                so the entry and its checksum are published by one atomic rename. The id is
 *                                the Nx hash (namespace main) or `<namespace>+<hash>` (see keys.ts)
 *   tmp/<id>.<random>.part       uploads in progress (fsynced, checked, then renamed into entries/); wiped at start
 *   lock                         `<pid> <random>` of the process owning the store (see lock.ts)
 *
 * Recency for LRU eviction is tracked in memory and persisted as the entry file's mtime (throttled), so the
 * order survives restarts. Checksums are verified on every GET (streamed twice: once to hash, once to send;
 * never buffered whole); HEAD only checks the file is there with its size. Bytes of uploads in progress are
 * reserved against maxBytes, so the store plus what is being written never exceeds it.
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
  /** Checks every upload before it is published (see entry-check.ts); absent or false stores any bytes. */
  entryLimits?: EntryLimits | false;
}

export interface EntryRecord {
  /** Store id: the key in main, `<namespace>+<key>` elsewhere. */
  key: string;
  sha256: string;
  size: number;
  /** When the on-disk mtime was last updated (ms since epoch). */
  persistedAccessMs: number;
  /** Passed the entry check in this process (uploads are checked before publish; older entries on first read). */
  checked?: boolean;
}

export type ReadResult =
  | { kind: 'buffer'; size: number; sha256: string; data: Buffer }
  | { kind: 'stream'; size: number; sha256: string; stream: () => Readable; discard: () => Promise<void> };

export class EntryTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`entry exceeds ${limit} bytes`);
  }
}

/** Uploads in progress plus stored entries would exceed maxBytes even after evicting everything evictable. */
export class StoreFullError extends Error {}

const ENTRY_RE = /^((?:[a-z0-9][a-z0-9_-]{0,62}\+)?[0-9]{1,32})\.([0-9a-f]{64})$/;
// Small entries are hashed and sent from one buffer; with at most this much per connection, unread GETs stay bounded.
const DEFAULT_MEMORY_READ_LIMIT = 64 * 1024;

export class DiskStore {
  private readonly entries = new Map<string, EntryRecord>(); // insertion order = LRU order (first = oldest)
  private readonly busy = new Set<string>();
  private readonly pendingTouches = new Set<Promise<unknown>>();
  private totalBytes = 0;
  private reservedBytes = 0;
  private closed = false;
  private lock?: StoreLock;
  readonly entriesDir: string;
  readonly tmpDir: string;
  private readonly log: Logger;
  private readonly memoryReadLimit: number;
  private readonly touchIntervalMs: number;

  private constructor(readonly opts: StoreOptions) {
    this.entriesDir = path.join(opts.dir, 'entries');
    this.tmpDir = path.join(opts.dir, 'tmp');
    this.log = opts.log ?? silentLogger;
    this.memoryReadLimit = opts.memoryReadLimit ?? DEFAULT_MEMORY_READ_LIMIT;
    this.touchIntervalMs = opts.touchIntervalMs ?? 60_000;
  }

  static async open(opts: StoreOptions): Promise<DiskStore> {
    if (!(opts.maxBytes > 0)) throw new Error('maxBytes must be positive');
    const store = new DiskStore(opts);
    await fsp.mkdir(store.entriesDir, { recursive: true });
    await fsp.mkdir(store.tmpDir, { recursive: true });
    store.lock = await acquireStoreLock(opts.dir, store.log);
    try {
      await store.cleanTmp();
      await store.loadIndex();
      await store.evict();
    } catch (e) {
      await store.lock.release();
      throw e;
    }
    return store;
  }

  get size(): { entries: number; bytes: number; maxBytes: number; uploadingBytes: number; uploads: number } {
    return {
      entries: this.entries.size,
      bytes: this.totalBytes,
      maxBytes: this.opts.maxBytes,
      uploadingBytes: this.reservedBytes,
      uploads: this.busy.size,
    };
  }

  /** Entries, least recently used first. */
  list(): EntryRecord[] {
    return [...this.entries.values()].map((r) => ({ ...r }));
  }

  /**
   * True if the entry is stored. The file is looked at too: an entry removed behind the server's back (by
   * `admin rm` on a live store, or by hand) is forgotten here, so its key can be uploaded again.
   */
  async exists(key: string): Promise<boolean> {
    const rec = this.entries.get(key);
    if (!rec) return false;
    const st = await fsp.stat(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`)).catch(() => null);
    if (st?.isFile() && st.size === rec.size) return true;
    this.log.warn(`entry ${key} is gone from disk or changed size; forgetting it`);
    this.forget(rec);
    if (st) await fsp.rm(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`), { force: true }).catch(() => undefined);
    return false;
  }

  /** Size and digest of a stored entry without reading it (HEAD): the file must exist with the recorded size. */
  async stat(key: string): Promise<{ size: number; sha256: string } | null> {
    if (!(await this.exists(key))) return null;
    const rec = this.entries.get(key)!;
    return { size: rec.size, sha256: rec.sha256 };
  }

  /**
   * Reserves `bytes` of upload space: evicts least recently used entries until stored + uploading bytes fit
   * in maxBytes. Throws StoreFullError when uploads in progress alone would not fit.
   */
  reserve(bytes: number): void {
    if (this.reservedBytes + bytes > this.opts.maxBytes) {
      throw new StoreFullError(`uploads in progress (${this.reservedBytes} + ${bytes} bytes) exceed the store size ${this.opts.maxBytes}`);
    }
    this.reservedBytes += bytes;
    this.evictSync();
  }

  /** @internal */
  unreserve(bytes: number): void {
    this.reservedBytes = Math.max(0, this.reservedBytes - bytes);
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
  async beginWrite(key: string, limit: number, declaredBytes = 0): Promise<PendingWrite | 'exists' | 'busy'> {
    assertKey(key);
    if (this.closed) throw new Error('store is closed');
    if (this.busy.has(key)) return 'busy';
    if (await this.exists(key)) return 'exists';
    if (this.busy.has(key)) return 'busy';
    this.busy.add(key);
    let reserved = 0;
    try {
      if (declaredBytes > 0) {
        this.reserve(declaredBytes);
        reserved = declaredBytes;
      }
      const tmpPath = path.join(this.tmpDir, `${key}.${randomBytes(6).toString('hex')}.part`);
      const fh = await fsp.open(tmpPath, 'wx', 0o644);
      return new PendingWrite(this, key, tmpPath, fh, limit, reserved);
    } catch (e) {
      this.unreserve(reserved);
      this.busy.delete(key);
      throw e;
    }
  }

  /** @internal Runs the entry check on a finished upload; the reason when it is refused. */
  async check(tmpPath: string): Promise<string | undefined> {
    if (!this.opts.entryLimits) return undefined;
    const r = await checkEntryFile(tmpPath, this.opts.entryLimits);
    return r.ok ? undefined : r.reason;
  }

  /** Reads and verifies an entry; returns null when absent or corrupt (a corrupt entry is deleted). */
  async read(key: string): Promise<ReadResult | null> {
    if (!isValidId(key)) return null;
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
      if (!rec.checked && this.opts.entryLimits) {
        // Stored before checks existed, or copied in by hand: checked once, so an old bad entry cannot poison runs.
        const reason = await this.check(file);
        if (this.entries.get(key) !== rec) return null;
        if (reason) {
          this.log.error(`invalid entry ${key} (${reason}); deleting it and answering 404`);
          this.forget(rec);
          await fsp.rm(file, { force: true }).catch(() => undefined);
          return null;
        }
        rec.checked = true;
      }
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
    await this.lock?.release();
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
    const rec: EntryRecord = { key, sha256, size, persistedAccessMs: Date.now(), checked: true };
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
      if (this.totalBytes + this.reservedBytes <= this.opts.maxBytes) break;
      if (rec.key === keep) continue;
      this.forget(rec);
      await fsp.rm(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`), { force: true });
      this.log.info(`evicted ${rec.key} (${rec.size} bytes)`);
    }
  }

  /** Same as evict, but forgets synchronously (so a reservation takes effect at once) and deletes in the background. */
  private evictSync(): void {
    for (const rec of this.entries.values()) {
      if (this.totalBytes + this.reservedBytes <= this.opts.maxBytes) break;
      this.forget(rec);
      void fsp.rm(path.join(this.entriesDir, `${rec.key}.${rec.sha256}`), { force: true }).catch(() => undefined);
      this.log.info(`evicted ${rec.key} (${rec.size} bytes) to make room for uploads`);
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
    /** Bytes reserved in the store for this upload (grows with chunked bodies). */
    private reserved: number,
  ) {}

  get bytesWritten(): number {
    return this.bytes;
  }

  /** Committed or aborted (an upload whose connection closed is aborted by the handler). */
  get finished(): boolean {
    return this.done;
  }

  /** Appends a chunk; throws EntryTooLargeError (nothing past the limit is written) when the limit is exceeded. */
  async write(chunk: Buffer): Promise<void> {
    if (this.done) throw new Error('write after commit/abort');
    if (this.bytes + chunk.length > this.limit) throw new EntryTooLargeError(this.limit);
    if (this.bytes + chunk.length > this.reserved) {
      const more = this.bytes + chunk.length - this.reserved;
      this.store.reserve(more);
      this.reserved += more;
    }
    this.bytes += chunk.length;
    this.hash.update(chunk);
    let off = 0;
    while (off < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, off, chunk.length - off);
      off += bytesWritten;
    }
  }

  /**
   * fsyncs, checks (see entry-check.ts) and atomically publishes the entry. 'exists' if the key appeared
   * meanwhile, 'invalid' (with the reason) if the check refused it; nothing is published then.
   */
  async commit(): Promise<{ result: 'stored' | 'exists' | 'invalid'; sha256: string; size: number; reason?: string }> {
    if (this.done) throw new Error('already finished');
    this.done = true;
    const sha256 = this.hash.digest('hex');
    let published = false;
    try {
      await this.fh.sync();
      await this.fh.close();
      const reason = await this.store.check(this.tmpPath);
      if (reason) return { result: 'invalid', sha256, size: this.bytes, reason };
      // The reservation turns into stored bytes in the same tick as publish adds them.
      this.store.unreserve(this.reserved);
      this.reserved = 0;
      const result = await this.store.publish(this.key, this.tmpPath, sha256, this.bytes);
      published = result === 'stored';
      return { result, sha256, size: this.bytes };
    } finally {
      this.store.unreserve(this.reserved);
      this.reserved = 0;
      if (!published) {
        await this.fh.close().catch(() => undefined);
        await fsp.rm(this.tmpPath, { force: true }).catch(() => undefined);
      }
      this.store.release(this.key);
    }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.store.unreserve(this.reserved);
    this.reserved = 0;
    await this.fh.close().catch(() => undefined);
    await fsp.rm(this.tmpPath, { force: true }).catch(() => undefined);
    this.store.release(this.key);
  }
}

function assertKey(key: string): void {
  if (!isValidId(key)) throw new Error(`invalid cache key: ${JSON.stringify(key.slice(0, 40))}`);
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
