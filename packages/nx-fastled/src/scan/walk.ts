// One closure computation (a walk) over one search path: the files a translation unit reaches through plain
// includes (the chain's graph), then, to a fixpoint, edges into the chain's overlay directories and the
// headers that computed includes and probe-macro calls may name (macro-index.ts). A reference that cannot
// be bounded adds the workspace include dirs as globs; with `followGlobs`, what the files under the globs
// reach is walked once per search path and merged (Reach). The result is a Closure (closure.ts).
import * as path from 'path';
import { Bitset } from './bitset';
import type { Closure, ExtraRef, Reach } from './closure';
import type { ComputedRef, IncludeRef, MacroCall, MacroDef } from './directives';
import type { FileTable } from './file-table';
import type { FsView } from './fs-view';
import type { Chain, SearchChains } from './include-graph';
import type { ExpandResult, MacroIndex } from './macro-index';
import { identifiers, Unexpandable, type Definitions } from './macro-expand';
import { byCodeUnit, byLocation } from './order';

/** What a walk reads: the scanner's shared tables. */
export interface WalkContext {
  files: FileTable;
  macros: MacroIndex;
  chains: SearchChains;
  fs: FsView;
  followGlobs: boolean;
}

const EMPTY_DEFS: readonly MacroDef[] = [];

/** The state of one closure computation. */
export class Walk {
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
  /**
   * Every predefined macro name this walk looked up, with what it found (none: []): the only way the
   * compile's predefined macros reach a closure, so a closure holds for any other predefined set that
   * gives these names the same definitions (IncludeScanner's closure memo).
   */
  readonly consulted = new Map<string, readonly MacroDef[]>();

  constructor(
    private readonly ctx: WalkContext,
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
    for (const f of this.ctx.chains.resolveOn(this.chain, ref, from)) this.add(f);
  }

  run(): Closure {
    this.settle();
    const direct = this.set.clone();
    const directExtra = this.extra.length;
    if (this.ctx.followGlobs) {
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
    const s = this.ctx.files;
    const globDirs = minimalDirs([...this.globDirs]);
    const covered = (abs: string): boolean => globDirs.some((d) => abs === d || abs.startsWith(d + path.sep));
    const ids: number[] = [];
    this.set.forEach((id) => {
      const e = s.entry(id);
      if (e.inside && (globDirs.length === 0 || direct.has(id) || !covered(e.path))) ids.push(id);
    });
    const closure = {
      files: s.sortedRels(ids),
      globs: globDirs.map((d) => (d === s.root ? '**/*' : `${s.rel(d)}/**/*`)).sort(byCodeUnit),
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
      reach = new Walk(this.ctx, this.chain, this.predefined, this.predefinedKey).reachFrom(dirs);
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
        this.ctx.fs.filesUnder(dir).forEach((f) => this.add(this.ctx.files.id(f)));
      }
      this.settle();
    }
    return {
      set: this.set,
      computed: this.computed,
      expanded: this.expanded,
      globDirs: this.globDirs,
      extra: this.extra,
      consulted: this.consulted,
    };
  }

  /** Adds a reach computed over the same search path: its files are already expanded. */
  private merge(reach: Reach): void {
    if (this.set.or(reach.set)) this.version++;
    reach.computed.forEach((c, k) => this.computed.set(k, c));
    reach.expanded.forEach((c, k) => this.expanded.set(k, c));
    reach.globDirs.forEach((d) => this.globDirs.add(d));
    reach.consulted.forEach((d, name) => this.consulted.set(name, d));
    for (const x of reach.extra) {
      const key = `${x.from}\0${x.ref.kind}\0${x.ref.angle}\0${x.ref.spec}`;
      if (!this.extraDone.has(key)) {
        this.extraDone.add(key);
        this.extra.push({ ...x, report: false });
      }
    }
  }

  /** Adds edges into the overlay dirs and macro-computed edges until neither finds anything new. */
  private settle(): void {
    for (;;) {
      const before = this.version;
      this.overlayStep();
      this.macroStep();
      if (this.version === before) return;
    }
  }

  private overlayStep(): void {
    if (this.chain.overlays.length === 0) return;
    let before: number;
    do {
      before = this.version;
      for (const dir of this.chain.overlays) {
        for (const { spec, file } of this.ctx.files.specsInto(dir)) {
          if (this.set.has(file)) continue;
          if (this.ctx.files.filesWithSpec(spec).some((h) => this.set.has(h))) this.add(file);
        }
      }
    } while (this.version !== before);
  }

  private macroStep(): void {
    const s = this.ctx.files;
    const computed = Bitset.both(s.computedFiles, this.set);
    const forwards = Bitset.both(s.forwardFiles, this.set);
    // calls of macros that (somewhere in this closure) forward an argument to __has_include
    const macros = forwards.length > 0 ? this.ctx.macros.probeMacrosOf(forwards) : null;
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
        r = this.ctx.macros.expandComputed(c.text, defs, this.set, this.predefinedKey);
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
    const s = this.ctx.macros;
    const pre = this.predefined;
    const lookup = (name: string): MacroDef[] => {
      // a name made by ## was not collected beforehand
      if (s.addMacroNames([name])) this.cover();
      const given = pre?.get(name) ?? EMPTY_DEFS;
      if (pre) this.consulted.set(name, given);
      return [...s.definitionsIn(name, this.set), ...given];
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
    const key = `${this.ctx.macros.macroNameCount}:${this.version}`;
    if (key === this.coveredAt) return;
    this.ctx.macros.coverMacros(this.set);
    this.coveredAt = key;
  }

  /** A reference we cannot resolve statically: everything under the workspace include dirs may be read. */
  private fallback(file: string, c: ComputedRef, reason: string): void {
    const s = this.ctx.files;
    const key = `${file}\0${c.line}\0${c.text}`;
    if (!this.computed.has(key)) this.computed.set(key, { file: s.rel(file), line: c.line, text: c.text, reason });
    for (const dir of this.chain.full.dirs) {
      if (dir === s.root || s.isInside(dir)) this.globDirs.add(dir);
    }
    if (s.isInside(file)) this.globDirs.add(path.dirname(file)); // may be the workspace root itself
  }

  private unresolved(direct: Bitset, extra: ExtraRef[]): Closure['unresolved'] {
    const s = this.ctx.files;
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
    const s = this.ctx.files;
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
