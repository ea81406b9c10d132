// The build plan as data: for a library set and a resolved board, the compile, archive and link steps with
// their programs, typed arguments (each flag with the reason it is there), file inputs, outputs and the
// environment variables through which toolchain locations reach them. No Nx here: `plugin/` renders steps into
// projects and targets, `plan/shell.ts` into /bin/sh commands, the benchmarks read steps from target metadata.
//
// Every path is workspace-relative (POSIX) except `Arg`s rooted at `bin`/`core`, which name a file of the
// located toolchain or Arduino core and are resolved through `PlanBoard.env` at run time.
import type { ResolvedBoard } from '../toolchain/identity';
import type { Arg, Language } from '../toolchain/types';

export type { Arg, Language };

/** A literal flag and why it is on the command line (which recipe line, or which nx-fastled rule). */
export interface Flag {
  value: string;
  why: string;
}

/** An include directory (`-I`), in search order, and where it comes from. */
export interface IncludeDir {
  dir: Arg;
  why: string;
}

/** Names of the environment variables holding the located toolchain's `bin`, core and variant folders. */
export interface EnvRefs {
  bin: string;
  core: string;
  /** Set only when the board's variant comes from another platform than its core. */
  variant: string;
  /** The sketchbook folder (option `sketchbook`); set only when one is configured. Not per board. */
  sketchbook: string;
}

/** A resolved board as the planner sees it. */
export interface PlanBoard {
  /** Board id: the `<board>` of project names and of `dist/<board>/`. */
  name: string;
  resolved: ResolvedBoard;
  env: EnvRefs;
}

export interface FileInputs {
  /** Workspace-relative files the step reads (a TU's include closure). */
  files: string[];
  /** Workspace-relative globs standing for files the scanner could not pin down. */
  globs: string[];
}

interface StepBase {
  /** Unique over the whole plan; also the Nx project name. */
  id: string;
  /** Output folder of the step (workspace-relative); the Nx project root. */
  root: string;
  board: string;
  /** Library id for library and sketch steps. */
  library?: string;
  description: string;
  /** Environment variables through which the step reaches the toolchain and core (PlanBoard.env). */
  env: EnvRefs;
  /** Workspace-relative files the step writes. */
  outputs: string[];
}

/** The sketch's `.ino` files turned into one C++ TU (`nx-fastled-task sketch`) before it is compiled. */
export interface SketchGeneration {
  inoFiles: string[];
  cpp: string;
  /** Lines appended after the sketch (a library's own host `main()`). */
  append: string[];
}

export interface CompileStep extends StepBase {
  kind: 'compile';
  role: 'core' | 'library' | 'sketch';
  language: Language;
  /** The compiler, relative to the toolchain's `bin`. */
  program: Arg;
  flags: Flag[];
  includeDirs: IncludeDir[];
  source: Arg;
  object: string;
  /** The name diagnostics use for the TU (its workspace-relative path, or `core/<rel>`). */
  unit: string;
  /** Workspace files read; undefined for the core, whose bytes are part of the toolchain identity. */
  inputs?: FileInputs;
  sketch?: SketchGeneration;
  /** Words added to the command's key: digests of libraries outside the workspace that the TU reads. */
  keys?: string[];
  /** What to tell the user when the compile fails (library resolution's findings), instead of the generic hint. */
  advice?: string[];
}

export interface ArchiveStep extends StepBase {
  kind: 'archive';
  role: 'core' | 'library';
  program: Arg;
  flags: Flag[];
  archive: string;
  objects: string[];
  compileSteps: string[];
}

/** An archive a link reads; `whole` keeps every member (the Arduino builder links library objects loose). */
export interface LinkArchive {
  file: string;
  whole: boolean;
  /** The archive step that writes it; absent for a precompiled archive shipped with a library. */
  step?: string;
}

/**
 * A library a TU uses, as library resolution found it (plugin/library-uses.ts): what its users compile and
 * link with. Its include folders follow the user's own; its archive is linked after the user's library.
 */
export interface LibraryDep {
  name: string;
  includeDirs: IncludeDir[];
  archive?: { file: string; step: string };
  /** false for `dot_a_linkage=true`: linked as a plain archive (members nothing references are dropped). */
  whole: boolean;
  /** Workspace-relative precompiled archives (`src/<mcu>/*.a`, `precompiled=`). */
  precompiled: string[];
  /** Words added to the key of every compile that uses it (digests of files outside the workspace). */
  keys: string[];
  /** Extra flags (option `libraryDefines`) for the library's TUs and every TU that uses it. */
  defines: string[];
}

export interface LinkStep extends StepBase {
  kind: 'link';
  /** The linker, relative to the toolchain's `bin`. */
  program: string;
  /** Folder and base name of the outputs: `<outDir>/<name>.elf`, `.hex`, `.eep`, `.size.json`. */
  outDir: string;
  name: string;
  /** The sketch's main `.ino`, named when the linker finds no setup() or loop(). */
  sketch?: string;
  elf: string;
  flags: Flag[];
  objects: string[];
  /** Library archives (the example's own library first, then its dependencies), then the core's. */
  archives: LinkArchive[];
  libs: Flag[];
  objcopy?: { program: string; hex: string[]; eep?: string[] };
  size?: string;
  /** The platform's `recipe.size.regex` (flash) and `recipe.size.regex.data` (RAM) over `size -A` lines. */
  sizeRegex?: { flash?: string; data?: string };
  limits?: { flash?: number; ram?: number };
  compileSteps: string[];
  archiveSteps: string[];
  /** Workspace files the link reads besides its dependencies' outputs (precompiled archives). */
  inputs?: string[];
}

export type PlanStep = CompileStep | ArchiveStep | LinkStep;

/** What the planner needs from its caller: where outputs go and how to find a TU's include closure. */
export interface PlanContext {
  outputDir: string;
  /** Whether a workspace-relative file exists. */
  hasFile(file: string): boolean;
  /** Workspace files a TU (or a sketch's `.ino` files) can include, plus fallback globs. */
  closure(files: string[], includeDirs: Arg[], board: PlanBoard, forcedIncludes?: string[]): FileInputs;
}
