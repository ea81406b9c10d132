// What a board is to nx-fastled: traits for example filters, limits, how to locate its toolchain, and the
// compile/archive/link recipe with every path symbolic so that nothing absolute reaches a task's hash.
import type { LabelledRoot } from '../hashing/tree-digest';
import type { WarningLevel } from '../platform/recipe';

export type { BoardTraits } from '../filters';
import type { BoardTraits } from '../filters';

/**
 * An argument of a command. Strings are literal (workspace-relative paths are literal); `{ root, rel }`
 * points into the located toolchain (`bin`), Arduino core platform (`core`) or, when a board takes its variant
 * from another platform than its core, that platform (`variant`), or the sketchbook folder (`sketchbook`,
 * whose `libraries/` arduino-cli searches), whose absolute location reaches the task only through the
 * environment.
 */
export type Arg = string | { root: 'bin' | 'core' | 'variant' | 'sketchbook'; rel: string };

export interface LocateInput {
  env: Record<string, string | undefined>;
  homeDir: string;
  /** Plugin option: a prefix holding `bin/<compiler>`. */
  prefix?: string;
  /** Plugin option: the Arduino core platform folder (holding `cores/`, `variants/`, `platform.txt`). */
  corePath?: string;
  /** Plugin option `hardware`: absolute folders of `<vendor>/<arch>` platforms, searched first. */
  hardwareDirs?: string[];
  /** Where nx-fastled's own files live (its native core). */
  pluginRoot: string;
  /** Plugin option `warnings` (arduino-cli's `--warnings` levels); absent: `none`. */
  warnings?: WarningLevel;
}

export interface Located {
  ok: true;
  board: string;
  binDir: string;
  coreDir: string;
  /** The variant's platform folder when it is not the core's (a board borrowing another vendor's core). */
  variantDir?: string;
  /** Where each was found, for `nx show project`. */
  sources: string[];
  /** The warning level the recipe compiles with (LocateInput.warnings). */
  warnings?: LocateInput['warnings'];
}

export interface Missing {
  ok: false;
  board: string;
  missing: string;
  searched: string[];
  install: string;
}

export type Language = 'c' | 'cpp' | 'S';

export interface CoreSource {
  /** Path relative to the core folder (or the variant's platform folder), e.g. `cores/arduino/wiring.c`. */
  rel: string;
  root?: 'core' | 'variant';
  language: Language;
}

export interface BoardRecipe {
  /** Flags per language, without includes, source, output. */
  compileFlags: Record<Language, string[]>;
  /** Extra flags for the core's own sources, per language (workarounds for known core bugs), with why. */
  coreFileFlags: Partial<Record<Language, { value: string; why: string }[]>>;
  /** Where `compileFlags` and `linkFlags` come from (e.g. `platform.txt recipe.cpp.o.pattern`), for the plan. */
  flagOrigin?: Partial<Record<Language | 'link', string>>;
  coreIncludeDirs: Arg[];
  coreSources: CoreSource[];
  compiler: Record<Language, string>;
  archiver: string[];
  /** Link: `<linkFlags> -o <elf> <objects> <library archives> <core archive> <linkLibs>`. */
  linker: string;
  linkFlags: string[];
  linkLibs: string[];
  /** How library archives are linked: every member kept, as the Arduino builder links loose objects. */
  wholeArchive: boolean;
  objcopy?: string;
  objcopyHex?: string[];
  objcopyEep?: string[];
  size?: string;
  /** platform.txt recipe.size.regex / recipe.size.regex.data: lines of `size -A` summed into flash / RAM. */
  sizeRegex?: { flash?: string; data?: string };
  /** Flash and RAM limits in bytes (boards.txt upload.maximum_size / maximum_data_size). */
  limits?: { flash?: number; ram?: number };
  /** Traits and outputs known only once the board is resolved (Arduino boards read them from boards.txt). */
  traits?: BoardTraits;
  produces?: string[];
  /** What `nx show project` shows about the board (FQBN, menus, platform, where it was found). */
  info?: Record<string, string>;
  /** Files that make up the toolchain identity, labelled so the digest is independent of the install path. */
  identityRoots: LabelledRoot[];
  /**
   * How this board builds a library that brings its own platform layer for this board (FastLED's stub
   * platform on the host), or undefined to build it like any Arduino library, against the core.
   */
  libraryProfile?(lib: LibraryView): LibraryProfile | undefined;
  /** The compiler's own header folders (absolute), for the include scanner. */
  systemIncludeDirs: string[];
  version: string;
}

export interface BoardDefinition {
  name: string;
  description: string;
  traits: BoardTraits;
  /** Extension of the firmware image next to the `.elf`, if the board has one. */
  produces: string[];
  locate(input: LocateInput): Located | Missing;
  recipe(located: Located, probe: CompilerProbe): BoardRecipe;
}

/** Facts only running the compiler can tell, memoised by the caller. */
export interface CompilerProbe {
  (driver: string, args: string[]): string;
}

/** What a board recipe may look at to recognise a library. */
export interface LibraryView {
  root: string;
  id: string;
  /** Workspace-relative files of the library. */
  has(rel: string): boolean;
}

/** A library-specific way to build on a board: replaces the core with the library's own platform layer. */
export interface LibraryProfile {
  /** Also the `why` of its flags in the plan. */
  description: string;
  compileFlags: Record<Language, string[]>;
  /** Workspace-relative include dirs that replace the core's (the library's own dirs come from discovery). */
  includeDirs: string[];
  /** Which sources of a sketch folder are compiled: arduino-cli's (root and src/) or all, recursively. */
  sketchSources: 'arduino' | 'all';
  /** Lines appended to the generated sketch C++ (e.g. the library's own main()). */
  sketchAppend: string[];
  linkFlags: string[];
  linkLibs: string[];
}
