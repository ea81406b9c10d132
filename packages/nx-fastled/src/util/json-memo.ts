// A memo persisted as one JSON file: loaded once (missing, unreadable or rejected content = start empty),
// marked dirty when it learns something, written atomically by `save()` only when dirty. The memo classes
// (hashing/stat-memo.ts, toolchain/identity.ts's ProbeMemo, scan/directive-cache.ts) keep their own
// in-memory shape and file format; this holds the load/dirty/save cycle they share.
//
// A memo can only ever cost a recomputation, never a wrong answer: whatever `accept` rejects is ignored.
import * as fs from 'node:fs';
import { writeAtomic } from './atomic';

export class JsonMemoFile<T> {
  private dirty = false;

  /**
   * @param file where the memo lives; undefined: an in-memory memo that never saves
   * @param what what the file is, for the error message of a failed save
   */
  constructor(
    readonly file: string | undefined,
    private readonly what: string,
  ) {}

  /** The file's content if `accept` takes it (returns it typed), else undefined. */
  load(accept: (data: unknown) => T | undefined): T | undefined {
    if (!this.file) return undefined;
    try {
      return accept(JSON.parse(fs.readFileSync(this.file, 'utf8')));
    } catch {
      return undefined;
    }
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Writes `content()` if anything changed since the last load or save; a no-op without a file. */
  save(content: () => T): void {
    if (!this.file || !this.dirty) return;
    try {
      writeAtomic(this.file, JSON.stringify(content()));
    } catch (e) {
      throw new Error(`${this.file}: cannot write the ${this.what}: ${(e as Error).message}`, { cause: e });
    }
    this.dirty = false;
  }
}

/** A plain JSON object (not null, not an array), for `accept` functions. */
export function isRecord(data: unknown): data is Record<string, unknown> {
  return !!data && typeof data === 'object' && !Array.isArray(data);
}
