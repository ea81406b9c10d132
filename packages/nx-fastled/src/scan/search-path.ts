// Resolution of one include reference over one compiler search path, the way gcc searches:
//   #include "x"       the including file's directory, then the -I dirs, then the system dirs
//   #include <x>       the -I dirs, then the system dirs
//   #include_next      the search path after the directory the current file was found in
// Mode 'all' (the default) takes every existing candidate on that path, not just gcc's first: a closure is
// then correct whatever the ordering subtleties (duplicate-dir removal, -I dirs that are also system dirs,
// include_next from a file reached through its own directory, symlinks). Mode 'first' mimics gcc exactly
// and exists to measure what 'all' costs.
//
// A probe that misses inside the workspace is a negative dependency: creating that file would change what
// the compiler reads. We report the shortest missing prefix of each such probe (`absent`).
import * as path from 'path';
import type { FsView } from './fs-view';
import type { IncludeRef } from './directives';

export type ResolutionMode = 'all' | 'first';

export interface Resolution {
  /** absolute paths of the files this reference may read, in search order */
  found: string[];
  /** absolute paths (inside the workspace) whose creation would change the resolution */
  absent: string[];
}

/** One candidate: `dir`/`spec`, whether it exists, and if not (inside the workspace) its first missing prefix. */
export interface Probe {
  file: string | null;
  missing: string | null;
}

/** Candidate lookups shared by every search path of a scanner (a sketch's path differs only in one dir). */
export class Prober {
  private readonly memo = new Map<string, Map<string, Probe>>();

  constructor(
    private readonly fsView: FsView,
    private readonly workspaceRoot: string,
  ) {}

  probe(dir: string, spec: string): Probe {
    let byDir = this.memo.get(dir);
    if (!byDir) this.memo.set(dir, (byDir = new Map()));
    let p = byDir.get(spec);
    if (!p) {
      const candidate = path.resolve(dir, spec);
      if (this.fsView.isFile(candidate)) p = { file: candidate, missing: null };
      else if (candidate.startsWith(this.workspaceRoot + path.sep)) {
        p = { file: null, missing: this.fsView.firstMissing(candidate, this.workspaceRoot) };
      } else p = { file: null, missing: null };
      byDir.set(spec, p);
    }
    return p;
  }
}

const NOTHING: Resolution = Object.freeze({ found: [], absent: [] }) as Resolution;

export class SearchPath {
  private readonly memo = new Map<string, Resolution>();
  private readonly chainMemo = new Map<string, Resolution>();

  /**
   * @param dirs absolute, in search order: -I dirs then system dirs (exact duplicates removed, as gcc does)
   */
  constructor(
    readonly dirs: readonly string[],
    private readonly prober: Prober,
    readonly mode: ResolutionMode,
  ) {}

  /** Every candidate for `spec` over the whole search path (mode 'all'; the including file's dir aside). */
  inChain(spec: string): Resolution {
    let r = this.chainMemo.get(spec);
    if (!r) {
      r = spec === '' ? NOTHING : this.search(spec, this.dirs, null, 'all');
      this.chainMemo.set(spec, r);
    }
    return r;
  }

  /** Resolves `ref` as written in the file `from` (absolute). */
  resolve(ref: Pick<IncludeRef, 'kind' | 'angle' | 'spec'>, from: string): Resolution {
    const fromDir = path.dirname(from);
    const key =
      ref.kind === 'next'
        ? `n\0${from}\0${ref.spec}`
        : ref.angle
          ? `a\0${ref.spec}`
          : `q\0${fromDir}\0${ref.spec}`;
    let result = this.memo.get(key);
    if (!result) {
      result = this.compute(ref, from, fromDir);
      this.memo.set(key, result);
    }
    return result;
  }

  private compute(ref: Pick<IncludeRef, 'kind' | 'angle' | 'spec'>, from: string, fromDir: string): Resolution {
    if (ref.spec === '') return NOTHING;
    if (ref.kind === 'next') return this.next(ref.spec, from);
    const dirs = ref.angle ? this.dirs : [fromDir, ...this.dirs];
    return this.search(ref.spec, dirs, null, this.mode);
  }

  private next(spec: string, from: string): Resolution {
    if (this.mode === 'all') return this.search(spec, this.dirs, from, 'all');
    // gcc continues after the directory the current file was found in; we do not know which entry that
    // was, so take the union over every entry that contains the file (none: gcc restarts the search).
    const starts = this.dirs.flatMap((d, i) => (from.startsWith(d + path.sep) ? [i + 1] : []));
    if (starts.length === 0) starts.push(0);
    const found = new Set<string>();
    const absent = new Set<string>();
    for (const start of starts) {
      const r = this.search(spec, this.dirs.slice(start), from, 'first');
      r.found.forEach((f) => found.add(f));
      r.absent.forEach((a) => absent.add(a));
    }
    return { found: [...found], absent: [...absent] };
  }

  private search(spec: string, dirs: readonly string[], exclude: string | null, mode: ResolutionMode): Resolution {
    const found: string[] = [];
    const absent: string[] = [];
    for (const dir of dirs) {
      const p = this.prober.probe(dir, spec);
      if (p.file !== null) {
        if (p.file === exclude) continue;
        if (!found.includes(p.file)) found.push(p.file);
        if (mode === 'first') break;
      } else if (p.missing !== null && !absent.includes(p.missing)) {
        absent.push(p.missing);
      }
    }
    return { found, absent };
  }
}
