// createDependencies: the build's structure as project graph edges, so `nx graph` draws it. createNodes
// already wired every task through `dependsOn` with explicit project lists; the project graph had no
// edges, so the project view was a field of unconnected dots. The edges, per board:
//
//   library (board-independent)  -> its examples
//   example (board-independent)  -> its link on each board (or the board's failing toolchain check)
//   link                         -> its sketch TUs, the archives it links (own library, libraries it uses, core)
//   library or platform archive  -> its TUs, the archives of the libraries its sources use, the core archive
//   core archive                 -> the core's TUs
//
// Everything comes from the configurations createNodes produced (no discovery, no scanning again): target
// `dependsOn` project lists, plus two facts the library project records per board in
// `metadata.nxFastled.archives` (its archive project and the archives of the libraries its own sources use).
//
// `nx affected` is unchanged: Nx 24 selects tasks by their inputs, and no nx-fastled target has a `^`
// input or a `^` dependsOn, so project edges add nothing to any task's hash or selection.
//
// Edge types: `static` when the source project owns a real file that is the reason (an example's main `.ino`,
// a library's `library.properties`); `implicit` otherwise (per-board projects have virtual roots under the
// output folder, and Nx accepts a static edge only with a file of the source project).
// Types only: a value import of '@nx/devkit' loads most of Nx (about a second) into every command's plugin worker.
import type { CreateDependencies, DependencyType, ProjectConfiguration, RawProjectGraphDependency } from '@nx/devkit';
import type { NxFastledOptions } from './options';
import { checkSharedInputs } from './shared-inputs';

const TAG = 'nx-fastled';

/** What a library project records per board for the graph (create-nodes.ts writes it). */
export interface LibraryArchives {
  /** The library's archive project on this board (absent: nothing of it is compiled there). */
  archive?: string;
  /** Archive projects of the libraries its own sources use (library resolution, transitively). */
  uses: string[];
}

export interface Edge {
  source: string;
  target: string;
  /** A file of the source project that is the reason for the edge, when there is one. */
  file?: string;
}

/** The edges between nx-fastled projects, sorted and without duplicates. `projects` is keyed by project name. */
export function graphEdges(projects: Record<string, ProjectConfiguration>, fileOf: (project: string) => string | undefined): Edge[] {
  const edges = new Map<string, Edge>();
  const add = (source: string, target: string) => {
    if (source === target || !projects[target]) return;
    const key = `${source}\0${target}`;
    if (!edges.has(key)) edges.set(key, { source, target, file: fileOf(source) });
  };
  const coreOf = new Map<string, string>();
  for (const [name, p] of Object.entries(projects)) {
    const tags = p.tags ?? [];
    if (tags.includes(`${TAG}:core`) && tags.includes(`${TAG}:archive`)) {
      const board = boardOf(tags);
      if (board) coreOf.set(board, name);
    }
  }
  for (const [name, p] of Object.entries(projects)) {
    const tags = p.tags ?? [];
    if (!tags.includes(TAG)) continue;
    for (const target of Object.values(p.targets ?? {})) {
      for (const d of target.dependsOn ?? []) {
        if (typeof d === 'string' || !d.projects) continue;
        for (const dep of Array.isArray(d.projects) ? d.projects : [d.projects]) add(name, dep);
      }
    }
    // A library's (or platform library's) TUs compile against the core's headers.
    if (tags.includes(`${TAG}:archive`) && !tags.includes(`${TAG}:core`)) {
      const core = coreOf.get(boardOf(tags) ?? '');
      if (core) add(name, core);
    }
    if (tags.includes(`${TAG}:library`) && !tags.includes(`${TAG}:tu`)) {
      const perBoard = (p.metadata as { nxFastled?: { archives?: Record<string, LibraryArchives> } } | undefined)?.nxFastled?.archives;
      for (const a of Object.values(perBoard ?? {})) {
        if (a.archive) for (const used of a.uses) add(a.archive, used);
      }
    }
  }
  return [...edges.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : a.target < b.target ? -1 : 1));
}

function boardOf(tags: string[]): string | undefined {
  return tags.find((t) => t.startsWith('board:'))?.slice('board:'.length);
}

export const createDependencies: CreateDependencies<NxFastledOptions> = (_options, context) => {
  const files = context.fileMap.projectFileMap;
  // Each project's files as a set, built once: a library project owns every file of the library (4,500 for
  // FastLED), is the source of one edge per example, and holds the named inputs checked below.
  const owned = new Map<string, Set<string>>();
  const filesOf = (project: string) => {
    if (!owned.has(project)) owned.set(project, new Set((files[project] ?? []).map((f) => f.file)));
    return owned.get(project)!;
  };
  const sourceFile = (project: string): string | undefined => {
    const p = context.projects[project];
    const tags = p?.tags ?? [];
    if (tags.includes(`${TAG}:example`)) {
      // The example's main sketch: the file that makes it an example.
      const ino = (files[project] ?? [])
        .map((f) => f.file)
        .filter((f) => /\.(ino|pde)$/i.test(f) && f.slice(0, f.lastIndexOf('/')) === p!.root)
        .sort();
      return ino.find((f) => f.slice(f.lastIndexOf('/') + 1, f.lastIndexOf('.')) === p!.root.slice(p!.root.lastIndexOf('/') + 1)) ?? ino[0];
    }
    if (tags.includes(`${TAG}:library`) && !tags.includes(`${TAG}:tu`)) {
      const props = p!.root === '.' ? 'library.properties' : `${p!.root}/library.properties`;
      return filesOf(project).has(props) ? props : undefined;
    }
    return undefined;
  };
  // Once per project, not per edge: a library project owns every file of the library (4,500 for FastLED) and
  // is the source of one edge per example.
  const memo = new Map<string, string | undefined>();
  const fileOf = (project: string): string | undefined => {
    if (!memo.has(project)) memo.set(project, sourceFile(project));
    return memo.get(project);
  };
  // Sketch TUs key on named inputs of the projects that own their headers (shared-inputs.ts): fail with the
  // file's name rather than let Nx hash a list that silently lost a file to another project.
  const problems = checkSharedInputs(context.projects, filesOf);
  if (problems.length) throw new Error(problems.slice(0, 10).join('\n') + (problems.length > 10 ? `\n(${problems.length - 10} more)` : ''));
  return graphEdges(context.projects, fileOf).map((e): RawProjectGraphDependency =>
    e.file
      ? { source: e.source, target: e.target, type: 'static' as DependencyType.static, sourceFile: e.file }
      : { source: e.source, target: e.target, type: 'implicit' as DependencyType.implicit },
  );
};
