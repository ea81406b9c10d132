// The include graph of one search path, and the search paths ("chains") the scanner was asked about.
//
// Speed: the static part of a closure (plain includes) is a union of precomputed per-file closures over a
// graph per search path (strongly connected components, bitsets of file ids). A search path that differs
// from another only by one small directory appended to the -I list (a sketch folder) shares that other
// path's graph and adds the few edges into the small directory on top ("overlay"): in mode 'all' adding a
// directory can only add candidates, and only for specs whose first component it contains. The edges into
// an overlay are added by the walk (walk.ts, overlayStep).
import * as path from 'path';
import { Bitset } from './bitset';
import type { Reach } from './closure';
import type { IncludeRef } from './directives';
import type { FileTable } from './file-table';
import type { FsView } from './fs-view';
import { byCodeUnit } from './order';
import { SearchPath, type Prober, type ResolutionMode } from './search-path';

/** A search path: its (possibly shared) graph, the small directory on top of it, its own full resolver. */
export interface Chain {
  graph: Graph;
  overlay: string | null;
  full: SearchPath;
  globReach: Map<string, Reach>;
}

/** Every search path asked for, by the arguments that made it, and the graphs they share. */
export class SearchChains {
  private readonly chains = new Map<string, Chain>();
  private readonly graphs = new Map<string, Graph>();
  private readonly chainsByArgs = new Map<string, Chain>();

  constructor(
    private readonly files: FileTable,
    private readonly fsView: FsView,
    private readonly prober: Prober,
    private readonly mode: ResolutionMode,
  ) {}

  /** Resolves a reference over a chain: its graph's path (shared memo), plus the overlay directory. */
  resolveOn(chain: Chain, ref: IncludeRef, from: string): number[] {
    const base = this.files.idsOf(chain.graph.search.resolve(ref, from));
    if (!chain.overlay || ref.spec === '') return base;
    const p = this.prober.probe(chain.overlay, ref.spec);
    if (p.file === null || p.file === from) return base;
    return [...base, this.files.id(p.file)];
  }

  chain(includeDirs: string[], systemDirs: string[]): Chain {
    const argsKey = `${includeDirs.join('\0')}\0\0${systemDirs.join('\0')}`;
    let known = this.chainsByArgs.get(argsKey);
    if (!known) this.chainsByArgs.set(argsKey, (known = this.makeChain(includeDirs, systemDirs)));
    return known;
  }

  private makeChain(includeDirs: string[], systemDirs: string[]): Chain {
    // gcc drops a directory that appears again later in the path; keep the first occurrence
    const abs = [...new Set([...includeDirs, ...systemDirs].map((d) => path.resolve(this.files.root, d)))];
    const key = abs.join('\0');
    let chain = this.chains.get(key);
    if (chain) return chain;
    let graph: Graph | undefined;
    let overlay: string | null = null;
    if (this.mode === 'all' && includeDirs.length > 0) {
      // the last -I dir (a sketch folder) on top of the graph of the path without it
      const last = path.resolve(this.files.root, includeDirs[includeDirs.length - 1]);
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
    if (!g) this.graphs.set(key, (g = new Graph(this.files, new SearchPath(dirs, this.prober, this.mode))));
    return g;
  }
}

/** In mode 'all' the order of the path does not matter. */
function graphKey(dirs: string[], mode: ResolutionMode): string {
  return `${mode}\0${(mode === 'all' ? [...dirs].sort(byCodeUnit) : dirs).join('\0')}`;
}

/** The include graph over one search path, with the closure of every file (per strongly connected component). */
export class Graph {
  private readonly deps = new Map<number, number[]>();
  private readonly closures: (Bitset | undefined)[] = [];

  constructor(
    private readonly files: FileTable,
    readonly search: SearchPath,
  ) {}

  depsOf(id: number): number[] {
    let deps = this.deps.get(id);
    if (deps) return deps;
    const s = this.files;
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
        const set = new Bitset(this.files.fileCount);
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
