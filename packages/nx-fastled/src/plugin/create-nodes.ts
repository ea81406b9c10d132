// createNodes: every `library.properties` in the workspace becomes a graph of compile, archive and link
// projects per board (see docs/ARCHITECTURE.md). Thin by design: options are normalised once, toolchains
// resolved once per invocation, and the domain modules (library, filters, scan, toolchain) do the work.
import * as fs from 'node:fs';
import * as os from 'node:os';
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
import { shareSketchInputs } from './shared-inputs';
import { shortHash, uniqueKeys } from '../library/unique-names';
import { supportsArchitecture } from '../library/library-fields';
import { isLinked, linkMessage, LinkedEntry, symbolicLinks } from '../library/links';
import { BoardLibraryUses } from './library-uses';
import type { LibraryArchives } from './create-dependencies';
import type { LinkStep } from '../plan';

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

  // Discover every library first: names and output folders must be unique across all of them, and an
  // example of one can use any other (library resolution).
  const found = libraryFiles.map((file) => {
    const libRoot = path.posix.dirname(file);
    try {
      const text = fs.readFileSync(path.join(context.workspaceRoot, file), 'utf8');
      return { file, libRoot, lib: discoverLibrary(file, text, state.filesUnder(libRoot)) };
    } catch (e) {
      return { file, libRoot, error: e instanceof LibraryError ? e.message : `${file}: ${(e as Error).message}` };
    }
  });
  const ids = uniqueKeys(
    found,
    (f) => (f.lib ? projectName(f.lib.id) : projectName(path.posix.basename(f.libRoot === '.' ? context.workspaceRoot : f.libRoot))),
    (f) => f.libRoot,
  );
  // Linked sources are reported below, never compiled (library/links.ts says why).
  const prepared = found.map((f) => {
    if (!f.lib) return { f };
    const links = symbolicLinks(context.workspaceRoot, f.libRoot, state.filesUnder(f.libRoot));
    const unlinked = (files: string[]) => files.filter((s) => !isLinked(links, s));
    const lib: ArduinoLibrary = {
      ...f.lib,
      id: ids.get(f)!.key,
      sources: unlinked(f.lib.sources),
      examples: f.lib.examples.map((ex) => ({ ...ex, extraSources: unlinked(ex.extraSources), allSources: unlinked(ex.allSources) })),
    };
    return { f, lib, links };
  });
  const workspaceLibs = prepared.flatMap((p) => (p.lib ? [p.lib] : []));
  const boardUses = () => {
    const uses = new Map<string, BoardLibraryUses>();
    for (const request of options.boards) {
      const entry = state.boards.get(request.id);
      if (entry?.ok) uses.set(request.id, new BoardLibraryUses(state, boardContext(entry), workspaceLibs));
    }
    return uses;
  };
  // Library resolution's preprocessor runs, side by side (MissingHeaderMemo.prefetch says how): passes over
  // every library with throwaway projects, then the real one below finds the answers memoised.
  const boardIds = options.boards.map((b) => b.id);
  const add = (lib: ArduinoLibrary, uses: Map<string, BoardLibraryUses>, projects: Projects) =>
    addLibrary(state.build, state, boardIds, lib, cores, uses, projects);
  await state.missingHeaders.prefetch(() => {
    const dry = boardUses();
    for (const { lib } of prepared) if (lib) add(lib, dry, {});
  }, os.availableParallelism());
  const uses = boardUses();

  for (const { f, lib, links } of prepared) {
    const projects: Projects = results.length === 0 ? { ...shared } : {};
    const { key, clashesWith } = ids.get(f)!;
    if (!lib || !links) {
      projects[f.libRoot] = failingProject(key, f.libRoot, options.targetNames.build, `nx-fastled: ${f.error}`, [
        'nx-fastled:library',
        'nx-fastled:invalid',
      ]);
      results.push([f.file, { projects: projects as Record<string, ProjectConfiguration> }]);
      continue;
    }
    add(lib, uses, projects);
    const meta = (projects[lib.root].metadata as { nxFastled: Record<string, unknown> }).nxFastled;
    if (clashesWith.length) {
      meta.renamed = `library id "${f.lib!.id}" is also the id of ${clashesWith.join(', ')}: this library's projects and outputs use "${key}"`;
    }
    addLinkReports(links, lib, options.targetNames.build, projects, meta);
    results.push([f.file, { projects: projects as Record<string, ProjectConfiguration> }]);
  }
  const all: Projects = {};
  for (const [, r] of results) Object.assign(all, r.projects);
  shareSketchInputs(all, state.filesUnder('.'));
  state.save();
  return survivingDuplicates(results, options.targetNames.build);
}

const LINKED_CODE = /\.(c|cpp|S|ino|pde|h|hpp|hh|cc|cxx|tpp|ipp|inc)$/i;

/** Links: a failing project for a linked source, header or folder, metadata for anything else. */
function addLinkReports(
  links: LinkedEntry[],
  lib: ArduinoLibrary,
  target: string,
  projects: Projects,
  meta: Record<string, unknown>,
): void {
  const skipped = [...lib.skipped];
  for (const link of links) {
    if (link.kind === 'directory' || link.kind === 'dangling' || LINKED_CODE.test(link.file)) {
      const rel = lib.root === '.' ? link.file : link.file.slice(lib.root.length + 1);
      projects[link.file] = failingProject(`${lib.id}/${rel}`, link.file, target, `nx-fastled: ${linkMessage(link)}`, [
        'nx-fastled:invalid',
        `lib:${lib.id}`,
      ]);
    } else {
      skipped.push({ file: link.file, reason: linkMessage(link) });
    }
  }
  if (skipped.length) meta.skipped = skipped.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/**
 * Last line of defence against "Failed to process project graph": if two projects still share a name (a name
 * nothing above foresaw, e.g. a library id equal to a board name), the first (by root) keeps it and each
 * other becomes a failing project naming both folders, so everything else still builds.
 */
function survivingDuplicates(
  results: Array<readonly [string, CreateNodesResult]>,
  target: string,
): Array<readonly [string, CreateNodesResult]> {
  const roots = new Map<string, string[]>();
  for (const [, r] of results) {
    for (const [root, p] of Object.entries(r.projects ?? {})) {
      const name = p.name ?? root;
      if (!roots.has(name)) roots.set(name, []);
      roots.get(name)!.push(root);
    }
  }
  for (const [name, list] of roots) {
    if (list.length < 2) continue;
    const [keep, ...others] = list.slice().sort();
    for (const [, r] of results) {
      for (const root of others) {
        if (!r.projects?.[root]) continue;
        (r.projects as Projects)[root] = failingProject(
          `${name}-${shortHash(root)}`,
          root,
          target,
          `nx-fastled: two projects would both be named "${name}": ${keep} and ${root}; rename one of the folders (or the library) so their names differ`,
          ['nx-fastled:invalid'],
        );
      }
    }
  }
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
  // For createDependencies: per board, this library's archive and the archives its own sources use.
  const archivesByBoard: Record<string, LibraryArchives> = {};
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
    archivesByBoard[board] = {
      ...(lp.archiveProject ? { archive: lp.archiveProject } : {}),
      uses: deps.flatMap((d) => (d.archive ? [d.archive.step] : [])),
    };
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
  // `My Example` and `My_Example` would share project names: colliding examples get a suffixed path for
  // names and output folders (their sources stay where they are).
  const exampleKeys = uniqueKeys(
    lib.examples,
    (ex) => projectName(ex.path),
    (ex) => ex.dir,
  );
  for (const original of lib.examples) {
    const { key: exPath, clashesWith } = exampleKeys.get(original)!;
    const ex = clashesWith.length ? { ...original, path: exPath } : original;
    const dependsOn: { projects: string[]; target: string }[] = [];
    const boardNotes: Record<string, string> = {};
    const usesByBoard: Record<string, string[]> = {};
    const howByBoard: Record<string, BuildInWords> = {};
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
      const linkProject = Object.values(projects).find((p) => p.name === link);
      const linkStep = linkProject?.targets?.[t.link]?.metadata?.nxFastled?.step as LinkStep | undefined;
      if (linkStep) howByBoard[board] = buildInWords(linkStep, lib.name, plan.why);
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
      .map(([b, note]) => `${b}: ${howByBoard[b]?.command ?? note}`)
      .join('; ');
    projects[ex.dir] = {
      name,
      root: ex.dir,
      tags: ['nx-fastled', 'nx-fastled:example', `lib:${lib.id}`],
      // `boards` says built or why not (the report lists every note but 'built' as a skip); `uses` the
      // libraries library resolution found per board.
      metadata: {
        nxFastled: {
          boards: boardNotes,
          ...(Object.keys(usesByBoard).length ? { uses: usesByBoard } : {}),
          // Per board built: the build in words, its sketch TUs and every library with why it is used.
          ...(Object.keys(howByBoard).length ? { build: howByBoard } : {}),
          ...(clashesWith.length
            ? {
                renamed: `example name also normalises like ${clashesWith.join(', ')}: this example's projects and outputs use "${exPath}"`,
              }
            : {}),
        },
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
  // A library without examples is still compiled (and archived) by its own build, on every board its
  // `architectures=` admits: otherwise a syntax error in it would pass green.
  const archives =
    lib.examples.length === 0
      ? [...libs.entries()]
          .filter(([, { b }]) => supportsArchitecture(lib.fields.architectures, b.resolved.board.traits.family))
          .map(([, { lp }]) => lp.archiveProject)
          .filter((p): p is string => !!p)
      : [];
  const dependsOn = [
    ...(exampleNames.length ? [{ projects: exampleNames, target: t.build }] : []),
    ...(archives.length ? [{ projects: archives, target: t.archive }] : []),
  ];
  const what =
    lib.examples.length === 0
      ? `Compile and archive the ${lib.sources.length} sources of ${lib.name}, which has no examples`
      : `Build all ${exampleNames.length} examples of ${lib.name}`;
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
        archives: archivesByBoard,
        ...(lib.skipped.length ? { skipped: lib.skipped } : {}),
      },
    } as ProjectConfiguration['metadata'],
    targets: {
      [t.build]: {
        executor: 'nx:noop',
        cache: true,
        // No file inputs: a README or CI file in the library folder must not select the whole library.
        inputs: [{ externalDependencies: [] }],
        dependsOn: dependsOn.length ? dependsOn : undefined,
        metadata: { description: `${what} (layout ${lib.layout}, ${lib.sources.length} library sources)` },
      },
    },
  };
}

interface BuildInWords {
  command: string;
  tus: string[];
  libraries: Record<string, string>;
}

/** An example's build on one board in words, from its link step (for `nx show project <example>`). */
function buildInWords(step: LinkStep, libName: string, why: Record<string, string>): BuildInWords {
  const tus = step.compileSteps;
  const archives = step.archives.map((a) => `${path.posix.basename(a.file)}${a.whole ? ' (every object)' : ''}`);
  const limits = step.limits ? `, then checks flash <= ${step.limits.flash ?? '?'} bytes and RAM <= ${step.limits.ram ?? '?'} bytes` : '';
  const outputs = [step.elf, ...(step.objcopy ? ['.hex'] : [])].map((o) => path.posix.basename(o)).join(', ');
  return {
    command:
      `compiles ${tus.length} sketch TU${tus.length === 1 ? '' : 's'} (${step.sketch ? path.posix.basename(step.sketch) : 'the sketch'} as C++), ` +
      `links them with ${archives.join(', ')} using ${step.program} into ${outputs}${limits}`,
    tus,
    libraries: { [libName]: "the example's own library", ...why },
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
