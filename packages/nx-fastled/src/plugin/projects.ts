// From libraries, boards and include closures to Nx project configurations.
//
// Shape (see docs/ARCHITECTURE.md): one project per translation unit and board, because Nx hashes a
// project's whole configuration into each of its tasks; an archive project per library and per core; a link
// project per example and board; a board-independent example project whose `build` depends on the links.
// Every path here is workspace-relative; toolchain locations appear only as environment variable names.
import * as path from 'node:path/posix';
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { ArduinoLibrary, Example } from '../library/discover';
import type { ResolvedBoard } from '../toolchain/identity';
import type { Arg, Language, LibraryProfile } from '../toolchain/types';
import { languageOf } from '../toolchain/avr';
import type { NormalizedOptions } from './options';
import { guard, quote, renderArg, renderCommand, toolchainVars, ToolchainVars } from './shell';

export type Projects = Record<string, ProjectConfiguration>;

export interface BoardContext {
  resolved: ResolvedBoard;
  vars: ToolchainVars;
  /** `: "${VAR:?...}" <identity> &&`: fails clearly without the toolchain, and keys on the full identity. */
  prelude: string;
}

export interface BuildContext {
  options: NormalizedOptions;
  /** Workspace-relative path of the task CLI (`.../bin/nx-fastled-task.cjs`). */
  tool: string;
  /** Digest of the task CLI's code: sketch conversion and linking depend on it. */
  toolHash: string;
  /** Whether a workspace-relative file exists (as Nx sees the workspace). */
  hasFile(file: string): boolean;
  /** Workspace files a TU (or a set of `.ino` files) can include, plus fallback globs. */
  closure(files: string[], includeDirs: Arg[], board: BoardContext, forcedIncludes?: string[]): { files: string[]; globs: string[] };
}

export function boardContext(resolved: ResolvedBoard): BoardContext {
  const vars = toolchainVars(resolved.board.name, resolved.identity);
  return { resolved, vars, prelude: `${guard(resolved.board.name, vars)} toolchain=${resolved.identity}` };
}

const NO_LOCKFILE = { externalDependencies: [] as string[] };
const TAG = 'nx-fastled';

function outDir(ctx: BuildContext, ...parts: string[]): string {
  return path.join(ctx.options.outputDir, ...parts);
}

function fileInputs(closure: { files: string[]; globs: string[] }) {
  return [...closure.files.map((f) => `{workspaceRoot}/${f}`), ...closure.globs.map((g) => `{workspaceRoot}/${g}`), NO_LOCKFILE];
}

/**
 * Publishes `file` from its per-process temporary name with a sha256 sidecar (`<file>.sha256`, declared as an
 * output too): Nx restores cached outputs without checking them, so whoever consumes the file verifies it.
 * The object is renamed last: it is what marks the step as done.
 */
function publish(file: string): string {
  const q = quote(file);
  return `sha256sum < ${q}.$$.tmp > ${q}.sha256.$$.tmp && mv -f ${q}.sha256.$$.tmp ${q}.sha256 && mv -f ${q}.$$.tmp ${q}`;
}

/** `mkdir`, compile to a temporary name, rename: an interrupted compile never leaves a truncated object. */
function compileCommand(
  b: BoardContext,
  language: Language,
  source: Arg,
  object: string,
  includeDirs: Arg[],
  flags: string[],
  seed: string,
  before: string[] = [],
): string {
  const r = b.resolved.recipe;
  const compile = [
    renderArg({ root: 'bin', rel: r.compiler[language] }, b.vars),
    ...[...flags, `-frandom-seed=${seed}`].map(quote),
    ...includeDirs.map((d) => (typeof d === 'string' ? quote(`-I${d}`) : `-I${renderArg(d, b.vars)}`)),
    renderArg(source, b.vars),
    '-o',
    `${quote(object)}.$$.tmp`,
  ].join(' ');
  // gcc names the file and line; say what was compiled for which board and where headers were looked for,
  // which is what a missing `#include` needs next.
  const searched = includeDirs.map((d) => (typeof d === 'string' ? d : `<${b.resolved.board.name} ${d.root}>/${d.rel}`)).join(', ');
  const hint = `nx-fastled: ${seed} did not compile for ${b.resolved.board.name}; headers were searched in: ${searched}. A missing header usually means a library the code needs is not in the workspace, or the code does not support this board.`;
  const failing = `{ printf '%s\\n' ${quote(hint)} >&2; exit 1; }`;
  return [b.prelude, `mkdir -p ${quote(path.dirname(object))}`, ...before, `{ ${compile} || ${failing}; }`, publish(object)].join(' && ');
}

function compileTarget(command: string, inputs: unknown[], outputs: string[], description: string, dependsOn?: TargetConfiguration['dependsOn']): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    options: { command },
    inputs: inputs as TargetConfiguration['inputs'],
    outputs: outputs.flatMap((o) => (/\.(o|a)$/.test(o) ? [o, `${o}.sha256`] : [o])).map((o) => `{workspaceRoot}/${o}`),
    cache: true,
    ...(dependsOn ? { dependsOn } : {}),
    metadata: { description, technologies: ['cpp'] },
  };
}

export interface CoreProjects {
  archiveProject: string;
  archive: string;
}

export function coreProjects(ctx: BuildContext, b: BoardContext, projects: Projects): CoreProjects {
  const board = b.resolved.board.name;
  const r = b.resolved.recipe;
  const tuProjects: string[] = [];
  const objects: string[] = [];
  for (const src of r.coreSources) {
    const name = `${board}/core/${src.rel}`;
    const root = outDir(ctx, board, 'core/obj', src.rel);
    const object = `${root}.o`;
    const command = compileCommand(
      b,
      src.language,
      { root: 'core', rel: src.rel },
      object,
      r.coreIncludeDirs,
      [...r.compileFlags[src.language], ...(r.coreFileFlags[src.language] ?? [])],
      `core/${src.rel}`,
    );
    projects[root] = {
      name,
      root,
      tags: [TAG, `${TAG}:tu`, `${TAG}:core`, `board:${board}`],
      targets: {
        [ctx.options.targetNames.compile]: compileTarget(
          command,
          // The core lives outside the workspace: its bytes are part of the toolchain identity in the command.
          [NO_LOCKFILE],
          [object],
          `Compile the Arduino core's ${src.rel} for ${board}`,
        ),
      },
    };
    tuProjects.push(name);
    objects.push(object);
  }
  const root = outDir(ctx, board, 'core');
  const archive = `${root}/libcore.a`;
  projects[root] = archiveProject(ctx, b, `${board}/core`, root, archive, objects, tuProjects, `Archive the Arduino core for ${board}`, [`${TAG}:core`]);
  return { archiveProject: `${board}/core`, archive };
}

function archiveProject(
  ctx: BuildContext,
  b: BoardContext,
  name: string,
  root: string,
  archive: string,
  objects: string[],
  tuProjects: string[],
  description: string,
  tags: string[],
): ProjectConfiguration {
  const r = b.resolved.recipe;
  // Objects come from the cache unchecked: verify them (sidecar checksum and structure) before archiving.
  const verify = `NXF_TOOL=${ctx.toolHash} node ${quote(ctx.tool)} verify ${objects.map(quote).join(' ')}`;
  const ar = [renderArg({ root: 'bin', rel: r.archiver[0] }, b.vars), ...r.archiver.slice(1).map(quote), `${quote(archive)}.$$.tmp`, ...objects.map(quote)].join(' ');
  const command = [b.prelude, `mkdir -p ${quote(path.dirname(archive))}`, verify, ar, publish(archive)].join(' && ');
  return {
    name,
    root,
    tags: [TAG, `${TAG}:archive`, `board:${b.resolved.board.name}`, ...tags],
    targets: {
      [ctx.options.targetNames.archive]: {
        executor: 'nx:run-commands',
        options: { command },
        inputs: [{ dependentTasksOutputFiles: '**/*.o', transitive: false }, NO_LOCKFILE] as TargetConfiguration['inputs'],
        outputs: [`{workspaceRoot}/${archive}`, `{workspaceRoot}/${archive}.sha256`],
        cache: true,
        dependsOn: [{ projects: tuProjects, target: ctx.options.targetNames.compile }],
        metadata: { description, technologies: ['cpp'] },
      },
    },
  };
}

export interface LibraryProjects {
  archiveProject?: string;
  archive?: string;
  settings: LibrarySettings;
}

/** How one library is compiled and linked on one board: the board's recipe, or the library's own profile. */
export interface LibrarySettings {
  profile?: LibraryProfile;
  flags: Record<Language, string[]>;
  /** Include dirs for the library's and its sketches' TUs, before the sketch folder. */
  includeDirs: Arg[];
  linkCore: boolean;
  linkFlags: string[];
  linkLibs: string[];
  sketchAppend: string[];
  sketchSources: 'arduino' | 'all';
}

export function librarySettings(ctx: BuildContext, b: BoardContext, lib: ArduinoLibrary): LibrarySettings {
  const r = b.resolved.recipe;
  const profile = r.libraryProfile?.({ root: lib.root, id: lib.id, has: ctx.hasFile });
  if (profile) {
    return {
      profile,
      flags: profile.compileFlags,
      includeDirs: [...lib.includeDirs, ...profile.includeDirs],
      linkCore: false,
      linkFlags: profile.linkFlags,
      linkLibs: profile.linkLibs,
      sketchAppend: profile.sketchAppend,
      sketchSources: profile.sketchSources,
    };
  }
  return {
    flags: r.compileFlags,
    includeDirs: [...r.coreIncludeDirs, ...lib.includeDirs],
    linkCore: true,
    linkFlags: r.linkFlags,
    linkLibs: r.linkLibs,
    sketchAppend: [],
    sketchSources: 'arduino',
  };
}

export function libraryProjects(ctx: BuildContext, b: BoardContext, lib: ArduinoLibrary, projects: Projects): LibraryProjects {
  const board = b.resolved.board.name;
  const settings = librarySettings(ctx, b, lib);
  // A 1.0 library's own TUs also see utility/, as the Arduino builder compiles them.
  const utility = lib.layout === '1.0' ? [path.join(lib.root, 'utility')].filter((d) => lib.sources.some((s) => s.startsWith(`${d}/`))) : [];
  const includeDirs: Arg[] = [...settings.includeDirs, ...utility];
  const tuProjects: string[] = [];
  const objects: string[] = [];
  for (const src of lib.sources) {
    const rel = lib.root === '.' ? src : src.slice(lib.root.length + 1);
    const name = projectName(`${board}/${lib.id}/${rel}`);
    const root = outDir(ctx, board, lib.id, 'obj', rel);
    const object = `${root}.o`;
    const closure = ctx.closure([src], includeDirs, b);
    const command = compileCommand(b, languageOf(src), src, object, includeDirs, settings.flags[languageOf(src)], src);
    projects[root] = {
      name,
      root,
      tags: [TAG, `${TAG}:tu`, `${TAG}:library`, `board:${board}`, `lib:${lib.id}`],
      targets: {
        [ctx.options.targetNames.compile]: compileTarget(command, fileInputs(closure), [object], `Compile ${src} for ${board} (${closure.files.length} files in its include closure)`),
      },
    };
    tuProjects.push(name);
    objects.push(object);
  }
  if (objects.length === 0) return { settings };
  const root = outDir(ctx, board, lib.id);
  const archive = `${root}/lib${lib.id}.a`;
  const name = `${board}/${lib.id}`;
  projects[root] = archiveProject(ctx, b, name, root, archive, objects, tuProjects, `Archive ${lib.name}'s ${objects.length} objects for ${board}`, [`lib:${lib.id}`]);
  return { archiveProject: name, archive, settings };
}

export function exampleBoardProjects(
  ctx: BuildContext,
  b: BoardContext,
  lib: ArduinoLibrary,
  ex: Example,
  libProjects: LibraryProjects,
  core: CoreProjects,
  projects: Projects,
): string {
  const board = b.resolved.board.name;
  const r = b.resolved.recipe;
  const exRel = `examples/${ex.path}`;
  const settings = libProjects.settings;
  const includeDirs: Arg[] = [...settings.includeDirs, ex.dir];
  const compileProjects: string[] = [];
  const objects: string[] = [];

  // The sketch: its .ino files become one C++ TU, generated into the object folder by the task itself.
  {
    const main = ex.inoFiles[0];
    const root = outDir(ctx, board, lib.id, 'obj', exRel, `${ex.name}.ino`);
    const cpp = `${root}.cpp`;
    const object = `${cpp}.o`;
    const appendedIncludes = settings.sketchAppend.map((l) => /#\s*include\s*[<"]([^>"]+)[>"]/.exec(l)?.[1]).filter((x): x is string => !!x);
    const closure = ctx.closure(ex.inoFiles, includeDirs, b, ['Arduino.h', ...appendedIncludes]);
    const append = settings.sketchAppend.map((line) => ` --append=${quote(line)}`).join('');
    const convert = `NXF_TOOL=${ctx.toolHash} node ${quote(ctx.tool)} sketch --out ${quote(cpp)}${append} ${ex.inoFiles.map(quote).join(' ')}`;
    // Quoted includes of the generated file must find the sketch folder first, as they would in place.
    const command = compileCommand(b, 'cpp', cpp, object, includeDirs, [...settings.flags.cpp, '-iquote', ex.dir], main, [convert]);
    const name = projectName(`${board}/${lib.id}/${exRel}/${ex.name}.ino`);
    projects[root] = {
      name,
      root,
      tags: [TAG, `${TAG}:tu`, `${TAG}:sketch`, `board:${board}`, `lib:${lib.id}`],
      targets: {
        [ctx.options.targetNames.compile]: compileTarget(
          command,
          fileInputs(closure),
          [object, cpp],
          `Turn ${ex.inoFiles.length === 1 ? main : `${ex.inoFiles.length} .ino files of ${ex.dir}`} into C++ (prototypes, #line) and compile it for ${board}`,
        ),
      },
    };
    compileProjects.push(name);
    objects.push(object);
  }
  for (const src of settings.sketchSources === 'all' ? ex.allSources : ex.extraSources) {
    const rel = src.slice(ex.dir.length + 1);
    const root = outDir(ctx, board, lib.id, 'obj', exRel, rel);
    const object = `${root}.o`;
    const closure = ctx.closure([src], includeDirs, b);
    const command = compileCommand(b, languageOf(src), src, object, includeDirs, settings.flags[languageOf(src)], src);
    const name = projectName(`${board}/${lib.id}/${exRel}/${rel}`);
    projects[root] = {
      name,
      root,
      tags: [TAG, `${TAG}:tu`, `${TAG}:sketch`, `board:${board}`, `lib:${lib.id}`],
      targets: {
        [ctx.options.targetNames.compile]: compileTarget(command, fileInputs(closure), [object], `Compile ${src} for ${board}`),
      },
    };
    compileProjects.push(name);
    objects.push(object);
  }

  const root = outDir(ctx, board, lib.id, exRel);
  const elf = `${root}/${ex.name}.elf`;
  const outputs = [elf, ...b.resolved.board.produces.filter((p) => p !== 'elf').map((p) => `${root}/${ex.name}.${p}`), `${root}/${ex.name}.size.json`];
  const archives: Arg[] = [];
  if (libProjects.archive) {
    archives.push(...(r.wholeArchive ? ['-Wl,--whole-archive', libProjects.archive, '-Wl,--no-whole-archive'] : [libProjects.archive]));
  }
  const linkArgs: Arg[] = [...settings.linkFlags, ...objects, ...archives, ...(settings.linkCore ? [core.archive] : []), ...settings.linkLibs];
  const toolArgs: string[] = ['link', '--board', board, '--out-dir', quote(root), '--name', quote(ex.name), '--linker', quote(r.linker)];
  if (r.objcopy && r.objcopyHex) toolArgs.push('--objcopy', quote(r.objcopy), `--hex-flags=${quote(r.objcopyHex.join(' '))}`);
  if (r.objcopy && r.objcopyEep) toolArgs.push(`--eep-flags=${quote(r.objcopyEep.join(' '))}`);
  if (r.size) toolArgs.push('--size', quote(r.size));
  if (r.limits) toolArgs.push('--flash-limit', String(r.limits.flash), '--ram-limit', String(r.limits.ram));
  const command = [
    b.prelude,
    `NXF_TOOL=${ctx.toolHash} node ${quote(ctx.tool)} ${toolArgs.join(' ')} --bin "$${b.vars.bin}" -- ${renderCommand(linkArgs, b.vars)}`,
  ].join(' && ');
  const name = projectName(`${board}/${lib.id}/${exRel}`);
  const dependsOn: TargetConfiguration['dependsOn'] = [
    { projects: compileProjects, target: ctx.options.targetNames.compile },
    {
      projects: [...(settings.linkCore ? [core.archiveProject] : []), ...(libProjects.archiveProject ? [libProjects.archiveProject] : [])],
      target: ctx.options.targetNames.archive,
    },
  ];
  const limits = r.limits ? `, checked against ${r.limits.flash} bytes flash and ${r.limits.ram} bytes RAM` : '';
  projects[root] = {
    name,
    root,
    tags: [TAG, `${TAG}:link`, `board:${board}`, `lib:${lib.id}`],
    targets: {
      [ctx.options.targetNames.link]: {
        executor: 'nx:run-commands',
        options: { command },
        // Objects and archives by content: an edit that leaves every object identical stops before the link.
        inputs: [
          { dependentTasksOutputFiles: '**/*.o', transitive: false },
          { dependentTasksOutputFiles: '**/*.a', transitive: false },
          NO_LOCKFILE,
        ] as TargetConfiguration['inputs'],
        outputs: outputs.map((o) => `{workspaceRoot}/${o}`),
        cache: true,
        dependsOn,
        metadata: { description: `Link ${ex.dir} for ${board} into ${outputs.map((o) => path.extname(o)).join(', ')}${limits}`, technologies: ['cpp'] },
      },
    },
  };
  return name;
}

/** Nx project names: keep paths readable, but no whitespace or characters a shell or Nx would trip on. */
export function projectName(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._+@/-]/g, '_');
}

export function failingProject(name: string, root: string, target: string, message: string, tags: string[]): ProjectConfiguration {
  return {
    name: projectName(name),
    root,
    tags: [TAG, ...tags],
    targets: {
      [target]: {
        executor: 'nx:run-commands',
        options: { command: `printf '%s\\n' ${quote(message)} >&2; exit 1` },
        // No file inputs: the project's root is virtual, and a failure is never cached anyway.
        inputs: [NO_LOCKFILE] as TargetConfiguration['inputs'],
        cache: false,
        metadata: { description: message },
      },
    },
  };
}

