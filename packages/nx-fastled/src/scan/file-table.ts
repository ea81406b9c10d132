// The scanner's file table: one small integer id per file it has seen (inside the workspace or not), and
// what each file needs independently of any search path, computed once (its directives, the candidates in
// its own directory, the specs it writes). Ids index the bitsets of include-graph.ts and walk.ts.
//
// Indexes kept here, filled as files are first looked at: spec -> files that write it, first path
// component -> specs (for overlay directories), files with computed references or probe-forwarding
// #defines, and macro calls by macro name.
import * as path from 'path';
import { Bitset } from './bitset';
import type { Directives, MacroCall } from './directives';
import type { FileDirectives } from './file-directives';
import type { FsView } from './fs-view';
import { byCodeUnit } from './order';
import { lazyResolution, type Probe, type Prober, type Resolution } from './search-path';

/** What a file needs independently of the search path: its own-directory candidates and its specs. */
export interface FileInfo {
  directives: Directives;
  local: Resolution;
  localIds: number[];
  localHits: Set<string>;
  specs: string[];
}

export interface FileEntry {
  id: number;
  path: string;
  inside: boolean;
  /** ws-relative when inside */
  rel: string;
  info?: FileInfo;
}

export class FileTable {
  private readonly entries: FileEntry[] = [];
  private readonly ids = new Map<string, number>();
  /** spec → files that write it; first path component → specs (for overlays); specs with . or .. parts */
  private readonly specFiles = new Map<string, number[]>();
  private readonly specsByFirst = new Map<string, string[]>();
  private readonly irregularSpecs: string[] = [];
  /** files with computed references / with probe-forwarding #defines; macro calls by macro name */
  readonly computedFiles = new Bitset();
  readonly forwardFiles = new Bitset();
  private readonly callsByName = new Map<string, { id: number; call: MacroCall }[]>();
  private rank = new Int32Array(0);
  private rankedCount = 0;
  private sortedInside: FileEntry[] = [];

  constructor(
    /** absolute workspace root */
    readonly root: string,
    private readonly fsView: FsView,
    private readonly prober: Prober,
    private readonly directives: FileDirectives,
  ) {}

  get fileCount(): number {
    return this.entries.length;
  }

  callsOf(name: string): readonly { id: number; call: MacroCall }[] {
    return this.callsByName.get(name) ?? [];
  }

  id(file: string): number {
    let id = this.ids.get(file);
    if (id === undefined) {
      id = this.entries.length;
      this.entries.push({ id, path: file, inside: this.isInside(file), rel: this.rel(file) });
      this.ids.set(file, id);
    }
    return id;
  }

  /**
   * The ws-relative paths of `ids` (workspace files), sorted by code unit. Sorting hundreds of long paths
   * per closure is costly, so workspace files get a rank in one global sorted list (merged incrementally as
   * files are discovered) and a closure sorts small integers.
   */
  sortedRels(ids: number[]): string[] {
    if (ids.some((id) => id >= this.rankedCount)) this.rerank();
    const ranks = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) ranks[i] = this.rank[ids[i]];
    ranks.sort();
    const out = new Array<string>(ranks.length);
    for (let i = 0; i < ranks.length; i++) out[i] = this.sortedInside[ranks[i]].rel;
    return out;
  }

  private rerank(): void {
    const fresh = this.entries
      .slice(this.rankedCount)
      .filter((e) => e.inside)
      .sort((a, b) => byCodeUnit(a.rel, b.rel));
    const old = this.sortedInside;
    const merged: FileEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < old.length || j < fresh.length) {
      if (j >= fresh.length || (i < old.length && old[i].rel < fresh[j].rel)) merged.push(old[i++]);
      else merged.push(fresh[j++]);
    }
    this.sortedInside = merged;
    this.rank = new Int32Array(this.entries.length);
    for (let k = 0; k < merged.length; k++) this.rank[merged[k].id] = k;
    this.rankedCount = this.entries.length;
  }

  /** The ids of a resolution's files (memoised on the resolution, which search paths memoise). */
  idsOf(r: Resolution): number[] {
    const memo = r as Resolution & { ids?: number[] };
    return (memo.ids ??= r.found.map((f) => this.id(f)));
  }

  entry(id: number): FileEntry {
    return this.entries[id];
  }

  info(id: number): FileInfo {
    const e = this.entries[id];
    if (e.info) return e.info;
    const file = e.path;
    const directives = this.directives.get(file);
    const dir = path.dirname(file);
    const found = new Set<string>();
    const misses: Probe[] = [];
    const localHits = new Set<string>();
    const specs = new Set<string>();
    for (const ref of directives.refs) {
      specs.add(ref.spec);
      if (ref.angle || ref.kind === 'next' || ref.spec === '') continue;
      const p = this.prober.probe(dir, ref.spec);
      if (p.file !== null) {
        found.add(p.file);
        localHits.add(ref.spec);
      } else misses.push(p);
    }
    const info: FileInfo = {
      directives,
      local: lazyResolution([...found], () => misses.map((p) => p.missing)),
      localIds: [...found].map((f) => this.id(f)),
      localHits,
      specs: [...specs],
    };
    e.info = info;
    for (const spec of info.specs) {
      let holders = this.specFiles.get(spec);
      if (!holders) {
        this.specFiles.set(spec, (holders = []));
        const parts = spec.split('/');
        if (spec === '') continue;
        if (path.isAbsolute(spec) || parts.some((p) => p === '.' || p === '..')) this.irregularSpecs.push(spec);
        else {
          let list = this.specsByFirst.get(parts[0]);
          if (!list) this.specsByFirst.set(parts[0], (list = []));
          list.push(spec);
        }
      }
      holders.push(id);
    }
    if (directives.computed.length > 0) this.computedFiles.add(id);
    if (directives.forwards.length > 0) this.forwardFiles.add(id);
    for (const call of directives.calls) {
      let list = this.callsByName.get(call.name);
      if (!list) this.callsByName.set(call.name, (list = []));
      list.push({ id, call });
    }
    return info;
  }

  /** Specs some file writes that find a file in `dir` (every such spec, not only those of one closure). */
  specsInto(dir: string): { spec: string; file: number }[] {
    const out: { spec: string; file: number }[] = [];
    const listing = this.fsView.listing(dir);
    if (!listing) return out;
    const check = (spec: string) => {
      const p = this.prober.probe(dir, spec);
      if (p.file !== null) out.push({ spec, file: this.id(p.file) });
    };
    for (const name of listing.keys()) this.specsByFirst.get(name)?.forEach(check);
    this.irregularSpecs.forEach(check);
    return out;
  }

  filesWithSpec(spec: string): readonly number[] {
    return this.specFiles.get(spec) ?? [];
  }

  isInside(file: string): boolean {
    return file.startsWith(this.root + path.sep);
  }

  rel(file: string): string {
    return this.isInside(file) ? path.relative(this.root, file).split(path.sep).join('/') : file;
  }
}
