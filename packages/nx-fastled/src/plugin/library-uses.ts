// Per board: resolved libraries turned into what the graph needs — each library's archive project (created
// once per board, shared by every example that uses it), its include dirs, how it is linked
// (`dot_a_linkage=`, `precompiled=`) — and the verdicts and messages for examples whose libraries do not
// support the board or cannot be found.
import * as path from 'node:path/posix';
import * as nodePath from 'node:path';
import type { ArduinoLibrary, Example } from '../library/discover';
import { digestTrees } from '../hashing/tree-digest';
import type { StatMemo } from '../hashing/stat-memo';
import {
  incompatibleMessage,
  missingDependencies,
  missingDependencyMessage,
  missingHeaderMessage,
  type MessageContext,
} from '../library/messages';
import { BoardLibraries, type LibraryRef, type UnitSettings } from './libraries';
import type { IncludeDir, LibraryDep } from '../plan';
import { librarySettings, platformLibraryProjects, type BoardContext, type Projects } from './projects';
import type { PluginState } from './state';

export interface ExamplePlanInput {
  deps: LibraryDep[];
  own: { whole: boolean; precompiled: string[]; defines: string[]; advice: string[] };
  /** Names of the libraries used besides the example's own, for `nx show project`. */
  uses: string[];
  /** Per name in `uses`: why library resolution added it. */
  why: Record<string, string>;
}

/** Content digest of every library outside the workspace a board can resolve to (platform, sketchbook). */
export function externalLibrariesDigest(b: BoardContext, sketchbookDir: string | undefined, memo: StatMemo): string {
  const roots = [{ label: 'libraries', path: nodePath.join(b.resolved.located.coreDir, 'libraries') }];
  if (sketchbookDir) roots.push({ label: 'sketchbook/libraries', path: nodePath.join(sketchbookDir, 'libraries') });
  return digestTrees(roots, memo).digest;
}

export class BoardLibraryUses {
  readonly libs: BoardLibraries;
  readonly ctx: MessageContext;
  private readonly uses = new Map<LibraryRef, LibraryDep>();

  constructor(
    private readonly state: PluginState,
    private readonly b: BoardContext,
    workspace: ArduinoLibrary[],
  ) {
    const build = state.build;
    const settingsOf = (ref: LibraryRef): UnitSettings => {
      if (ref.kind === 'workspace') {
        const s = librarySettings(build, b, ref.lib);
        return { flags: s.flags, includeDirs: s.includeDirs };
      }
      const r = b.resolved.recipe;
      return { flags: r.compileFlags, includeDirs: [...r.coreIncludeDirs, ...this.libs.includeDirs(ref)] };
    };
    this.libs = new BoardLibraries(b.resolved, workspace, settingsOf, {
      workspaceRoot: state.workspaceRoot,
      fileHash: (f) => state.fileHashes.get(f),
      scan: (files, dirs, forced) => state.scan(files, dirs, b, forced),
      memo: state.missingHeaders,
      externalDigest: externalLibrariesDigest(b, state.sketchbookDir, state.statMemo),
      sketchbookDir: state.sketchbookDir,
    });
    this.ctx = {
      board: b.resolved.board.name,
      arch: this.libs.arch,
      ...(state.build.options.sketchbook ? { sketchbook: state.build.options.sketchbook } : {}),
    };
  }

  /** Option `libraryDefines` for a library on this board. */
  defines(name: string): string[] {
    return this.state.build.options.libraryDefines[name]?.[this.b.resolved.board.name] ?? [];
  }

  /** `src/<mcu>/*.a` of a precompiled library, when it has some for this board. */
  precompiled(lib: ArduinoLibrary): string[] {
    if (!lib.fields.precompiled || !this.libs.mcu) return [];
    const dir = `${lib.layout === '1.5' ? path.join(lib.root, 'src') : lib.root}/${this.libs.mcu}/`;
    return lib.archives.filter((a) => a.startsWith(dir));
  }

  /** Whether the library's own sources are compiled on this board (not for `precompiled=full` with an archive). */
  compilesSources(lib: ArduinoLibrary): boolean {
    return !(lib.fields.precompiled === 'full' && this.precompiled(lib).length > 0);
  }

  use(ref: LibraryRef, projects: Projects): LibraryDep {
    const hit = this.uses.get(ref);
    if (hit) return hit;
    const board = this.b.resolved.board.name;
    const why = `${ref.cand.name}'s include folder (a library this TU uses, found by library resolution)`;
    const includeDirs: IncludeDir[] = this.libs.includeDirs(ref).map((dir) => ({ dir, why }));
    let use: LibraryDep;
    if (ref.kind === 'workspace') {
      const lib = ref.lib;
      const hasArchive = this.compilesSources(lib) && lib.sources.length > 0;
      const root = path.join(this.state.build.options.outputDir, board, lib.id);
      use = {
        name: lib.name,
        includeDirs,
        ...(hasArchive ? { archive: { step: `${board}/${lib.id}`, file: `${root}/lib${lib.id}.a` } } : {}),
        whole: !lib.fields.dotALinkage,
        precompiled: this.precompiled(lib),
        keys: [],
        defines: this.defines(lib.name),
      };
    } else {
      const ext = ref.ext;
      const key = `${ext.dirName}=${digestTrees([{ label: 'lib', path: ext.dir }], this.state.statMemo).digest.slice(0, 16)}`;
      const prefix = ref.base === 'sketchbook' ? 'sketchbook' : 'platform';
      const deps = this.depUses(ref, projects);
      const archive = platformLibraryProjects(
        this.state.build,
        this.b,
        {
          name: ext.name,
          id: `${prefix}-${ext.dirName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`,
          base: ref.base,
          rel: ref.rel,
          sources: ext.sources,
          includeDirs,
          ...(ext.utilityDir ? { utility: ext.utilityDir } : {}),
          key,
          defines: this.defines(ext.name),
        },
        deps,
        projects,
      );
      use = {
        name: ext.name,
        includeDirs,
        ...(archive ? { archive } : {}),
        whole: !ext.fields.dotALinkage,
        // Platform and sketchbook libraries are outside the workspace: their precompiled archives are not
        // supported here (a link's file inputs must be workspace files).
        precompiled: [],
        keys: [key],
        defines: this.defines(ext.name),
      };
    }
    this.uses.set(ref, use);
    return use;
  }

  /** What a library's own TUs compile with: the libraries its sources need, transitively. */
  depUses(ref: LibraryRef, projects: Projects): LibraryDep[] {
    const direct = this.libs.depsOf(ref).deps;
    return this.libs.closure(ref, direct).map((d) => this.use(d, projects));
  }

  /** Why a library cannot be built on this board at all, if so. */
  unsupported(lib: ArduinoLibrary): string | undefined {
    const ref = this.libs.ref(lib);
    if (this.libs.supports(ref)) return undefined;
    return `library.properties of ${lib.name} says architectures=${lib.fields.architectures.join(',')}: it does not support ${this.ctx.board} (architecture ${this.ctx.arch})`;
  }

  /** Messages for a library's missing `depends=` entries. */
  missingDepends(lib: ArduinoLibrary): string[] {
    return missingDependencies(lib.fields.depends, this.libs.index).map((d) => missingDependencyMessage(lib.name, d, this.ctx));
  }

  libraryAdvice(lib: ArduinoLibrary): string[] {
    const r = this.libs.depsOf(this.libs.ref(lib));
    return [...r.unresolved.map((u) => missingHeaderMessage(u, this.ctx)), ...this.missingDepends(lib)];
  }

  /** An example on this board: the libraries it uses, or why it is skipped. */
  example(
    lib: ArduinoLibrary,
    ex: Example,
    sketchSources: 'arduino' | 'all',
    sketchAppend: string[],
    projects: Projects,
  ): ExamplePlanInput | { skip: string } {
    const appended = sketchAppend.map((l) => /#\s*include\s*[<"]([^>"]+)[>"]/.exec(l)?.[1]).filter((x): x is string => !!x);
    const r = this.libs.forExample(
      lib,
      ex.inoFiles,
      sketchSources === 'all' ? ex.allSources : ex.extraSources,
      ex.dir,
      ['Arduino.h', ...appended],
      sketchAppend,
    );
    const own = this.libs.ref(lib);
    const bad = r.unsupported.filter((u) => u !== own);
    if (bad.length) return { skip: bad.map((u) => incompatibleMessage(u.cand, this.ctx)).join('; ') };
    const deps = r.deps.map((d) => this.use(d, projects));
    const advice = [...r.unresolved.map((u) => missingHeaderMessage(u, this.ctx)), ...this.missingDepends(lib)];
    return {
      deps,
      own: { whole: !lib.fields.dotALinkage, precompiled: this.precompiled(lib), defines: this.defines(lib.name), advice },
      uses: r.deps.map((d) => usedName(d)),
      why: Object.fromEntries(r.deps.map((d) => [usedName(d), r.why[d.cand.name]])),
    };
  }
}

/** How `nx show project` names a library an example uses. */
function usedName(d: LibraryRef): string {
  return d.kind === 'external' ? `${d.cand.name} (${d.base === 'sketchbook' ? 'sketchbook' : 'platform'})` : d.cand.name;
}
