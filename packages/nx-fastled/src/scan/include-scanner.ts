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
// Boards: a closure depends on the compile's predefined macros only through the names its walk looked up
// (computed includes and probe macros; plain includes are followed in every #if branch whatever the
// macros). Each closure is kept with those names and what they were defined as, and a later call with the
// same translation unit, search path and forced includes reuses it when its own predefined macros define
// every one of those names the same way: boards that differ only in macros the sources never look up
// (ARDUINO_AVR_UNO vs ARDUINO_AVR_NANO, -mmcu's builtins) share closures. A name looked up and absent is
// recorded as absent, so defining it later is a miss.
//
// The parts, one file each: file-table.ts (ids and per-file facts), macro-index.ts (definitions for
// computed includes), include-graph.ts (per-search-path graphs and their closures), walk.ts (one closure
// computation), closure.ts (the result). This file wires them and is the only public entry (index.ts).
import * as path from 'path';
import { DirectiveCache } from './directive-cache';
import { FileDirectives, type DirectiveStats } from './file-directives';
import { FileTable } from './file-table';
import { FsView } from './fs-view';
import { SearchChains } from './include-graph';
import { MacroIndex } from './macro-index';
import { Prober, type ResolutionMode } from './search-path';
import { Walk, type WalkContext } from './walk';
import type { Closure } from './closure';
import type { MacroDef } from './directives';

export type { Closure } from './closure';

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

export class IncludeScanner {
  private readonly root: string;
  private readonly fsView = new FsView();
  private readonly cache: DirectiveCache;
  private readonly directives: FileDirectives;
  private readonly files: FileTable;
  private readonly macros: MacroIndex;
  private readonly chains: SearchChains;
  private readonly context: WalkContext;
  /** closures by TU, search path and forced includes; each with the predefined macros its walk looked up */
  private readonly memo = new Map<string, { consulted: [string, string][]; closure: Closure }[]>();
  private memoHits = 0;

  constructor(opts: ScanOptions) {
    if (!path.isAbsolute(opts.workspaceRoot)) {
      throw new Error(`IncludeScanner: workspaceRoot must be absolute, got '${opts.workspaceRoot}'`);
    }
    this.root = path.resolve(opts.workspaceRoot);
    const prober = new Prober(this.fsView, this.root);
    this.cache = new DirectiveCache(opts.cacheFile);
    this.directives = new FileDirectives(this.root, this.cache, opts.fileHash);
    this.files = new FileTable(this.root, this.fsView, prober, this.directives);
    this.macros = new MacroIndex(this.files, this.directives, this.cache);
    this.chains = new SearchChains(this.files, this.fsView, prober, opts.resolution ?? 'all');
    this.context = { files: this.files, macros: this.macros, chains: this.chains, fs: this.fsView, followGlobs: opts.followGlobs ?? true };
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
    const predefined = this.macros.predefined(opts.predefined);
    const key = JSON.stringify([
      tus,
      includeDirs.map((d) => path.resolve(this.root, d)),
      systemDirs.map((d) => path.resolve(this.root, d)),
      forcedIncludes,
      predefined !== null,
    ]);
    const known = this.memo.get(key);
    const hit = known?.find((m) => m.consulted.every(([name, defs]) => defsText(predefined?.get(name)) === defs));
    if (hit) {
      this.memoHits++;
      return hit.closure;
    }
    const chain = this.chains.chain(includeDirs, systemDirs);
    const walk = new Walk(this.context, chain, predefined, this.macros.predefinedId(opts.predefined));
    for (const t of tus) {
      const abs = path.resolve(this.root, t);
      if (!this.fsView.isFile(abs)) throw new Error(`${t}: translation unit not found under ${this.root}`);
      walk.add(this.files.id(abs));
    }
    const commandLine = path.join(this.root, '<command-line>');
    for (const spec of forcedIncludes) {
      walk.reference(commandLine, { kind: 'include', angle: false, spec, line: 0 }, true);
    }
    const closure = walk.run();
    const consulted = [...walk.consulted].map(([name, defs]): [string, string] => [name, defsText(defs)]);
    const list = known ?? [];
    list.push({ consulted, closure });
    this.memo.set(key, list);
    return closure;
  }

  /** How many closure() calls were answered by a closure computed for other predefined macros (or the same). */
  get closureMemoHits(): number {
    return this.memoHits;
  }

  /** Persists the directive cache if a cacheFile was given. */
  save(): void {
    this.cache.save();
  }

  stats(): DirectiveStats {
    return this.directives.stats;
  }
}

/** Predefined definitions of one name as comparable text ('' when the name is not predefined). */
function defsText(defs: readonly MacroDef[] | undefined): string {
  return (defs ?? []).map((d) => `${d.params === null ? '' : `(${d.params.join(',')})`} ${d.body}`).join('\n');
}
