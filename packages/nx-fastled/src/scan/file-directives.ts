// The directives of a file by absolute path, through three layers: this process (by path), the persistent
// cache (workspace files by content hash, others by path+size+mtime), and finally reading and parsing.
// Bytes that are not valid UTF-8 are decoded as latin1: every construct we look for is ASCII, and latin1
// maps each byte to one character, so line numbers stay right and nothing can fail to decode.
import { isUtf8 } from 'buffer';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DirectiveCache } from './directive-cache';
import { lexFile, type Directives, type MacroDef } from './directives';

const EMPTY: Directives = Object.freeze({ refs: [], computed: [], calls: [], forwards: [] });

export interface DirectiveStats {
  /** files whose text was parsed in this process */
  parsed: number;
  /** files answered by the persistent cache */
  cacheHits: number;
  /** files that could not be read (they contribute nothing; the compiler would fail on them anyway) */
  unreadable: string[];
}

export class FileDirectives {
  private readonly memo = new Map<string, Directives>();
  /** every name each file parsed in this process #defines (files answered by the cache have none here) */
  private readonly definedNames = new Map<string, Set<string>>();
  readonly stats: DirectiveStats = { parsed: 0, cacheHits: 0, unreadable: [] };

  constructor(
    private readonly workspaceRoot: string,
    private readonly cache: DirectiveCache,
    private readonly fileHash?: (wsRelPath: string) => string | undefined,
  ) {}

  get(file: string): Directives {
    let d = this.memo.get(file);
    if (!d) {
      d = this.load(file);
      this.memo.set(file, d);
    }
    return d;
  }

  private load(file: string): Directives {
    // only I/O errors are swallowed: a parser bug must surface, not silently shrink a closure
    if (file.startsWith(this.workspaceRoot + path.sep)) {
      const rel = path.relative(this.workspaceRoot, file).split(path.sep).join('/');
      const given = this.fileHash?.(rel);
      const hit = given === undefined ? undefined : this.cache.byHash(given);
      if (hit) return this.hit(hit);
      const bytes = this.read(file);
      if (!bytes) return EMPTY;
      const hash = given ?? `sha1:${createHash('sha1').update(bytes).digest('hex')}`;
      const cached = given === undefined ? this.cache.byHash(hash) : undefined;
      if (cached) return this.hit(cached);
      const d = this.parse(file, bytes);
      this.cache.setByHash(hash, d);
      return d;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      this.stats.unreadable.push(file);
      return EMPTY;
    }
    const hit = this.cache.byStat(file, st.size, st.mtimeMs);
    if (hit) return this.hit(hit);
    const bytes = this.read(file);
    if (!bytes) return EMPTY;
    const d = this.parse(file, bytes);
    this.cache.setByStat(file, st.size, st.mtimeMs, d);
    return d;
  }

  private read(file: string): Buffer | null {
    try {
      return fs.readFileSync(file);
    } catch {
      this.stats.unreadable.push(file);
      return null;
    }
  }

  private hit(d: Directives): Directives {
    this.stats.cacheHits++;
    return d;
  }

  private parse(file: string, bytes: Buffer): Directives {
    this.stats.parsed++;
    const names = this.cache.names;
    const wanted = this.cache.nameSet;
    const r = lexFile(decode(bytes), (n) => wanted.has(n));
    this.definedNames.set(file, new Set(r.defined));
    return { ...r.directives, macros: { n: names.length, d: r.defines } };
  }

  /**
   * The definitions in `file` of every relevant macro name (cache.names), looking for the names that were
   * added since the file's entry was made: from the names it was seen to define in this process, else by
   * reading it again (a file that does not contain a name cannot define it, unless a line continuation
   * splits the name: then it is lexed).
   */
  macros(file: string): readonly MacroDef[] {
    const d = this.get(file);
    if (Object.isFrozen(d)) return [];
    const names = this.cache.names;
    const m = (d.macros ??= { n: 0, d: [] });
    if (m.n < names.length) {
      const fresh = names.slice(m.n);
      const known = this.definedNames.get(file);
      let text: string | null = null;
      let hits: string[];
      if (known) hits = fresh.filter((n) => known.has(n));
      else {
        const bytes = this.read(file);
        text = bytes ? decode(bytes) : '';
        const t = text;
        hits = /\\[ \t]*[\r\n]/.test(t) ? fresh : fresh.filter((n) => t.includes(n));
      }
      if (hits.length > 0) {
        if (text === null) {
          const bytes = this.read(file);
          text = bytes ? decode(bytes) : '';
        }
        const wanted = new Set(hits);
        m.d.push(...lexFile(text, (n) => wanted.has(n)).defines);
      }
      m.n = names.length;
      this.cache.markDirty();
    }
    return m.d;
  }
}

function decode(bytes: Buffer): string {
  return bytes.toString(isUtf8(bytes) ? 'utf8' : 'latin1');
}
