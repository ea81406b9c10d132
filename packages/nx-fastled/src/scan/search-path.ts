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
      p = this.lookup(dir, spec);
      byDir.set(spec, p);
    }
    return p;
  }

  private lookup(dir: string, spec: string): Probe {
    // fast path: a plain relative spec whose first component the directory does not list cannot exist
    const listing = IRREGULAR.test(spec) ? null : this.fsView.listing(dir);
    if (listing) {
      const slash = spec.indexOf('/');
      const kind = listing.get(slash < 0 ? spec : spec.slice(0, slash));
      if (kind === undefined || (slash < 0 && kind === 'dir')) return this.miss(dir, spec);
      if (slash < 0) return { file: path.join(dir, spec), missing: null };
    }
    const candidate = path.resolve(dir, spec);
    return this.fsView.isFile(candidate) ? { file: candidate, missing: null } : this.miss(dir, spec);
  }

  private miss(dir: string, spec: string): Probe {
    const root = this.workspaceRoot;
    if (!IRREGULAR.test(spec) && !(dir === root || dir.startsWith(root + path.sep))) return { file: null, missing: null };
    // only the `absent` report needs the missing prefix: computed on first use
    const fsView = this.fsView;
    let missing: string | null | undefined;
    return {
      file: null,
      get missing() {
        if (missing === undefined) {
          const candidate = path.resolve(dir, spec);
          missing = candidate.startsWith(root + path.sep) ? fsView.firstMissing(candidate, root) : null;
        }
        return missing;
      },
    };
  }
}

/** Specs the fast path of Prober.lookup must not take: absolute, empty or dot components. */
const IRREGULAR = /^\/|(^|\/)\.{0,2}(\/|$)/;

const NOTHING: Resolution = Object.freeze({ found: [], absent: [] }) as Resolution;

/** A resolution whose `absent` is computed from the missed probes on first use. */
export function lazyResolution(found: string[], misses: () => Iterable<string | null>): Resolution {
  let absent: string[] | undefined;
  return {
    found,
    get absent() {
      if (!absent) {
        const set = new Set<string>();
        for (const m of misses()) if (m !== null) set.add(m);
        absent = [...set];
      }
      return absent;
    },
  };
}

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
    const key = ref.kind === 'next' ? `n\0${from}\0${ref.spec}` : ref.angle ? `a\0${ref.spec}` : `q\0${fromDir}\0${ref.spec}`;
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
    const parts: Resolution[] = [];
    for (const start of starts) {
      const r = this.search(spec, this.dirs.slice(start), from, 'first');
      r.found.forEach((f) => found.add(f));
      parts.push(r);
    }
    return lazyResolution([...found], () => parts.flatMap((r) => r.absent));
  }

  private search(spec: string, dirs: readonly string[], exclude: string | null, mode: ResolutionMode): Resolution {
    const found: string[] = [];
    const misses: Probe[] = [];
    for (const dir of dirs) {
      const p = this.prober.probe(dir, spec);
      if (p.file !== null) {
        if (p.file === exclude) continue;
        if (!found.includes(p.file)) found.push(p.file);
        if (mode === 'first') break;
      } else misses.push(p);
    }
    return lazyResolution(found, () => misses.map((p) => p.missing));
  }
}
