// IncludeScanner: the set of workspace files a translation unit may read, for use as its task inputs.
// It must never under-approximate (a stale object is the one unforgivable bug), so: every #if branch counts,
// every existing candidate on the search path counts (see search-path.ts), __has_include probes count, and
// includes are followed through files outside the workspace.
//
// An include whose target is computed by a macro (`#include CONFIG`, `#include STR(X)`) is expanded with
// every definition of the names involved that the closure can see — every #define of every file in it (any
// #if branch), plus the compile's predefined macros (-D and the compiler's builtins, `closure(..., {
// predefined })`) — and with "not defined here" (macro-expand.ts). That is iterated to a fixpoint: a header
// found that way brings its own definitions. A macro with no definition anywhere cannot make a successful
// compile read anything (gcc rejects `#include UNDEFINED`), so it adds nothing. Only what cannot be bounded
// statically (no predefined macros given, __FILE__, too many combinations) falls back to globs over every
// workspace include dir and the including file's own tree — and, with `followGlobs`, to everything those
// trees' files may include in turn; `computed` says which references did that and why.
//
// Speed: the static part of a closure (plain includes) is a union of precomputed per-file closures over a
// graph per search path (strongly connected components, bitsets of file ids). A search path that differs
// from another only by one small directory appended to the -I list (a sketch folder) shares that other
// path's graph and adds the few edges into the small directory on top ("overlay"): in mode 'all' adding a
// directory can only add candidates, and only for specs whose first component it contains.
import * as path from 'path';
import { Bitset } from './bitset';
import { DirectiveCache } from './directive-cache';
import {
  PROBES,
  type ComputedRef,
  type Directives,
  type ForwardEdge,
  type IncludeRef,
  type MacroCall,
  type MacroDef,
  type RefKind,
} from './directives';
import { FileDirectives, type DirectiveStats } from './file-directives';
import { FsView } from './fs-view';
import { expandHeaderNames, identifiers, Unexpandable, type Definitions, type HeaderName } from './macro-expand';
import { probeMacros, type ProbeMacros } from './probe-macros';
import { lazyResolution, Prober, SearchPath, type Probe, type Resolution, type ResolutionMode } from './search-path';

export interface ScanOptions {
  /** absolute */
  workspaceRoot: string;
  /** content hash of a workspace file (Nx has them); without it we hash the bytes ourselves */
  fileHash?: (wsRelPath: string) => string | undefined;
  /** persistent cache of parsed directives (JSON, written atomically by save()) */
  cacheFile?: string;
  /** 'all' (default): every existing candidate on the search path; 'first': gcc's first match only */
  resolution?: ResolutionMode;
  /** default true: after a macro-include fallback, also follow the includes of every file under the globs */
  followGlobs?: boolean;
}

export interface ClosureOptions {
  /**
   * The compile's predefined macros as `#define` lines: the output of `<compiler> <flags> -dM -E -x c++
   * /dev/null` (builtins and -D), plus any -D not passed to that probe. When given, a macro name defined
   * nowhere (closure, predefined) is known to be undefined; when not, such a name makes its computed include
   * fall back to globs.
   */
  predefined?: string;
}

export interface Closure {
  /** ws-relative, sorted, the TU itself included; only files inside the workspace */
  files: string[];
  /** ws-relative glob patterns added by fallbacks (e.g. 'vendor/FastLED/src/**\/*'), sorted */
  globs: string[];
  /** includes found nowhere (informational: often inside #if for other platforms); sorted; computed lazily */
  unresolved: { file: string; line: number; spec: string }[];
  /** the computed references that caused the globs, and why; sorted */
  computed: { file: string; line: number; text: string; reason?: string }[];
  /** computed references that were expanded, with every header name they may name; sorted */
  expanded: { file: string; line: number; text: string; headers: string[] }[];
  /**
   * ws-relative paths that do not exist but would change what the compiler reads if created (the shortest
   * missing prefix of each such probe, so `foo/` stands for everything below it); sorted, none under a glob.
   * Files inputs cannot see a file appear; feed these to the hasher as patterns if that matters. Computed
   * lazily (on first access).
   */
  absent: string[];
}

/** What a file needs independently of the search path: its own-directory candidates and its specs. */
interface FileInfo {
  directives: Directives;
  local: Resolution;
  localIds: number[];
  localHits: Set<string>;
  specs: string[];
}

interface FileEntry {
  id: number;
  path: string;
  inside: boolean;
  /** ws-relative when inside */
  rel: string;
  info?: FileInfo;
}

/** A reference not written as a plain #include in a file: forced includes, macro results, probe calls. */
interface ExtraRef {
  from: string;
  ref: IncludeRef;
  /** reported as unresolved when found nowhere */
  report: boolean;
}

/** A search path: its (possibly shared) graph, the small directory on top of it, its own full resolver. */
interface Chain {
  graph: Graph;
  overlay: string | null;
  full: SearchPath;
  globReach: Map<string, Reach>;
}

/** What a walk found, to be merged into another walk over the same search path. */
interface Reach {
  set: Bitset;
  computed: Map<string, Closure['computed'][number]>;
  expanded: Map<string, Closure['expanded'][number]>;
  globDirs: Set<string>;
  extra: ExtraRef[];
}

const EMPTY_DEFS: readonly MacroDef[] = [];

interface ExpandResult {
  kind: RefKind;
  headers: HeaderName[];
  /** `"x"` / `<x>`, sorted */
  shown: string[];
}

interface ExpansionMemo {
  lookups: [string, readonly MacroDef[]][];
  result?: ExpandResult;
  error?: string;
}

function sameDefs(a: readonly MacroDef[], b: readonly MacroDef[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export class IncludeScanner {
  private readonly root: string;
  private readonly fsView = new FsView();
  private readonly prober: Prober;
  private readonly cache: DirectiveCache;
  private readonly directives: FileDirectives;
  private readonly chains = new Map<string, Chain>();
  private readonly graphs = new Map<string, Graph>();
  private readonly mode: ResolutionMode;
  private readonly followGlobs: boolean;

  // ---- per-file state shared by every search path ----
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
  /** macro name → its definitions in files whose definitions are registered, by file id */
  private readonly defsByName = new Map<string, { id: number; def: MacroDef }[]>();
  private readonly defsRegistered: number[] = [];
  private readonly namesCovered: number[] = [];
  private readonly predefinedMemo = new Map<string, Map<string, MacroDef[]>>();
  private readonly probeMacroMemo = new Map<string, ProbeMacros>();
  private rank = new Int32Array(0);
  private rankedCount = 0;
  private sortedInside: FileEntry[] = [];
  private readonly chainsByArgs = new Map<string, Chain>();
  private readonly expansionMemo = new Map<string, ExpansionMemo[]>();
  private readonly predefinedIds = new Map<string, number>();

  constructor(opts: ScanOptions) {
    if (!path.isAbsolute(opts.workspaceRoot)) {
      throw new Error(`IncludeScanner: workspaceRoot must be absolute, got '${opts.workspaceRoot}'`);
    }
    this.root = path.resolve(opts.workspaceRoot);
    this.prober = new Prober(this.fsView, this.root);
    this.cache = new DirectiveCache(opts.cacheFile);
    this.directives = new FileDirectives(this.root, this.cache, opts.fileHash);
    this.mode = opts.resolution ?? 'all';
    this.followGlobs = opts.followGlobs ?? true;
  }

  /**
   * @param tu ws-relative; several files make one translation unit (a sketch's .ino files)
   * @param includeDirs in -I order; ws-relative or absolute
   * @param systemDirs the compiler's own dirs, absolute
   * @param forcedIncludes `-include` arguments (searched from the workspace root, then the search path)
   */
  closure(
    tu: string | string[],
    includeDirs: string[],
    systemDirs: string[],
    forcedIncludes: string[] = [],
    opts: ClosureOptions = {},
  ): Closure {
    const tus = typeof tu === 'string' ? [tu] : tu;
    const chain = this.chain(includeDirs, systemDirs);
    const walk = new Walk(this, chain, this.predefined(opts.predefined), this.predefinedId(opts.predefined));
    for (const t of tus) {
      const abs = path.resolve(this.root, t);
      if (!this.fsView.isFile(abs)) throw new Error(`${t}: translation unit not found under ${this.root}`);
      walk.add(this.id(abs));
    }
    const commandLine = path.join(this.root, '<command-line>');
    for (const spec of forcedIncludes) {
      walk.reference(commandLine, { kind: 'include', angle: false, spec, line: 0 }, true);
    }
    return walk.run();
  }

  /** Persists the directive cache if a cacheFile was given. */
  save(): void {
    this.cache.save();
  }

  stats(): DirectiveStats {
    return this.directives.stats;
  }

  // ---- shared with Walk and Graph ----

  get workspaceRoot(): string {
    return this.root;
  }

  get fs(): FsView {
    return this.fsView;
  }

  get followsGlobs(): boolean {
    return this.followGlobs;
  }

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

  /** Resolves a reference over a chain: its graph's path (shared memo), plus the overlay directory. */
  resolveOn(chain: Chain, ref: IncludeRef, from: string): number[] {
    const base = this.idsOf(chain.graph.search.resolve(ref, from));
    if (!chain.overlay || ref.spec === '') return base;
    const p = this.prober.probe(chain.overlay, ref.spec);
    if (p.file === null || p.file === from) return base;
    return [...base, this.id(p.file)];
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

  /** Registers the definitions of every relevant macro name made in the files of `set`. */
  coverMacros(set: Bitset): void {
    const n = this.cache.names.length;
    set.forEach((id) => {
      if (this.namesCovered[id] === n) return;
      const defs = this.directives.macros(this.entries[id].path);
      for (let k = this.defsRegistered[id] ?? 0; k < defs.length; k++) {
        let list = this.defsByName.get(defs[k].name);
        if (!list) this.defsByName.set(defs[k].name, (list = []));
        list.push({ id, def: defs[k] });
      }
      this.defsRegistered[id] = defs.length;
      this.namesCovered[id] = n;
    });
  }

  /** Makes `names` relevant; true if any was new (files must then be looked at again). */
  addMacroNames(names: Iterable<string>): boolean {
    let added = false;
    for (const n of names) if (this.cache.addName(n)) added = true;
    return added;
  }

  get macroNameCount(): number {
    return this.cache.names.length;
  }

  /** Definitions of `name` in files of `set` (which must be covered). */
  definitionsIn(name: string, set: Bitset): MacroDef[] {
    const list = this.defsByName.get(name);
    if (!list) return [];
    const out: MacroDef[] = [];
    for (const e of list) if (set.has(e.id)) out.push(e.def);
    return out;
  }

  /** The probe macros the forwarding edges of these files define (memoised by the set of files). */
  probeMacrosOf(ids: number[]): ProbeMacros {
    const key = ids.join(',');
    let m = this.probeMacroMemo.get(key);
    if (!m) {
      const edges: ForwardEdge[] = [];
      for (const id of ids) edges.push(...this.info(id).directives.forwards);
      this.probeMacroMemo.set(key, (m = probeMacros(edges)));
    }
    return m;
  }

  /**
   * The header names a computed reference (`MACRO...` or `__has_include(MACRO)`) may name, memoised: a
   * previous expansion of the same text is reused when every name it looked up has the same definitions.
   */
  expandComputed(text: string, defs: Definitions, set: Bitset, predefinedKey: number): ExpandResult {
    const memoKey = `${predefinedKey}\0${text}`;
    const known = this.expansionMemo.get(memoKey);
    if (known) {
      for (const m of known) {
        if (m.lookups.every(([name, seen]) => sameDefs(defs.lookup(name), seen))) {
          if (m.error) throw new Unexpandable(m.error);
          return m.result as ExpandResult;
        }
      }
    }
    const lookups: [string, readonly MacroDef[]][] = [];
    const looked = new Set<string>();
    const recording: Definitions = {
      complete: defs.complete,
      lookup: (name) => {
        const d = defs.lookup(name);
        if (!looked.has(name)) {
          looked.add(name);
          lookups.push([name, d]);
        }
        return d;
      },
    };
    const probe = /^\s*([A-Za-z_]\w*)\s*\(([\s\S]*)\)\s*$/.exec(text);
    const kind = probe ? PROBES.get(probe[1]) : undefined;
    let entry: ExpansionMemo;
    try {
      const headers = expandHeaderNames(kind && probe ? probe[2] : text, recording);
      const shown = headers.map((h) => (h.angle ? `<${h.spec}>` : `"${h.spec}"`)).sort(byCodeUnit);
      entry = { lookups, result: { kind: kind ?? 'include', headers, shown } };
    } catch (e) {
      if (!(e instanceof Unexpandable)) throw e;
      entry = { lookups, error: e.message };
    }
    const list = known ?? [];
    if (list.length < 16) list.push(entry);
    this.expansionMemo.set(memoKey, list);
    if (entry.error) throw new Unexpandable(entry.error);
    return entry.result as ExpandResult;
  }

  isInside(file: string): boolean {
    return file.startsWith(this.root + path.sep);
  }

  rel(file: string): string {
    return this.isInside(file) ? path.relative(this.root, file).split(path.sep).join('/') : file;
  }

  /** A small number standing for a predefined-macro text (for memo keys). */
  predefinedId(text: string | undefined): number {
    if (text === undefined) return -1;
    let id = this.predefinedIds.get(text);
    if (id === undefined) this.predefinedIds.set(text, (id = this.predefinedIds.size));
    return id;
  }

  private predefined(text: string | undefined): Map<string, MacroDef[]> | null {
    if (text === undefined) return null;
    let m = this.predefinedMemo.get(text);
    if (!m) {
      m = new Map();
      for (const line of text.split('\n')) {
        const d = /^\s*#\s*define\s+([A-Za-z_$][\w$]*)(\(([^)]*)\))?(.*)$/.exec(line);
        if (!d) continue;
        const params = d[2] === undefined ? null : d[3].trim() === '' ? [] : d[3].split(',').map((p) => p.trim());
        const list = m.get(d[1]) ?? [];
        list.push({ name: d[1], params, body: d[4].trim(), line: 0 });
        m.set(d[1], list);
      }
      this.predefinedMemo.set(text, m);
    }
    return m;
  }

  private chain(includeDirs: string[], systemDirs: string[]): Chain {
    const argsKey = `${includeDirs.join('\0')}\0\0${systemDirs.join('\0')}`;
    let known = this.chainsByArgs.get(argsKey);
    if (!known) this.chainsByArgs.set(argsKey, (known = this.makeChain(includeDirs, systemDirs)));
    return known;
  }

  private makeChain(includeDirs: string[], systemDirs: string[]): Chain {
    // gcc drops a directory that appears again later in the path; keep the first occurrence
    const abs = [...new Set([...includeDirs, ...systemDirs].map((d) => path.resolve(this.root, d)))];
    const key = abs.join('\0');
    let chain = this.chains.get(key);
    if (chain) return chain;
    let graph: Graph | undefined;
    let overlay: string | null = null;
    if (this.mode === 'all' && includeDirs.length > 0) {
      // the last -I dir (a sketch folder) on top of the graph of the path without it
      const last = path.resolve(this.root, includeDirs[includeDirs.length - 1]);
      const rest = abs.filter((d) => d !== last);
      const listing = this.fsView.listing(last);
      const baseKey = graphKey(rest, 'all');
      if (listing && rest.length === abs.length - 1 && (this.graphs.has(baseKey) || listing.size <= 32)) {
        graph = this.graph(rest);
        overlay = last;
      }
    }
    graph ??= this.graph(abs);
    const full = overlay ? new SearchPath(abs, this.prober, this.mode) : graph.search;
    chain = { graph, overlay, full, globReach: new Map() };
    this.chains.set(key, chain);
    return chain;
  }

  private graph(dirs: string[]): Graph {
    const key = graphKey(dirs, this.mode);
    let g = this.graphs.get(key);
    if (!g) this.graphs.set(key, (g = new Graph(this, new SearchPath(dirs, this.prober, this.mode))));
    return g;
  }
}

/** In mode 'all' the order of the path does not matter. */
function graphKey(dirs: string[], mode: ResolutionMode): string {
  return `${mode}\0${(mode === 'all' ? [...dirs].sort(byCodeUnit) : dirs).join('\0')}`;
}

/** The include graph over one search path, with the closure of every file (per strongly connected component). */
class Graph {
  private readonly deps = new Map<number, number[]>();
  private readonly closures: (Bitset | undefined)[] = [];

  constructor(
    private readonly scanner: IncludeScanner,
    readonly search: SearchPath,
  ) {}

  depsOf(id: number): number[] {
    let deps = this.deps.get(id);
    if (deps) return deps;
    const s = this.scanner;
    const info = s.info(id);
    const out = new Set<number>();
    if (this.search.mode === 'all') {
      info.localIds.forEach((d) => out.add(d));
      for (const spec of info.specs) for (const f of s.idsOf(this.search.inChain(spec))) out.add(f);
    } else {
      const file = s.entry(id).path;
      for (const ref of info.directives.refs) for (const f of s.idsOf(this.search.resolve(ref, file))) out.add(f);
    }
    deps = [...out];
    this.deps.set(id, deps);
    return deps;
  }

  /** Every file `id` reaches through plain includes (itself included); shared, do not modify. */
  closureOf(root: number): Bitset {
    const known = this.closures[root];
    if (known) return known;
    // Tarjan's algorithm, iteratively; an SCC's closure is its members plus its successors' closures
    const index = new Map<number, number>();
    const low = new Map<number, number>();
    const stack: number[] = [];
    const onStack = new Set<number>();
    const work: { v: number; deps: number[]; i: number }[] = [];
    let counter = 0;
    const push = (v: number) => {
      index.set(v, counter);
      low.set(v, counter++);
      stack.push(v);
      onStack.add(v);
      work.push({ v, deps: this.depsOf(v), i: 0 });
    };
    push(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      if (top.i < top.deps.length) {
        const w = top.deps[top.i++];
        if (this.closures[w]) continue;
        if (!index.has(w)) push(w);
        else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const v = top.v;
      if (low.get(v) === index.get(v)) {
        const members: number[] = [];
        let m: number;
        do {
          m = stack.pop() as number;
          onStack.delete(m);
          members.push(m);
        } while (m !== v);
        const set = new Bitset(this.scanner.fileCount);
        for (const x of members) set.add(x);
        for (const x of members) {
          for (const d of this.depsOf(x)) {
            const c = this.closures[d];
            if (c) set.or(c);
          }
        }
        for (const x of members) this.closures[x] = set;
      }
      if (work.length > 0) {
        const parent = work[work.length - 1].v;
        low.set(parent, Math.min(low.get(parent) as number, low.get(v) as number));
      }
    }
    return this.closures[root] as Bitset;
  }
}

/** The state of one closure computation. */
class Walk {
  readonly set = new Bitset();
  private version = 0;
  private readonly extra: ExtraRef[] = [];
  private readonly extraDone = new Set<string>();
  private readonly computed = new Map<string, Closure['computed'][number]>();
  private readonly expanded = new Map<string, Closure['expanded'][number]>();
  private readonly globDirs = new Set<string>();
  /** false once we follow files only because a glob covers them: their unresolved includes are noise */
  private direct = true;
  private coveredAt = '';
  private readonly callsDone = new Map<MacroCall, unknown>();

  constructor(
    private readonly scanner: IncludeScanner,
    private readonly chain: Chain,
    private readonly predefined: Map<string, MacroDef[]> | null,
    readonly predefinedKey: number,
  ) {}

  /** Adds a file and everything it reaches through plain includes. */
  add(id: number): void {
    if (this.set.has(id)) return;
    if (this.set.or(this.chain.graph.closureOf(id))) this.version++;
  }

  /** A reference not written as a plain #include in a file (forced includes, probe-macro calls, macros). */
  reference(from: string, ref: IncludeRef, report: boolean): void {
    const key = `${from}\0${ref.kind}\0${ref.angle}\0${ref.spec}`;
    if (this.extraDone.has(key)) return;
    this.extraDone.add(key);
    this.extra.push({ from, ref, report: report && this.direct && !ref.probe });
    for (const f of this.scanner.resolveOn(this.chain, ref, from)) this.add(f);
  }

  run(): Closure {
    this.settle();
    const direct = this.set.clone();
    const directExtra = this.extra.length;
    if (this.scanner.followsGlobs) {
      // the files under the globs may include files outside them; that reach is the same for every TU on
      // this search path, so it is computed once and merged
      this.direct = false;
      let merged = '';
      for (;;) {
        const dirs = [...this.globDirs].sort(byCodeUnit);
        if (dirs.length === 0 || dirs.join('\0') === merged) break;
        merged = dirs.join('\0');
        this.merge(this.globReach(dirs));
        this.settle();
      }
    }
    const s = this.scanner;
    const globDirs = minimalDirs([...this.globDirs]);
    const covered = (abs: string): boolean => globDirs.some((d) => abs === d || abs.startsWith(d + path.sep));
    const ids: number[] = [];
    this.set.forEach((id) => {
      const e = s.entry(id);
      if (e.inside && (globDirs.length === 0 || direct.has(id) || !covered(e.path))) ids.push(id);
    });
    const closure = {
      files: s.sortedRels(ids),
      globs: globDirs.map((d) => (d === s.workspaceRoot ? '**/*' : `${s.rel(d)}/**/*`)).sort(byCodeUnit),
      computed: [...this.computed.values()].sort(byLocation),
      expanded: [...this.expanded.values()].sort(byLocation),
    } as Closure;
    lazy(closure, 'unresolved', () => this.unresolved(direct, this.extra.slice(0, directExtra)));
    lazy(closure, 'absent', () => this.absent(covered));
    return closure;
  }

  private globReach(dirs: string[]): Reach {
    const key = `${this.predefinedKey}\0${dirs.join('\0')}`;
    let reach = this.chain.globReach.get(key);
    if (!reach) {
      reach = new Walk(this.scanner, this.chain, this.predefined, this.predefinedKey).reachFrom(dirs);
      this.chain.globReach.set(key, reach);
    }
    return reach;
  }

  /** Seeds the walk with every file under `dirs` (and dirs added by fallbacks) and returns what it reached. */
  private reachFrom(dirs: string[]): Reach {
    this.direct = false;
    dirs.forEach((d) => this.globDirs.add(d));
    const seeded = new Set<string>();
    for (;;) {
      const pending = [...this.globDirs].filter((d) => !seeded.has(d)).sort(byCodeUnit);
      if (pending.length === 0) break;
      for (const dir of pending) {
        seeded.add(dir);
        this.scanner.fs.filesUnder(dir).forEach((f) => this.add(this.scanner.id(f)));
      }
      this.settle();
    }
    return { set: this.set, computed: this.computed, expanded: this.expanded, globDirs: this.globDirs, extra: this.extra };
  }

  /** Adds a reach computed over the same search path: its files are already expanded. */
  private merge(reach: Reach): void {
    if (this.set.or(reach.set)) this.version++;
    reach.computed.forEach((c, k) => this.computed.set(k, c));
    reach.expanded.forEach((c, k) => this.expanded.set(k, c));
    reach.globDirs.forEach((d) => this.globDirs.add(d));
    for (const x of reach.extra) {
      const key = `${x.from}\0${x.ref.kind}\0${x.ref.angle}\0${x.ref.spec}`;
      if (!this.extraDone.has(key)) {
        this.extraDone.add(key);
        this.extra.push({ ...x, report: false });
      }
    }
  }

  /** Adds edges into the overlay dir and macro-computed edges until neither finds anything new. */
  private settle(): void {
    for (;;) {
      const before = this.version;
      this.overlayStep();
      this.macroStep();
      if (this.version === before) return;
    }
  }

  private overlayStep(): void {
    const dir = this.chain.overlay;
    if (!dir) return;
    let before: number;
    do {
      before = this.version;
      for (const { spec, file } of this.scanner.specsInto(dir)) {
        if (this.set.has(file)) continue;
        if (this.scanner.filesWithSpec(spec).some((h) => this.set.has(h))) this.add(file);
      }
    } while (this.version !== before);
  }

  private macroStep(): void {
    const s = this.scanner;
    const computed = Bitset.both(s.computedFiles, this.set);
    const forwards = Bitset.both(s.forwardFiles, this.set);
    // calls of macros that (somewhere in this closure) forward an argument to __has_include
    const macros = forwards.length > 0 ? s.probeMacrosOf(forwards) : null;
    if (macros) {
      for (const [name, params] of macros) {
        for (const { id, call } of s.callsOf(name)) {
          if (!this.set.has(id) || this.callsDone.get(call) === params) continue;
          this.callsDone.set(call, params);
          const file = s.entry(id).path;
          for (const [index, kind] of params) {
            const arg = call.args[index];
            if (arg === undefined || (arg !== null && 'param' in arg)) continue;
            if (arg === null)
              this.fallback(file, { line: call.line, text: `${call.name}(...)` }, 'a probe macro called with a computed argument');
            else this.reference(file, { kind, angle: arg.angle, spec: arg.spec, line: call.line, probe: true }, false);
          }
        }
      }
    }
    if (computed.length === 0) return;
    const refs = computed.flatMap((id) => s.info(id).directives.computed.map((c) => ({ id, c })));
    const defs = this.definitions(refs.map((x) => x.c.text));
    for (const { id, c } of refs) {
      const file = s.entry(id).path;
      let r: ExpandResult;
      try {
        r = s.expandComputed(c.text, defs, this.set, this.predefinedKey);
      } catch (e) {
        if (!(e instanceof Unexpandable)) throw e;
        this.fallback(file, c, e.message);
        continue;
      }
      this.expanded.set(`${file}\0${c.line}\0${c.text}`, { file: s.rel(file), line: c.line, text: c.text, headers: r.shown });
      for (const h of r.headers) {
        this.reference(file, { kind: r.kind, angle: h.angle, spec: h.spec, line: c.line, probe: true }, false);
      }
    }
  }

  /**
   * The definitions a computed reference may see: every #define in this closure (any branch) and the
   * predefined macros. The relevant names (those reachable from the references' texts through definitions)
   * are collected first, so that files are looked at for new names once per round, not once per name.
   */
  private definitions(texts: string[]): Definitions {
    const s = this.scanner;
    const pre = this.predefined;
    const lookup = (name: string): MacroDef[] => {
      // a name made by ## was not collected beforehand
      if (s.addMacroNames([name])) this.cover();
      return [...s.definitionsIn(name, this.set), ...(pre?.get(name) ?? EMPTY_DEFS)];
    };
    let frontier = new Set(texts.flatMap(identifiers));
    const seen = new Set<string>();
    while (frontier.size > 0) {
      s.addMacroNames(frontier);
      this.cover();
      const next = new Set<string>();
      for (const name of frontier) {
        seen.add(name);
        for (const d of lookup(name)) {
          const params = new Set((d.params ?? []).map((p) => (p === '...' ? '__VA_ARGS__' : p.replace(/\.\.\.$/, '').trim())));
          for (const n of identifiers(d.body)) if (!seen.has(n) && !params.has(n)) next.add(n);
        }
      }
      frontier = next;
    }
    return { lookup, complete: pre !== null };
  }

  private cover(): void {
    const key = `${this.scanner.macroNameCount}:${this.version}`;
    if (key === this.coveredAt) return;
    this.scanner.coverMacros(this.set);
    this.coveredAt = key;
  }

  /** A reference we cannot resolve statically: everything under the workspace include dirs may be read. */
  private fallback(file: string, c: ComputedRef, reason: string): void {
    const s = this.scanner;
    const key = `${file}\0${c.line}\0${c.text}`;
    if (!this.computed.has(key)) this.computed.set(key, { file: s.rel(file), line: c.line, text: c.text, reason });
    for (const dir of this.chain.full.dirs) {
      if (dir === s.workspaceRoot || s.isInside(dir)) this.globDirs.add(dir);
    }
    if (s.isInside(file)) this.globDirs.add(path.dirname(file)); // may be the workspace root itself
  }

  private unresolved(direct: Bitset, extra: ExtraRef[]): Closure['unresolved'] {
    const s = this.scanner;
    const full = this.chain.full;
    const out = new Map<string, Closure['unresolved'][number]>();
    const add = (file: string, line: number, spec: string) => {
      const rel = s.rel(file);
      out.set(`${rel}\0${line}\0${spec}`, { file: rel, line, spec });
    };
    direct.forEach((id) => {
      const info = s.info(id);
      const file = s.entry(id).path;
      for (const ref of info.directives.refs) {
        if (ref.probe) continue;
        if (full.mode === 'all') {
          if (!info.localHits.has(ref.spec) && full.inChain(ref.spec).found.length === 0) add(file, ref.line, ref.spec);
        } else if (full.resolve(ref, file).found.length === 0) add(file, ref.line, ref.spec);
      }
    });
    for (const x of extra) {
      if (x.report && full.resolve(x.ref, x.from).found.length === 0) add(x.from, x.ref.line, x.ref.spec);
    }
    return [...out.values()].sort(byLocation);
  }

  private absent(covered: (abs: string) => boolean): string[] {
    const s = this.scanner;
    const full = this.chain.full;
    const out = new Set<string>();
    this.set.forEach((id) => {
      const info = s.info(id);
      if (full.mode === 'all') {
        info.local.absent.forEach((a) => out.add(a));
        for (const spec of info.specs) full.inChain(spec).absent.forEach((a) => out.add(a));
      } else {
        const file = s.entry(id).path;
        for (const ref of info.directives.refs) full.resolve(ref, file).absent.forEach((a) => out.add(a));
      }
    });
    for (const x of this.extra) full.resolve(x.ref, x.from).absent.forEach((a) => out.add(a));
    return [...out]
      .filter((a) => !covered(a))
      .map((a) => s.rel(a))
      .sort(byCodeUnit);
  }
}

/** Defines `key` as an enumerable property computed on first access. */
function lazy<T extends object, K extends keyof T>(obj: T, key: K, compute: () => T[K]): void {
  let value: T[K] | undefined;
  Object.defineProperty(obj, key, {
    enumerable: true,
    configurable: true,
    get: () => (value ??= compute()),
    set: (v: T[K]) => {
      value = v;
    },
  });
}

/** Drops every directory that lies inside another one of the list. */
function minimalDirs(dirs: string[]): string[] {
  const sorted = [...new Set(dirs)].sort(byCodeUnit);
  const out: string[] = [];
  for (const d of sorted) {
    if (!out.some((o) => d === o || d.startsWith(o + path.sep))) out.push(d);
  }
  return out;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function byLocation<T extends { file: string; line: number }>(a: T, b: T): number {
  return byCodeUnit(a.file, b.file) || a.line - b.line || byCodeUnit(JSON.stringify(a), JSON.stringify(b));
}
