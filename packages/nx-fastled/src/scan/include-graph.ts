// The include graph of one search path, and the search paths ("chains") the scanner was asked about.
//
// Speed: the static part of a closure (plain includes) is a union of precomputed per-file closures over a
// graph per search path (strongly connected components, bitsets of file ids). Small -I directories (a sketch
// folder, an Arduino variant folder: at most 32 entries), and the last -I directory when a graph of the path
// without it exists, are left out of the graph and added on top ("overlays"): in mode 'all' adding a
// directory can only add candidates, and only for specs whose first component it contains. So paths that
// differ only in such directories (boards of one core with different variants, sketches) share one graph.
// The edges into the overlays are added by the walk (walk.ts, overlayStep).
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
  /** directories of the path left out of `graph`, whose edges the walk adds */
  overlays: string[];
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
    if (chain.overlays.length === 0 || ref.spec === '') return base;
    const out = [...base];
    for (const dir of chain.overlays) {
      const p = this.prober.probe(dir, ref.spec);
      if (p.file !== null && p.file !== from) out.push(this.files.id(p.file));
    }
    return out;
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
    let overlays: string[] = [];
    if (this.mode === 'all' && includeDirs.length > 0) {
      const once = (d: string) => abs.indexOf(d) === abs.lastIndexOf(d);
      const inc = [...new Set(includeDirs.map((d) => path.resolve(this.files.root, d)))].filter(once);
      const last = path.resolve(this.files.root, includeDirs[includeDirs.length - 1]);
      overlays = inc.filter((d) => {
        const listing = this.fsView.listing(d);
        if (!listing) return false;
        if (listing.size <= 32) return true;
        return (
          d === last &&
          this.graphs.has(
            graphKey(
              abs.filter((x) => x !== last),
              'all',
            ),
          )
        );
      });
    }
    const graph = this.graph(abs.filter((d) => !overlays.includes(d)));
    const full = overlays.length ? new SearchPath(abs, this.prober, this.mode) : graph.search;
    chain = { graph, overlays, full, globReach: new Map() };
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
