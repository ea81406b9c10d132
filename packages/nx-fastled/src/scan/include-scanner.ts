// IncludeScanner: the set of workspace files a translation unit may read, for use as its task inputs.
// It must never under-approximate (a stale object is the one unforgivable bug), so: every #if branch counts,
// every existing candidate on the search path counts (see search-path.ts), __has_include probes count,
// includes are followed through files outside the workspace, and an include whose target is computed by a
// macro falls back to globs over every workspace include dir and the including file's own tree — and, with
// `followGlobs`, to everything those trees' files may include in turn.
//
// Work is memoised at three levels: parsed directives per file (persistently, see directive-cache.ts), the
// resolved edges of a file per search path, and resolutions per (search path, directory, spec).
import * as path from 'path';
import { DirectiveCache } from './directive-cache';
import type { ComputedRef, Directives, ForwardEdge, IncludeRef } from './directives';
import { FileDirectives, type DirectiveStats } from './file-directives';
import { FsView } from './fs-view';
import { probeMacros, probeMacrosKey } from './probe-macros';
import { Prober, SearchPath, type Resolution, type ResolutionMode } from './search-path';

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

export interface Closure {
  /** ws-relative, sorted, the TU itself included; only files inside the workspace */
  files: string[];
  /** ws-relative glob patterns added by fallbacks (e.g. 'vendor/FastLED/src/**\/*'), sorted */
  globs: string[];
  /** includes found nowhere (informational: often inside #if for other platforms); sorted */
  unresolved: { file: string; line: number; spec: string }[];
  /** the references that caused the globs; sorted */
  computed: { file: string; line: number; text: string }[];
  /**
   * ws-relative paths that do not exist but would change what the compiler reads if created (the shortest
   * missing prefix of each such probe, so `foo/` stands for everything below it); sorted, none under a glob.
   * Files inputs cannot see a file appear; feed these to the hasher as patterns if that matters.
   */
  absent: string[];
}

/**
 * What a file needs independently of the search path (mode 'all'): its own-directory candidates for quoted
 * includes, and the distinct specs to look up on the path.
 */
interface FileInfo {
  directives: Directives;
  local: Resolution;
  localHits: Set<string>;
  specs: string[];
}

/** A file's references resolved over one search path (mode 'first'). */
interface Node {
  directives: Directives;
  deps: string[];
  unresolved: { line: number; spec: string }[];
  absent: string[];
}

interface Chain {
  search: SearchPath;
  nodes: Map<string, Node>;
  /** glob dirs (sorted, joined) → everything reachable from the files under them (shared by all TUs) */
  globReach: Map<string, Reach>;
}

/** What a walk found, to be merged into another walk over the same search path. */
interface Reach {
  visited: Set<string>;
  absent: Set<string>;
  computed: Map<string, Closure['computed'][number]>;
  globDirs: Set<string>;
  forwards: ForwardEdge[];
}

export class IncludeScanner {
  private readonly root: string;
  private readonly fsView = new FsView();
  private readonly prober: Prober;
  private readonly infos = new Map<string, FileInfo>();
  private readonly cache: DirectiveCache;
  private readonly directives: FileDirectives;
  private readonly chains = new Map<string, Chain>();
  private readonly mode: ResolutionMode;
  private readonly followGlobs: boolean;

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
   * @param tu ws-relative
   * @param includeDirs in -I order; ws-relative or absolute
   * @param systemDirs the compiler's own dirs, absolute
   * @param forcedIncludes `-include` arguments (searched from the workspace root, then the search path)
   */
  closure(tu: string, includeDirs: string[], systemDirs: string[], forcedIncludes: string[] = []): Closure {
    const tuAbs = path.resolve(this.root, tu);
    if (!this.fsView.isFile(tuAbs)) throw new Error(`${tu}: translation unit not found under ${this.root}`);
    const walk = new Walk(this, this.chain([...includeDirs, ...systemDirs]));
    walk.visit(tuAbs);
    const commandLine = path.join(this.root, '<command-line>');
    for (const spec of forcedIncludes) {
      const ref: IncludeRef = { kind: 'include', angle: false, spec, line: 0 };
      walk.reference(commandLine, ref);
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

  // ---- shared with Walk ----

  get workspaceRoot(): string {
    return this.root;
  }

  get fs(): FsView {
    return this.fsView;
  }

  get followsGlobs(): boolean {
    return this.followGlobs;
  }

  info(file: string): FileInfo {
    let info = this.infos.get(file);
    if (info) return info;
    const directives = this.directives.get(file);
    const dir = path.dirname(file);
    const found = new Set<string>();
    const absent = new Set<string>();
    const localHits = new Set<string>();
    const specs = new Set<string>();
    for (const ref of directives.refs) {
      specs.add(ref.spec);
      if (ref.angle || ref.kind === 'next' || ref.spec === '') continue;
      const p = this.prober.probe(dir, ref.spec);
      if (p.file !== null) {
        found.add(p.file);
        localHits.add(ref.spec);
      } else if (p.missing !== null) absent.add(p.missing);
    }
    info = { directives, local: { found: [...found], absent: [...absent] }, localHits, specs: [...specs] };
    this.infos.set(file, info);
    return info;
  }

  node(chain: Chain, file: string): Node {
    let node = chain.nodes.get(file);
    if (node) return node;
    const directives = this.directives.get(file);
    const deps = new Set<string>();
    const absent = new Set<string>();
    const unresolved: Node['unresolved'] = [];
    for (const ref of directives.refs) {
      const r = chain.search.resolve(ref, file);
      r.found.forEach((f) => deps.add(f));
      r.absent.forEach((a) => absent.add(a));
      if (r.found.length === 0 && !ref.probe) unresolved.push({ line: ref.line, spec: ref.spec });
    }
    node = { directives, deps: [...deps], absent: [...absent], unresolved };
    chain.nodes.set(file, node);
    return node;
  }

  /** Everything reachable from every file under `dirs` (and under the dirs their fallbacks add). */
  globReach(chain: Chain, dirs: string[]): Reach {
    const key = dirs.join('\0');
    let reach = chain.globReach.get(key);
    if (!reach) {
      reach = new Walk(this, chain).reachFrom(dirs);
      chain.globReach.set(key, reach);
    }
    return reach;
  }

  isInside(file: string): boolean {
    return file.startsWith(this.root + path.sep);
  }

  rel(file: string): string {
    return this.isInside(file) ? path.relative(this.root, file).split(path.sep).join('/') : file;
  }

  private chain(dirs: string[]): Chain {
    // gcc drops a directory that appears again later in the path; keep the first occurrence
    const abs = [...new Set(dirs.map((d) => path.resolve(this.root, d)))];
    const key = abs.join('\0');
    let chain = this.chains.get(key);
    if (!chain) {
      chain = { search: new SearchPath(abs, this.prober, this.mode), nodes: new Map(), globReach: new Map() };
      this.chains.set(key, chain);
    }
    return chain;
  }
}

/** The state of one closure computation. */
class Walk {
  private readonly visited = new Set<string>();
  private readonly queue: string[] = [];
  private readonly forwards: ForwardEdge[] = [];
  private readonly unresolved = new Map<string, Closure['unresolved'][number]>();
  private readonly absent = new Set<string>();
  private readonly computed = new Map<string, Closure['computed'][number]>();
  private readonly globDirs = new Set<string>();
  private readonly callsDone = new Set<string>();
  private readonly specsDone = new Set<string>();
  private probeKey = '';
  /** false once we follow files only because a glob covers them: their unresolved includes are noise */
  private direct = true;

  constructor(
    private readonly scanner: IncludeScanner,
    private readonly chain: Chain,
  ) {}

  visit(file: string): void {
    if (this.visited.has(file)) return;
    this.visited.add(file);
    this.queue.push(file);
  }

  /** A reference not written in any file (forced includes, probe-macro calls). */
  reference(from: string, ref: IncludeRef): void {
    const r = this.chain.search.resolve(ref, from);
    r.found.forEach((f) => this.visit(f));
    r.absent.forEach((a) => this.absent.add(a));
    if (r.found.length === 0 && !ref.probe && this.direct) this.addUnresolved(from, ref.line, ref.spec);
  }

  run(): Closure {
    this.settle();
    const direct = new Set(this.visited);
    if (this.scanner.followsGlobs) {
      // the files under the globs may include files outside them; that reach is the same for every TU on
      // this search path, so it is computed once and merged
      this.direct = false;
      let merged = '';
      for (;;) {
        const dirs = [...this.globDirs].sort(byCodeUnit);
        if (dirs.length === 0 || dirs.join('\0') === merged) break;
        merged = dirs.join('\0');
        this.merge(this.scanner.globReach(this.chain, dirs));
        this.settle();
      }
    }
    const globDirs = minimalDirs([...this.globDirs]);
    const covered = (abs: string): boolean => globDirs.some((d) => abs === d || abs.startsWith(d + path.sep));
    const s = this.scanner;
    const files = [...this.visited]
      .filter((f) => s.isInside(f) && (direct.has(f) || !covered(f)))
      .map((f) => s.rel(f));
    return {
      files: files.sort(byCodeUnit),
      globs: globDirs.map((d) => (d === s.workspaceRoot ? '**/*' : `${s.rel(d)}/**/*`)).sort(byCodeUnit),
      unresolved: [...this.unresolved.values()].sort(byLocation),
      computed: [...this.computed.values()].sort(byLocation),
      absent: [...this.absent]
        .filter((a) => !covered(a))
        .map((a) => s.rel(a))
        .sort(byCodeUnit),
    };
  }

  /** Seeds the walk with every file under `dirs` (and dirs added by fallbacks) and returns what it reached. */
  reachFrom(dirs: string[]): Reach {
    this.direct = false;
    dirs.forEach((d) => this.globDirs.add(d));
    const seeded = new Set<string>();
    for (;;) {
      const pending = [...this.globDirs].filter((d) => !seeded.has(d)).sort(byCodeUnit);
      if (pending.length === 0) break;
      for (const dir of pending) {
        seeded.add(dir);
        this.scanner.fs.filesUnder(dir).forEach((f) => this.visit(f));
      }
      this.settle();
    }
    return {
      visited: this.visited,
      absent: this.absent,
      computed: this.computed,
      globDirs: this.globDirs,
      forwards: this.forwards,
    };
  }

  /** Adds a reach computed over the same search path: its files are already expanded. */
  private merge(reach: Reach): void {
    reach.visited.forEach((f) => this.visited.add(f));
    reach.absent.forEach((a) => this.absent.add(a));
    reach.computed.forEach((c, k) => this.computed.set(k, c));
    reach.globDirs.forEach((d) => this.globDirs.add(d));
    this.forwards.push(...reach.forwards);
  }

  /** Drains the queue, then applies probe macros, until neither finds anything new. */
  private settle(): void {
    do {
      while (this.queue.length > 0) this.expand(this.queue.pop() as string);
      this.probeCalls();
    } while (this.queue.length > 0);
  }

  private expand(file: string): void {
    const directives = this.chain.search.mode === 'all' ? this.expandAll(file) : this.expandFirst(file);
    for (const c of directives.computed) this.fallback(file, c);
    this.forwards.push(...directives.forwards);
  }

  private expandFirst(file: string): Directives {
    const node = this.scanner.node(this.chain, file);
    node.deps.forEach((f) => this.visit(f));
    node.absent.forEach((a) => this.absent.add(a));
    if (this.direct) for (const u of node.unresolved) this.addUnresolved(file, u.line, u.spec);
    return node.directives;
  }

  /** The hot path: a spec's candidates on the search path are looked up once per closure, not per file. */
  private expandAll(file: string): Directives {
    const info = this.scanner.info(file);
    info.local.found.forEach((f) => this.visit(f));
    info.local.absent.forEach((a) => this.absent.add(a));
    for (const spec of info.specs) {
      if (this.specsDone.has(spec)) continue;
      this.specsDone.add(spec);
      const r = this.chain.search.inChain(spec);
      r.found.forEach((f) => this.visit(f));
      r.absent.forEach((a) => this.absent.add(a));
    }
    if (this.direct) {
      for (const ref of info.directives.refs) {
        if (ref.probe || info.localHits.has(ref.spec)) continue;
        if (this.chain.search.inChain(ref.spec).found.length === 0) this.addUnresolved(file, ref.line, ref.spec);
      }
    }
    return info.directives;
  }

  /** Calls of macros that (somewhere in this closure) forward an argument to __has_include. */
  private probeCalls(): void {
    const macros = probeMacros(this.forwards);
    const key = probeMacrosKey(macros);
    if (key !== this.probeKey) {
      this.probeKey = key;
      this.callsDone.clear();
    }
    if (macros.size === 0) return;
    for (const file of [...this.visited]) {
      if (this.callsDone.has(file)) continue;
      this.callsDone.add(file);
      for (const call of this.scanner.info(file).directives.calls) {
        const params = macros.get(call.name);
        if (!params) continue;
        for (const [index, kind] of params) {
          const arg = call.args[index];
          if (arg === undefined || (arg !== null && 'param' in arg)) continue;
          if (arg === null) this.fallback(file, { line: call.line, text: `${call.name}(...)` });
          else this.reference(file, { kind, angle: arg.angle, spec: arg.spec, line: call.line, probe: true });
        }
      }
    }
  }

  /** An include we cannot resolve statically: everything under the workspace include dirs may be read. */
  private fallback(file: string, c: ComputedRef): void {
    const s = this.scanner;
    const key = `${file}\0${c.line}\0${c.text}`;
    if (!this.computed.has(key)) this.computed.set(key, { file: s.rel(file), line: c.line, text: c.text });
    for (const dir of this.chain.search.dirs) {
      if (dir === s.workspaceRoot || s.isInside(dir)) this.globDirs.add(dir);
    }
    if (s.isInside(file)) this.globDirs.add(path.dirname(file)); // may be the workspace root itself
  }

  private addUnresolved(file: string, line: number, spec: string): void {
    const rel = this.scanner.rel(file);
    this.unresolved.set(`${rel}\0${line}\0${spec}`, { file: rel, line, spec });
  }
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
