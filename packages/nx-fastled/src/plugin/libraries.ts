// Library resolution for one board, in the graph: which libraries each example and each library needs, the
// way arduino-cli's detector finds them (library/resolution.ts), with the compiler's own preprocessor
// deciding what is missing (toolchain/missing-headers.ts). The libraries available are the workspace's
// (priority of `arduino-cli compile --library`), the sketchbook's `libraries/` (option `sketchbook`) and the
// board platform's bundled `libraries/` folder.
//
// Cost and keys: the include scanner's unresolved includes (every #if branch) say whether a TU could need a
// library at all; only when one of them is a header some library offers does the preprocessor run, and its
// answer is memoised by content (the TU's include closure, flags, include path, toolchain identity, the
// platform libraries' digest). Everything here depends on file content only, never on mtimes or paths
// outside the workspace, so the resulting include paths and archives keep task keys content-only.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ArduinoLibrary } from '../library/discover';
import { loadLibrariesDir, type ExternalLibrary } from '../library/external';
import { HeaderIndex, type LibraryCandidate } from '../library/resolver';
import { choiceText } from '../library/choice-text';
import { incompatible, libraryClosure, resolveUnits, type MissingProbe, type UnresolvedHeader } from '../library/resolution';
import { supportsArchitecture } from '../library/library-fields';
import { missingHeaders, missingHeadersAsync, type PreprocessRequest } from '../toolchain/missing-headers';
import type { ResolvedBoard } from '../toolchain/identity';
import type { Arg, Language } from '../toolchain/types';
import { languageOf } from '../toolchain/sources';
import { sketchToCpp } from '../sketch';
import { isRecord, JsonMemoFile } from '../util/json-memo';

/** A library available to a board's builds: in the workspace, or outside it (platform or sketchbook). */
export type LibraryRef =
  | { kind: 'workspace'; cand: LibraryCandidate; lib: ArduinoLibrary }
  | {
      kind: 'external';
      cand: LibraryCandidate;
      ext: ExternalLibrary;
      /** The folder `rel` is relative to: the board's core platform, or the sketchbook. */
      base: 'core' | 'sketchbook';
      /** `libraries/<dir>` */
      rel: string;
    };

/** How a unit of a library is compiled: flags per language and the include path before any dependency. */
export interface UnitSettings {
  flags: Record<Language, string[]>;
  /** Core (or library profile) dirs and the library's own dirs. */
  includeDirs: Arg[];
}

export interface ExampleLibraries {
  /** Libraries the example needs besides its own, in the order found (the include and link order). */
  deps: LibraryRef[];
  unresolved: UnresolvedHeader[];
  /** Libraries in `deps` (or the example's own) that do not support this board's architecture. */
  unsupported: LibraryRef[];
  /** Per library name in `deps`: why it is used (the header it provides and the rule, or who needs it). */
  why: Record<string, string>;
}

export interface ResolverDeps {
  workspaceRoot: string;
  /** Content hash of a workspace file. */
  fileHash(file: string): string | undefined;
  /** Include closure of a unit over an include path: its workspace files and unresolved include specs. */
  scan(files: string[], includeDirs: Arg[], forcedIncludes: string[]): { files: string[]; unresolved: string[] };
  memo: MissingHeaderMemo;
  /** Digest of the platform's bundled libraries folder and of the sketchbook's ('' when none). */
  externalDigest: string;
  /** Absolute sketchbook folder (option `sketchbook`), whose `libraries/` is searched; undefined: none. */
  sketchbookDir?: string;
}

/** A preprocessor run a probe needs: the request, or a known answer (a sketch that cannot be converted). */
export type ProbeRun = { req: PreprocessRequest; candidates: ReadonlySet<string> } | { answer: string[] };

/**
 * Memo of preprocessor answers keyed by content (JSON in Nx's workspace-data folder).
 *
 * Resolution asks one question at a time (each answer can change the next question), so a cold graph would
 * run the preprocessor serially. `prefetch` runs resolution passes in which a missing answer is recorded
 * instead of computed (and taken as "nothing missing"), runs the recorded ones side by side, and repeats
 * until a pass asks nothing new; the real pass then finds every answer here. Correctness never depends on
 * it: a key the passes did not foresee is computed when asked.
 */
export class MissingHeaderMemo {
  private readonly memo: JsonMemoFile<Record<string, string[]>>;
  private readonly entries: Record<string, string[]>;
  private pending?: Map<string, ProbeRun>;
  constructor(file?: string) {
    this.memo = new JsonMemoFile(file, 'library resolution memo');
    this.entries = this.memo.load((d) => (isRecord(d) ? (d as Record<string, string[]>) : undefined)) ?? {};
  }
  get(key: string, run: () => ProbeRun): string[] {
    const hit = this.entries[key];
    if (Array.isArray(hit)) return hit;
    const r = run();
    if ('answer' in r) return r.answer;
    if (this.pending) {
      if (!this.pending.has(key)) this.pending.set(key, r);
      return [];
    }
    this.entries[key] = missingHeaders(r.req, r.candidates);
    this.memo.markDirty();
    return this.entries[key];
  }
  /** Runs `pass` until it asks nothing new, computing each pass's questions `parallel` at a time; returns how many ran. */
  async prefetch(pass: () => void, parallel: number, maxPasses = 16): Promise<number> {
    let ran = 0;
    for (let i = 0; i < maxPasses; i++) {
      const pending = new Map<string, ProbeRun>();
      this.pending = pending;
      try {
        pass();
      } catch {
        // The real pass reports it, with its context.
      } finally {
        this.pending = undefined;
      }
      if (pending.size === 0) break;
      const jobs = [...pending];
      let next = 0;
      const worker = async () => {
        while (next < jobs.length) {
          const [key, r] = jobs[next++];
          if ('answer' in r) continue;
          try {
            this.entries[key] = await missingHeadersAsync(r.req, r.candidates);
            this.memo.markDirty();
            ran++;
          } catch {
            // Left unanswered: the real pass runs it synchronously and reports the failure.
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, jobs.length)) }, worker));
    }
    return ran;
  }
  save(): void {
    this.memo.save(() => this.entries);
  }
}

/** The architecture a board's libraries are matched against (library.properties `architectures=`). */
export function boardArch(resolved: ResolvedBoard): string {
  return resolved.board.traits.family;
}

/** The `build.mcu` of a board (precompiled libraries live in `src/<mcu>/`), from its `-mmcu=` flag. */
export function boardMcu(resolved: ResolvedBoard): string | undefined {
  const mmcu = resolved.recipe.compileFlags.cpp.find((f) => f.startsWith('-mmcu='))?.slice('-mmcu='.length);
  // The host has no -mmcu: its precompiled folder is the machine name (`src/x86_64/`), as for a Linux SBC.
  return mmcu ?? (boardArch(resolved) === 'native' ? os.machine() : undefined);
}

export function platformLibraries(resolved: ResolvedBoard): ExternalLibrary[] {
  return loadLibrariesDir(path.join(resolved.located.coreDir, 'libraries'), 'platform');
}

/** The sketchbook's libraries (arduino-cli's "user" location), none without a sketchbook. */
export function sketchbookLibraries(sketchbookDir: string | undefined): ExternalLibrary[] {
  return sketchbookDir ? loadLibrariesDir(path.join(sketchbookDir, 'libraries'), 'sketchbook') : [];
}

export class BoardLibraries {
  readonly arch: string;
  readonly mcu?: string;
  readonly index: HeaderIndex;
  private readonly refs: LibraryRef[];
  private readonly byCand = new Map<LibraryCandidate, LibraryRef>();
  private readonly byLib = new Map<ArduinoLibrary, LibraryRef>();
  private readonly depsMemo = new Map<LibraryRef, { deps: LibraryRef[]; unresolved: UnresolvedHeader[] }>();

  constructor(
    readonly resolved: ResolvedBoard,
    workspace: ArduinoLibrary[],
    private readonly settingsOf: (ref: LibraryRef) => UnitSettings,
    private readonly deps: ResolverDeps,
  ) {
    this.arch = boardArch(resolved);
    this.mcu = boardMcu(resolved);
    const refs: LibraryRef[] = workspace.map((lib) => ({
      kind: 'workspace',
      lib,
      cand: {
        key: lib.root,
        name: lib.name,
        dirName: lib.dirName,
        location: 'workspace',
        architectures: lib.fields.architectures,
        headers: lib.headers,
      },
    }));
    const external = [
      ...sketchbookLibraries(deps.sketchbookDir).map((ext) => ({ ext, base: 'sketchbook' as const })),
      ...platformLibraries(resolved).map((ext) => ({ ext, base: 'core' as const })),
    ];
    for (const { ext, base } of external) {
      if (ext.problem) continue;
      refs.push({
        kind: 'external',
        ext,
        base,
        rel: `libraries/${ext.dirName}`,
        cand: {
          key: base === 'sketchbook' ? `sketchbook:libraries/${ext.dirName}` : `${resolved.board.name}:libraries/${ext.dirName}`,
          name: ext.name,
          dirName: ext.dirName,
          location: ext.location,
          architectures: ext.fields.architectures,
          headers: ext.headers,
        },
      });
    }
    this.refs = refs;
    for (const r of refs) this.byCand.set(r.cand, r);
    for (const r of refs) if (r.kind === 'workspace') this.byLib.set(r.lib, r);
    this.index = new HeaderIndex(refs.map((r) => r.cand));
  }

  ref(lib: ArduinoLibrary): LibraryRef {
    return this.byLib.get(lib)!;
  }

  externalRefs(): LibraryRef[] {
    return this.refs.filter((r) => r.kind === 'external');
  }

  /** Include dirs a library contributes to the units that use it. */
  includeDirs(ref: LibraryRef): Arg[] {
    return ref.kind === 'workspace'
      ? ref.lib.includeDirs
      : [{ root: ref.base, rel: ref.ext.includeDir === '.' ? ref.rel : `${ref.rel}/${ref.ext.includeDir}` }];
  }

  supports(ref: LibraryRef): boolean {
    return supportsArchitecture(ref.cand.architectures, this.arch);
  }

  /** The libraries a library's own sources need (direct and through each other), in the order found. */
  depsOf(ref: LibraryRef): { deps: LibraryRef[]; unresolved: UnresolvedHeader[] } {
    const hit = this.depsMemo.get(ref);
    if (hit) return hit;
    this.depsMemo.set(ref, { deps: [], unresolved: [] }); // a cycle resolves to what is known so far
    const settings = this.settingsOf(ref);
    const units = this.sources(ref).map((src) => this.probe(settings, [src], languageOf(src), [], []));
    const r = resolveUnits([ref.cand], this.arch, this.index, units);
    const result = { deps: r.libraries.map((c) => this.byCand.get(c)!), unresolved: r.unresolved };
    this.depsMemo.set(ref, result);
    return result;
  }

  /** Every library a unit set needs, transitively, own library excluded. */
  closure(own: LibraryRef, direct: LibraryRef[]): LibraryRef[] {
    return libraryClosure(
      direct.map((d) => d.cand),
      (c) => this.depsOf(this.byCand.get(c)!).deps.map((d) => d.cand),
    )
      .map((c) => this.byCand.get(c)!)
      .filter((r) => r !== own);
  }

  /**
   * What an example needs: its sketch TU (the `.ino` files as one C++ unit) and its extra sources are
   * resolved with its own library on the path, then each library found brings its own dependencies.
   */
  forExample(
    lib: ArduinoLibrary,
    ino: string[],
    extra: string[],
    sketchDir: string,
    forced: string[],
    appended: string[],
  ): ExampleLibraries {
    const own = this.ref(lib);
    const settings = this.settingsOf(own);
    const units: MissingProbe[] = [
      this.probe(settings, ino, 'cpp', [sketchDir], forced, appended),
      ...extra.map((src) => this.probe(settings, [src], languageOf(src), [sketchDir], [])),
    ];
    const r = resolveUnits([own.cand], this.arch, this.index, units);
    const direct = r.libraries.map((c) => this.byCand.get(c)!);
    const deps = this.closure(own, [...direct, ...this.depsOf(own).deps]);
    const unresolved = new Map(r.unresolved.map((u) => [u.header, u]));
    for (const d of [own, ...deps]) for (const u of this.depsOf(d).unresolved) if (!unresolved.has(u.header)) unresolved.set(u.header, u);
    const why: Record<string, string> = {};
    for (const c of r.choices) why[c.chosen.name] ??= choiceText(c, 'the sketch');
    for (const d of deps) {
      if (why[d.cand.name]) continue;
      const user = [own, ...deps].find((u) => u !== d && this.depsOf(u).deps.includes(d));
      why[d.cand.name] = user ? `needed by ${user === own ? 'its own library' : user.cand.name}'s sources` : 'needed by a library in use';
    }
    return { deps, unresolved: [...unresolved.values()], unsupported: [own, ...deps].filter((d) => !this.supports(d)), why };
  }

  /** Which of `ref`'s libraries are incompatible (for messages). */
  incompatible(refs: LibraryRef[]): LibraryRef[] {
    const bad = incompatible(
      refs.map((r) => r.cand),
      this.arch,
    );
    return refs.filter((r) => bad.includes(r.cand));
  }

  private sources(ref: LibraryRef): string[] {
    return ref.kind === 'workspace' ? ref.lib.sources : ref.ext.sources.map((s) => path.join(ref.ext.dir, s));
  }

  private absolute(d: Arg): string {
    if (typeof d === 'string') return d;
    const l = this.resolved.located;
    const base =
      d.root === 'bin'
        ? l.binDir
        : d.root === 'variant'
          ? (l.variantDir ?? l.coreDir)
          : d.root === 'sketchbook'
            ? this.deps.sketchbookDir!
            : l.coreDir;
    return path.join(base, d.rel);
  }

  /**
   * The detector's preprocessor run for one unit, given the libraries in use. `files` are workspace-relative
   * (or absolute for a platform library's sources); `.ino` files are one sketch unit.
   */
  private probe(
    settings: UnitSettings,
    files: string[],
    language: Language,
    after: Arg[],
    forced: string[],
    appended: string[] = [],
  ): MissingProbe {
    const r = this.resolved.recipe;
    return (imported) => {
      const dirs: Arg[] = [...settings.includeDirs];
      const seen = new Set(dirs.map((d) => this.absolute(d)));
      for (const c of imported) {
        for (const d of this.includeDirs(this.byCand.get(c)!)) {
          if (!seen.has(this.absolute(d))) {
            seen.add(this.absolute(d));
            dirs.push(d);
          }
        }
      }
      dirs.push(...after);
      const scanned = this.deps.scan(files, dirs, forced);
      const candidates = new Set(scanned.unresolved.filter((s) => this.index.has(s)));
      if (candidates.size === 0) return [];
      const h = createHash('sha256');
      h.update(
        `${this.resolved.identity}\n${language}\n${settings.flags[language].join(' ')}\n${dirs.map((d) => (typeof d === 'string' ? d : `<${d.root}>/${d.rel}`)).join('\n')}\n`,
      );
      h.update(`${this.deps.externalDigest}\n${files.join('\n')}\n${[...candidates].sort().join(' ')}\n${appended.join('\n')}\n`);
      for (const f of scanned.files) h.update(`${f}\t${this.deps.fileHash(f) ?? ''}\n`);
      for (const f of files) if (path.isAbsolute(f)) h.update(`${f}\t${fs.readFileSync(f, 'latin1')}\n`);
      return this.deps.memo.get(h.digest('hex'), (): ProbeRun => {
        const isSketch = files.every((f) => f.endsWith('.ino'));
        let source: { file: string } | { text: string; extraFlags: string[] } = { file: files[0] };
        if (isSketch) {
          let cpp: string;
          try {
            cpp = sketchToCpp(
              files.map((f) => ({ path: f, text: new Uint8Array(fs.readFileSync(path.join(this.deps.workspaceRoot, f))) })),
            );
          } catch {
            return { answer: [] }; // the sketch step reports a sketch it cannot convert, with file and line
          }
          source = {
            text: `${cpp}${cpp.endsWith('\n') ? '' : '\n'}${appended.map((l) => `${l}\n`).join('')}`,
            extraFlags: ['-iquote', String(after[0])],
          };
        }
        return {
          req: {
            driver: path.join(this.resolved.located.binDir, r.compiler[language]),
            flags: settings.flags[language],
            includeDirs: dirs.map((d) => this.absolute(d)),
            source,
            cwd: this.deps.workspaceRoot,
          },
          candidates,
        };
      });
    };
  }
}
