// The persistent cache of parsed directives: one JSON file
//   { format, parser, generation, content: { <hash>: [generation, Directives] },
//     stat: { <absolute path>: [generation, size, mtimeMs, Directives] }, names: [...] }
// `names` are the macro names that matter for computed includes (append-only; MacroIndex.addMacroNames
// in macro-index.ts adds them): each entry's `macros.n` says how many of them its definitions were
// collected for.
// Workspace files are keyed by content hash (what Nx hashes too), files outside the workspace (Arduino core,
// compiler headers) by path+size+mtime because nobody hashes them for us. An entry not used for MAX_AGE saves
// is dropped so that the file does not grow forever. A cache written by another parser version is ignored,
// as is an unreadable or corrupt one: the cache can only ever cost a re-parse, never a wrong answer.
import { isRecord, JsonMemoFile } from '../util/json-memo';
import type { Directives } from './directives';

/** Bump whenever parseDirectives can return something different for the same text. */
export const PARSER_VERSION = 2;
const FORMAT = 'nx-fastled-scan-cache';
const MAX_AGE = 8;

interface CacheFile {
  format: string;
  parser: number;
  generation: number;
  content: Record<string, [number, Directives]>;
  stat: Record<string, [number, number, number, Directives]>;
  names: string[];
}

export class DirectiveCache {
  private readonly generation: number;
  private readonly content = new Map<string, [number, Directives]>();
  private readonly stat = new Map<string, [number, number, number, Directives]>();
  private readonly store: JsonMemoFile<CacheFile>;
  /** relevant macro names, in the order they were first needed */
  readonly names: string[] = [];
  readonly nameSet = new Set<string>();

  constructor(file?: string) {
    this.store = new JsonMemoFile(file, 'include-scan cache');
    const loaded = this.store.load(accept);
    this.generation = (loaded?.generation ?? 0) + 1;
    if (!loaded) return;
    // loading the names is not a change: add them without marking the cache dirty
    for (const n of new Set(loaded.names)) {
      this.nameSet.add(n);
      this.names.push(n);
    }
    for (const [k, v] of Object.entries(loaded.content)) this.content.set(k, v);
    for (const [k, v] of Object.entries(loaded.stat)) this.stat.set(k, v);
  }

  byHash(hash: string): Directives | undefined {
    const entry = this.content.get(hash);
    if (!entry) return undefined;
    this.touch(entry);
    return entry[1];
  }

  setByHash(hash: string, directives: Directives): void {
    this.content.set(hash, [this.generation, directives]);
    this.store.markDirty();
  }

  byStat(file: string, size: number, mtimeMs: number): Directives | undefined {
    const entry = this.stat.get(file);
    if (!entry || entry[1] !== size || entry[2] !== mtimeMs) return undefined;
    this.touch(entry);
    return entry[3];
  }

  setByStat(file: string, size: number, mtimeMs: number, directives: Directives): void {
    this.stat.set(file, [this.generation, size, mtimeMs, directives]);
    this.store.markDirty();
  }

  /** Appends a relevant macro name; false if it was known. */
  addName(name: string): boolean {
    if (this.nameSet.has(name)) return false;
    this.nameSet.add(name);
    this.names.push(name);
    this.store.markDirty();
    return true;
  }

  /** An entry was changed in place (its macro definitions grew). */
  markDirty(): void {
    this.store.markDirty();
  }

  /** Writes the cache atomically if anything changed; a no-op without a cache file. */
  save(): void {
    const keep = <T extends [number, ...unknown[]]>(m: Map<string, T>): Record<string, T> => {
      const out: Record<string, T> = {};
      for (const k of [...m.keys()].sort()) {
        const v = m.get(k) as T;
        if (this.generation - v[0] < MAX_AGE) out[k] = v;
      }
      return out;
    };
    this.store.save(() => ({
      format: FORMAT,
      parser: PARSER_VERSION,
      generation: this.generation,
      content: keep(this.content),
      stat: keep(this.stat),
      names: this.names,
    }));
  }

  /**
   * Marks an entry as used in this generation so that the next save() keeps it. A hit alone does not make
   * the cache dirty: a warm run that parses nothing writes nothing (generations only advance on writes).
   */
  private touch(entry: [number, ...unknown[]]): void {
    entry[0] = this.generation;
  }
}

function accept(data: unknown): CacheFile | undefined {
  if (!isRecord(data) || data.format !== FORMAT || data.parser !== PARSER_VERSION) return undefined;
  if (typeof data.generation !== 'number' || !isRecord(data.content) || !isRecord(data.stat) || !Array.isArray(data.names))
    return undefined;
  return data as unknown as CacheFile;
}
