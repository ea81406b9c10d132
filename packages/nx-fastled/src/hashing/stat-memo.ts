// A memo of file content hashes keyed by absolute path and validated by size + mtime + inode.
//
// Format of the memo file (JSON, written to a temporary name and renamed):
//   { "version": 1, "entries": { "<absolute path>": [size, mtimeMs, ino, "<sha256 hex>"] } }
//
// The memo only decides whether a file must be read again; what reaches a task hash is always the content
// hash, never the stat fields. A stale or corrupt memo file is discarded, costing one re-read of each file.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { isRecord, JsonMemoFile } from '../util/json-memo';

type Entry = [size: number, mtimeMs: number, ino: number, sha256: string];
interface MemoFile {
  version: 1;
  entries: Record<string, Entry>;
}

export class StatMemo {
  private entries = new Map<string, Entry>();
  private readonly store: JsonMemoFile<MemoFile>;

  constructor(memoFile?: string) {
    this.store = new JsonMemoFile(memoFile, 'file hash memo');
    const loaded = this.store.load((d) => (isRecord(d) && d.version === 1 && isRecord(d.entries) ? (d as unknown as MemoFile) : undefined));
    for (const [file, entry] of Object.entries(loaded?.entries ?? {})) {
      if (Array.isArray(entry) && entry.length === 4) this.entries.set(file, entry);
    }
  }

  /**
   * sha256 of the file's bytes; `undefined` if it is not a readable regular file. `stat`: the caller's own
   * `fs.statSync(absPath)`, taken just before (saves a second stat per file of a walk).
   */
  hashFile(absPath: string, stat?: fs.Stats): string | undefined {
    let st: fs.Stats;
    try {
      st = stat ?? fs.statSync(absPath);
    } catch {
      return undefined;
    }
    if (!st.isFile()) return undefined;
    const known = this.entries.get(absPath);
    if (known && known[0] === st.size && known[1] === st.mtimeMs && known[2] === st.ino) return known[3];
    const sha = createHash('sha256').update(fs.readFileSync(absPath)).digest('hex');
    this.entries.set(absPath, [st.size, st.mtimeMs, st.ino, sha]);
    this.store.markDirty();
    return sha;
  }

  save(): void {
    this.store.save(() => ({ version: 1, entries: Object.fromEntries([...this.entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) }));
  }
}
