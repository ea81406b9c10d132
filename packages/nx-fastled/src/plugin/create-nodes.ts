// createNodes: every `library.properties` in the workspace becomes a graph of compile, archive and link
// projects per board (see docs/ARCHITECTURE.md). Thin by design: options are normalised once, toolchains
// resolved once per invocation, and the domain modules (library, filters, scan, toolchain) do the work.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2, ProjectConfiguration } from '@nx/devkit';
import { isMatch } from 'micromatch';
import { discoverLibrary, LibraryError, ArduinoLibrary } from '../library/discover';
import { normalizeOptions, readOptions, NxFastledOptions, unknownBoardMessage } from './options';
import {
  boardContext,
  BoardContext,
  BuildContext,
  coreProjects,
  CoreProjects,
  exampleBoardProjects,
  failingProject,
  libraryProjects,
  LibraryProjects,
  projectName,
  Projects,
} from './projects';
import { resolveBoards, PluginState } from './state';
import { exampleVerdict } from './filters-adapter';
import { missingToolchainMessage } from './messages';
import { addTestProject, testsBoard } from './test-targets';
import { assertSupportedNx } from '../nx-compat';
import type { ResolvedBoard, UnresolvedBoard } from '../toolchain/identity';
import { withGraphCache } from './graph-cache';
import { BoardLibraryUses } from './library-uses';

export const LIBRARY_GLOB = '**/library.properties';

export const createNodes: CreateNodesV2<NxFastledOptions> = [
  LIBRARY_GLOB,
  async (files, rawOptions, context) => {
    assertSupportedNx();
    return withGraphCache(files, rawOptions, context, () => buildGraph(files, rawOptions, context));
  },
];
/** Deprecated alias kept for Nx versions that still look for it. */
export const createNodesV2 = createNodes;

/** Test seams: resolved boards and the task CLI given instead of located on this machine. */
export interface GraphOverrides {
  boards?: Map<string, ResolvedBoard | UnresolvedBoard>;
  tool?: { path: string; hash: string };
}

export async function buildGraph(
  configFiles: readonly string[],
  rawOptions: NxFastledOptions | undefined,
  context: CreateNodesContextV2,
  overrides: GraphOverrides = {},
): Promise<Array<readonly [string, CreateNodesResult]>> {
  assertSupportedNx();
  const options = normalizeOptions(readOptions(context.workspaceRoot, rawOptions), process.env);
  const libraryFiles = configFiles
    .filter((f) => !options.exclude.length || !isMatch(f, options.exclude))
    .filter((f) => !f.split('/').includes('node_modules'))
    .slice()
    .sort();
  if (libraryFiles.length === 0) return [];
  const state: PluginState = await resolveBoards(context.workspaceRoot, options, overrides);
  const results: Array<readonly [string, CreateNodesResult]> = [];
  const cores = new Map<string, CoreProjects>();

  // Per-board projects shared by every library (toolchain checks, the core) go with the first library.
  const shared: Projects = {};
  for (const request of options.boards) {
    const entry = state.boards.get(request.id);
    const root = path.posix.join(options.outputDir, request.id, 'toolchain');
    if (!entry) {
      shared[root] = failingProject(`${request.id}/toolchain`, root, 'check', unknownBoardMessage(request.name), [`board:${request.id}`]);
    } else if (!entry.ok && request.explicit) {
      shared[root] = failingProject(`${request.id}/toolchain`, root, 'check', missingToolchainMessage(entry.missing), [
        `board:${request.id}`,
      ]);
    } else if (entry.ok) {
      cores.set(request.id, coreProjects(state.build, boardContext(entry), shared));
    }
  }

  // Every library first: an example of one can use any other (library resolution).
  const discovered = libraryFiles.map((file) => {
    const libRoot = path.posix.dirname(file);
    try {
      const text = fs.readFileSync(path.join(context.workspaceRoot, file), 'utf8');
      return { file, lib: discoverLibrary(file, text, state.filesUnder(libRoot)) };
    } catch (e) {
      return { file, error: e as Error };
    }
  });
  const workspaceLibs = discovered.flatMap((d) => (d.lib ? [d.lib] : []));
  const uses = new Map<string, BoardLibraryUses>();
  for (const request of options.boards) {
    const entry = state.boards.get(request.id);
    if (entry?.ok) uses.set(request.id, new BoardLibraryUses(state, boardContext(entry), workspaceLibs));
  }

  for (const { file, lib: found, error } of discovered) {
    const projects: Projects = results.length === 0 ? { ...shared } : {};
    const libRoot = path.posix.dirname(file);
    let lib: ArduinoLibrary;
    try {
      if (error) throw error;
      lib = found!;
    } catch (e) {
      const message = e instanceof LibraryError ? e.message : `${file}: ${(e as Error).message}`;
      projects[libRoot] = failingProject(
        `${path.posix.basename(libRoot === '.' ? context.workspaceRoot : libRoot)}`,
        libRoot,
        options.targetNames.build,
        `nx-fastled: ${message}`,
        ['nx-fastled:library', 'nx-fastled:invalid'],
      );
      results.push([file, { projects: projects as Record<string, ProjectConfiguration> }]);
      continue;
    }
    addLibrary(
      state.build,
      state,
      options.boards.map((b) => b.id),
      lib,
      cores,
      uses,
      projects,
    );
    results.push([file, { projects: projects as Record<string, ProjectConfiguration> }]);
  }
  state.save();
  return results;
}

function addLibrary(
  ctx: BuildContext,
  state: PluginState,
  boards: string[],
  lib: ArduinoLibrary,
  cores: Map<string, CoreProjects>,
  uses: Map<string, BoardLibraryUses>,
  projects: Projects,
): void {
  const t = ctx.options.targetNames;
  const libs = new Map<string, { b: BoardContext; lp: LibraryProjects; u: BoardLibraryUses }>();
  const libraryNotes: Record<string, string> = {};
  for (const board of boards) {
    const entry = state.boards.get(board);
    const u = uses.get(board);
    if (!entry?.ok || !u) continue;
    const unsupported = u.unsupported(lib);
    if (unsupported) {
      libraryNotes[board] = `skipped: ${unsupported}`;
      continue;
    }
    const b = boardContext(entry);
    const ref = u.libs.ref(lib);
    const deps = u.depUses(ref, projects);
    const lp = libraryProjects(ctx, b, lib, projects, deps, {
      compileSources: u.compilesSources(lib),
      advice: u.libraryAdvice(lib),
      defines: u.defines(lib.name),
    });
    libs.set(board, { b, lp, u });
    const notes = [
      deps.length ? `uses ${deps.map((d) => d.name).join(', ')}` : '',
      u.precompiled(lib).length
        ? `precompiled ${u.precompiled(lib).join(', ')}${u.compilesSources(lib) ? ' (sources compiled too)' : ''}`
        : '',
      lib.fields.dotALinkage ? 'linked as an archive (dot_a_linkage)' : '',
      ...u.missingDepends(lib),
    ].filter(Boolean);
    libraryNotes[board] = notes.length ? notes.join('; ') : 'built';
  }
  const exampleNames: string[] = [];
  for (const ex of lib.examples) {
    const dependsOn: { projects: string[]; target: string }[] = [];
    const boardNotes: Record<string, string> = {};
    const usesByBoard: Record<string, string[]> = {};
    let invalid: string | undefined;
    for (const board of boards) {
      const entry = state.boards.get(board);
      const request = ctx.options.boards.find((r) => r.id === board)!;
      if (!entry || (!entry.ok && request.explicit)) {
        dependsOn.push({ projects: [`${board}/toolchain`], target: 'check' });
        boardNotes[board] = entry ? `toolchain missing: ${(entry as { missing: { missing: string } }).missing.missing}` : 'unknown board';
        continue;
      }
      if (!entry.ok) {
        boardNotes[board] = `skipped: toolchain not found (${entry.missing.missing}); install with: ${entry.missing.install}`;
        continue;
      }
      const verdict = exampleVerdict(state, ex, entry.board, entry.recipe.traits);
      if (!verdict.admitted && verdict.invalid) {
        invalid = verdict.reason;
        boardNotes[board] = `error: ${verdict.reason}`;
        continue;
      }
      if (!verdict.admitted) {
        boardNotes[board] = `skipped: ${verdict.reason}`;
        continue;
      }
      const built = libs.get(board);
      if (!built) {
        boardNotes[board] = libraryNotes[board] ?? 'skipped: library not built for this board';
        continue;
      }
      const { b, lp, u } = built;
      const plan = u.example(lib, ex, lp.settings.sketchSources, lp.settings.sketchAppend, projects);
      if ('skip' in plan) {
        boardNotes[board] = `skipped: ${plan.skip}`;
        continue;
      }
      const link = exampleBoardProjects(ctx, b, lib, ex, lp, cores.get(board)!, projects, plan.deps, plan.own);
      if (testsBoard(ctx, b)) addTestProject(ctx, b, lib, ex, lp, link, state.readText, projects);
      dependsOn.push({ projects: [link], target: t.link });
      boardNotes[board] = 'built';
      if (plan.uses.length) usesByBoard[board] = plan.uses;
    }
    const name = projectName(`${lib.id}/${ex.path}`);
    if (invalid) {
      projects[ex.dir] = failingProject(name, ex.dir, t.build, `nx-fastled: ${invalid}`, [
        'nx-fastled:example',
        'nx-fastled:invalid',
        `lib:${lib.id}`,
      ]);
      exampleNames.push(name);
      continue;
    }
    const described = Object.entries(boardNotes)
      .map(([b, note]) => `${b}: ${note}`)
      .join('; ');
    projects[ex.dir] = {
      name,
      root: ex.dir,
      tags: ['nx-fastled', 'nx-fastled:example', `lib:${lib.id}`],
      // `boards` says built or why not (the report lists every note but 'built' as a skip); `uses` the
      // libraries library resolution found per board.
      metadata: {
        nxFastled: { boards: boardNotes, ...(Object.keys(usesByBoard).length ? { uses: usesByBoard } : {}) },
      } as ProjectConfiguration['metadata'],
      targets: {
        [t.build]: {
          executor: 'nx:noop',
          // Cached so a fully warm run reports 100% hits; a no-op has nothing to restore.
          cache: true,
          // Keyed on what it aggregates (the links' outputs), not on every file in the example folder:
          // `nx affected` then selects it exactly when one of its links is affected.
          inputs: [{ dependentTasksOutputFiles: '**/*', transitive: false }, { externalDependencies: [] }],
          dependsOn: dependsOn.length ? dependsOn : undefined,
          metadata: { description: `Build ${ex.dir} for every configured board (${described || 'no boards'})` },
        },
      },
    };
    exampleNames.push(name);
  }
  for (const problem of lib.problems) {
    const rel = problem.file;
    projects[rel] = failingProject(
      `${lib.id}/${rel.slice(lib.root.length + 1)}`,
      rel,
      t.build,
      `nx-fastled: ${problem.file}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`,
      ['nx-fastled:example', 'nx-fastled:invalid', `lib:${lib.id}`],
    );
  }
  projects[lib.root] = {
    name: projectName(lib.id),
    root: lib.root,
    tags: ['nx-fastled', 'nx-fastled:library', `lib:${lib.id}`],
    metadata: {
      nxFastled: {
        layout: lib.layout,
        version: lib.version,
        sources: lib.sources.length,
        examples: lib.examples.length,
        architectures: lib.fields.architectures,
        ...(lib.fields.depends.length ? { depends: lib.fields.depends.map((d) => (d.version ? `${d.name} (${d.version})` : d.name)) } : {}),
        ...(lib.fields.includes.length ? { includes: lib.fields.includes } : {}),
        ...(lib.fields.precompiled ? { precompiled: lib.fields.precompiled } : {}),
        ...(lib.fields.dotALinkage ? { dotALinkage: true } : {}),
        boards: boardInfo(state, boards),
        // Per board: the libraries this library's sources use, or why it is not built there.
        resolution: libraryNotes,
      },
    } as ProjectConfiguration['metadata'],
    targets: {
      [t.build]: {
        executor: 'nx:noop',
        cache: true,
        // No file inputs: a README or CI file in the library folder must not select the whole library.
        inputs: [{ externalDependencies: [] }],
        dependsOn: exampleNames.length ? [{ projects: exampleNames, target: t.build }] : undefined,
        metadata: {
          description: `Build all ${exampleNames.length} examples of ${lib.name} (layout ${lib.layout}, ${lib.sources.length} library sources)`,
        },
      },
    },
  };
}

/** What `nx show project <library>` says about each board: FQBN, menus, limits, FastLED traits, or why it is absent. */
function boardInfo(state: PluginState, boards: string[]): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const board of boards) {
    const e = state.boards.get(board);
    if (!e) out[board] = { status: 'unknown board' };
    else if (!e.ok) out[board] = { status: `not built: ${e.missing.missing}`, install: e.missing.install };
    else {
      const t = e.recipe.traits ?? e.board.traits;
      out[board] = {
        status: 'resolved',
        traits: `platform ${t.platform}, family ${t.family}, target ${t.target}, memory ${t.memory}`,
        ...(e.recipe.info ?? {}),
        located: e.located.sources.join('; '),
      };
    }
  }
  return out;
}
