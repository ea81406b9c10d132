// The planner: from a resolved board and Arduino libraries to compile, archive and link steps (plan/types.ts).
//
// Shape: one compile step per translation unit (core, library, sketch), one archive step per library and per
// core, one link step per example. Output layout: `<outputDir>/<board>/core/...`,
// `<outputDir>/<board>/<lib>/obj/<rel>.o`, `<outputDir>/<board>/<lib>/examples/<path>/<Name>.elf`.
import * as path from 'node:path/posix';
import type { ArduinoLibrary, Example } from '../library/discover';
import { languageOf } from '../toolchain/sources';
import type { ResolvedBoard } from '../toolchain/identity';
import type { LibraryProfile } from '../toolchain/types';
import type {
  ArchiveStep,
  Arg,
  CompileStep,
  EnvRefs,
  Flag,
  IncludeDir,
  Language,
  LibraryDep,
  LinkArchive,
  LinkStep,
  PlanBoard,
  PlanContext,
} from './types';

const WHY_SEED = 'LTO objects are otherwise random: a per-TU seed keeps outputs byte-identical across runs';
const WHY_IQUOTE = 'quoted includes of the generated sketch .cpp find the sketch folder first, as they would in place';
const WHY_ARCHIVE_D = 'D: zero timestamps, uids and modes, so archives are byte-stable';

/**
 * The sketchbook's location, for the TUs of its libraries. Not keyed by any identity: each such TU's command
 * carries its library's content digest instead, so the same library in another sketchbook folder hits.
 */
export const SKETCHBOOK_ENV = 'NXF_SKETCHBOOK';

/** Environment variable names for a board's toolchain, unique per identity (a stale graph cannot use them). */
export function envRefs(board: string, identity: string): EnvRefs {
  const base = `NXF_${board.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${identity.slice(0, 12)}`;
  return { bin: `${base}_BIN`, core: `${base}_CORE`, variant: `${base}_VARIANT`, sketchbook: SKETCHBOOK_ENV };
}

export function planBoard(resolved: ResolvedBoard): PlanBoard {
  return { name: resolved.board.name, resolved, env: envRefs(resolved.board.name, resolved.identity) };
}

/** Step ids double as Nx project names: readable paths without whitespace or shell-special characters. */
export function stepId(raw: string): string {
  return raw.replace(/[^A-Za-z0-9._+@/-]/g, '_');
}

function envOf(b: PlanBoard): EnvRefs {
  return b.env;
}

function flags(values: string[], why: string): Flag[] {
  return values.map((value) => ({ value, why }));
}

const WHY_PIPE =
  'with -g, gcc assembles a .S through a randomly named temporary file that the debug info names; -pipe feeds the assembler directly, so the object is the same every run (the code is the same either way)';

function recipeFlags(b: PlanBoard, language: Language): Flag[] {
  const r = b.resolved.recipe;
  const own = flags(r.compileFlags[language], r.flagOrigin?.[language] ?? `${b.name} recipe (${language})`);
  const pipe = language === 'S' && own.some((f) => /^-g/.test(f.value)) && !own.some((f) => f.value === '-pipe');
  return pipe ? [...own, { value: '-pipe', why: WHY_PIPE }] : own;
}

function out(ctx: PlanContext, ...parts: string[]): string {
  return path.join(ctx.outputDir, ...parts);
}

export interface CorePlan {
  compiles: CompileStep[];
  archive: ArchiveStep;
}

export function planCore(ctx: PlanContext, b: PlanBoard): CorePlan {
  const board = b.name;
  const r = b.resolved.recipe;
  const includeDirs: IncludeDir[] = r.coreIncludeDirs.map((dir) => ({ dir, why: `the Arduino core and variant of ${board}` }));
  const compiles = r.coreSources.map((src): CompileStep => {
    const root = out(ctx, board, 'core/obj', src.root === 'variant' ? `variant/${src.rel}` : src.rel);
    const object = `${root}.o`;
    return {
      kind: 'compile',
      role: 'core',
      id: stepId(`${board}/core/${src.root === 'variant' ? `variant/${src.rel}` : src.rel}`),
      root,
      board,
      description: `Compile the Arduino ${src.root === 'variant' ? "variant's" : "core's"} ${src.rel} for ${board}`,
      env: envOf(b),
      outputs: [object],
      language: src.language,
      program: { root: 'bin', rel: r.compiler[src.language] },
      flags: [
        ...recipeFlags(b, src.language),
        ...(r.coreFileFlags[src.language] ?? []),
        { value: `-frandom-seed=${src.root === 'variant' ? 'variant' : 'core'}/${src.rel}`, why: WHY_SEED },
      ],
      includeDirs,
      source: { root: src.root ?? 'core', rel: src.rel },
      object,
      unit: `${src.root === 'variant' ? 'variant' : 'core'}/${src.rel}`,
    };
  });
  const root = out(ctx, board, 'core');
  return {
    compiles,
    archive: archiveStep(b, `${board}/core`, root, `${root}/libcore.a`, compiles, 'core', `Archive the Arduino core for ${board}`),
  };
}

const EXTENSION_RANK: Record<string, number> = { S: 0, c: 1, cpp: 2 };

/**
 * Objects in the order the Arduino builder (arduino-builder, arduino-cli) hands them to the archiver and the
 * linker: a folder's own files before its subfolders, subfolders by name; in a folder, `.S`, then `.c`, then
 * `.cpp`, each by name. The order is not cosmetic: with `--relax` (every ATmega2560 link) the linker's relaxation
 * depends on the layout, and a core archive with its members in plain name order links mega examples up to
 * 16 bytes larger than the Arduino IDE does. `name.ext.o` paths, output-dir prefix included, compare the same way.
 */
export function arduinoObjectOrder(objects: string[]): string[] {
  const key = (o: string) => {
    const dir = path.dirname(o);
    const file = path.basename(o).replace(/\.o$/, '');
    const ext = /\.([^.]+)$/.exec(file)?.[1] ?? '';
    return { dirs: dir === '.' ? [] : dir.split('/'), rank: EXTENSION_RANK[ext] ?? 3, file };
  };
  const cmp = (a: ReturnType<typeof key>, b: ReturnType<typeof key>): number => {
    const n = Math.min(a.dirs.length, b.dirs.length);
    for (let i = 0; i < n; i++) if (a.dirs[i] !== b.dirs[i]) return a.dirs[i] < b.dirs[i] ? -1 : 1;
    // One folder holds the other's: its own files come first.
    if (a.dirs.length !== b.dirs.length) return a.dirs.length - b.dirs.length;
    if (a.rank !== b.rank) return a.rank - b.rank;
    return a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
  };
  return objects
    .map((o) => ({ o, k: key(o) }))
    .sort((x, y) => cmp(x.k, y.k))
    .map((x) => x.o);
}

function archiveStep(
  b: PlanBoard,
  id: string,
  root: string,
  archive: string,
  compiles: CompileStep[],
  role: 'core' | 'library',
  description: string,
  library?: string,
): ArchiveStep {
  const ar = b.resolved.recipe.archiver;
  return {
    kind: 'archive',
    role,
    id,
    root,
    board: b.name,
    ...(library ? { library } : {}),
    description,
    env: envOf(b),
    outputs: [archive],
    program: { root: 'bin', rel: ar[0] },
    flags: ar.slice(1).map((value) => ({ value, why: /D/.test(value) ? WHY_ARCHIVE_D : `${b.name} recipe: recipe.ar.pattern` })),
    archive,
    objects: arduinoObjectOrder(compiles.map((c) => c.object)),
    compileSteps: compiles.map((c) => c.id),
  };
}

/** How one library is compiled and linked on one board: the board's recipe, or the library's own profile. */
export interface LibrarySettings {
  profile?: LibraryProfile;
  flags: Record<Language, Flag[]>;
  /** Include dirs for the library's and its sketches' TUs, before the sketch folder. */
  includeDirs: IncludeDir[];
  linkCore: boolean;
  linkFlags: Flag[];
  linkLibs: Flag[];
  sketchAppend: string[];
  sketchSources: 'arduino' | 'all';
}

export function librarySettings(ctx: PlanContext, b: PlanBoard, lib: ArduinoLibrary): LibrarySettings {
  const r = b.resolved.recipe;
  const own = lib.includeDirs.map((dir) => ({ dir, why: `${lib.name}'s include folder (layout ${lib.layout})` }));
  const profile = r.libraryProfile?.({ root: lib.root, id: lib.id, has: ctx.hasFile });
  if (profile) {
    const why = `${profile.description} (${b.name} library profile)`;
    return {
      profile,
      flags: { c: flags(profile.compileFlags.c, why), cpp: flags(profile.compileFlags.cpp, why), S: flags(profile.compileFlags.S, why) },
      includeDirs: [...own, ...profile.includeDirs.map((dir) => ({ dir, why }))],
      linkCore: false,
      linkFlags: flags(profile.linkFlags, why),
      linkLibs: flags(profile.linkLibs, why),
      sketchAppend: profile.sketchAppend,
      sketchSources: profile.sketchSources,
    };
  }
  const linkWhy = r.flagOrigin?.link ?? `${b.name} recipe (link)`;
  return {
    flags: { c: recipeFlags(b, 'c'), cpp: recipeFlags(b, 'cpp'), S: recipeFlags(b, 'S') },
    includeDirs: [...r.coreIncludeDirs.map((dir) => ({ dir, why: `the Arduino core and variant of ${b.name}` })), ...own],
    linkCore: true,
    linkFlags: flags(r.linkFlags, linkWhy),
    linkLibs: flags(r.linkLibs, linkWhy),
    sketchAppend: [],
    sketchSources: 'arduino',
  };
}

export interface LibraryPlan {
  library: ArduinoLibrary;
  settings: LibrarySettings;
  compiles: CompileStep[];
  /** Undefined when the library has no sources. */
  archive?: ArchiveStep;
}

const WHY_DEFINES = 'plugin option libraryDefines';

function depDefines(deps: LibraryDep[]): string[] {
  return [...new Set(deps.flatMap((d) => d.defines))];
}

function depKeys(deps: LibraryDep[]): string[] | undefined {
  const keys = [...new Set(deps.flatMap((d) => d.keys))].sort();
  return keys.length ? keys : undefined;
}

/** Settings with extra defines (`libraryDefines`) appended for every language. */
function withDefines(settings: LibrarySettings, defines: string[]): LibrarySettings {
  if (!defines.length) return settings;
  const add = (f: Flag[]) => [...f, ...flags(defines, WHY_DEFINES)];
  return { ...settings, flags: { c: add(settings.flags.c), cpp: add(settings.flags.cpp), S: add(settings.flags.S) } };
}

export interface LibraryOptions {
  /** false for `precompiled=full` with an archive for the board: the sources are not compiled. */
  compileSources?: boolean;
  advice?: string[];
  /** `libraryDefines` for this library on this board. */
  defines?: string[];
}

/**
 * A library's own TUs and archive. `deps` are resolved libraries it includes: their include folders follow
 * its own (their archives are linked by the examples that use them).
 */
export function planLibrary(
  ctx: PlanContext,
  b: PlanBoard,
  lib: ArduinoLibrary,
  deps: LibraryDep[] = [],
  opts: LibraryOptions = {},
): LibraryPlan {
  const board = b.name;
  const base = librarySettings(ctx, b, lib);
  const settings = withDefines(base, [...(opts.defines ?? []), ...depDefines(deps)]);
  // A 1.0 library's own TUs also see utility/, as the Arduino builder compiles them.
  const utility =
    lib.layout === '1.0' ? [path.join(lib.root, 'utility')].filter((d) => lib.sources.some((s) => s.startsWith(`${d}/`))) : [];
  const includeDirs: IncludeDir[] = [
    ...settings.includeDirs,
    ...depIncludeDirs(deps),
    ...utility.map((dir) => ({ dir, why: 'a 1.0-layout library compiles its own TUs with utility/ on the path' })),
  ];
  const keys = depKeys(deps);
  const compiles = (opts.compileSources === false ? [] : lib.sources).map((src): CompileStep => {
    const rel = lib.root === '.' ? src : src.slice(lib.root.length + 1);
    const root = out(ctx, board, lib.id, 'obj', rel);
    const object = `${root}.o`;
    const language = languageOf(src);
    const inputs = ctx.closure(
      [src],
      includeDirs.map((d) => d.dir),
      b,
    );
    return {
      kind: 'compile',
      role: 'library',
      id: stepId(`${board}/${lib.id}/${rel}`),
      root,
      board,
      library: lib.id,
      description: `Compile ${src} for ${board} (${inputs.files.length} files in its include closure)`,
      env: envOf(b),
      outputs: [object],
      language,
      program: { root: 'bin', rel: b.resolved.recipe.compiler[language] },
      flags: [...settings.flags[language], { value: `-frandom-seed=${src}`, why: WHY_SEED }],
      includeDirs,
      source: src,
      object,
      unit: src,
      inputs,
      ...(keys ? { keys } : {}),
      ...(opts.advice?.length ? { advice: opts.advice } : {}),
    };
  });
  const plan: LibraryPlan = { library: lib, settings: base, compiles };
  if (compiles.length) {
    const root = out(ctx, board, lib.id);
    plan.archive = archiveStep(
      b,
      `${board}/${lib.id}`,
      root,
      `${root}/lib${lib.id}.a`,
      compiles,
      'library',
      `Archive ${lib.name}'s ${compiles.length} objects for ${board}`,
      lib.id,
    );
  }
  return plan;
}

function depIncludeDirs(deps: LibraryDep[]): IncludeDir[] {
  return deps.flatMap((d) => d.includeDirs);
}

/**
 * A library outside the workspace as the planner needs it: bundled with the board's platform
 * (`<core>/libraries/<dir>`) or in the sketchbook (`<sketchbook>/libraries/<dir>`).
 */
export interface PlatformLibrary {
  name: string;
  /** Output id, e.g. `platform-wire`, `sketchbook-onewire`. */
  id: string;
  /** The folder `rel` is relative to (default `core`). */
  base?: 'core' | 'sketchbook';
  /** Its folder relative to the base folder, e.g. `libraries/Wire`. */
  rel: string;
  /** Sources relative to `rel`. */
  sources: string[];
  includeDirs: IncludeDir[];
  /** `utility` for a 1.0 library's own TUs, relative to `rel`. */
  utility?: string;
  /** `<dir>=<digest>` of its files: they are outside the workspace, so the key carries their digest. */
  key: string;
  defines: string[];
}

/** A platform or sketchbook library's TUs (sources rooted at its base folder, bytes in the key by digest) and archive. */
export function planPlatformLibrary(
  ctx: PlanContext,
  b: PlanBoard,
  lib: PlatformLibrary,
  deps: LibraryDep[] = [],
): { compiles: CompileStep[]; archive?: ArchiveStep } {
  const board = b.name;
  const r = b.resolved.recipe;
  const base = lib.base ?? 'core';
  const from = base === 'sketchbook' ? 'from the sketchbook' : `bundled with the ${board} platform`;
  const defines = [...lib.defines, ...depDefines(deps)];
  const langFlags = (language: Language) => [...recipeFlags(b, language), ...flags(defines, WHY_DEFINES)];
  const includeDirs: IncludeDir[] = [
    ...r.coreIncludeDirs.map((dir) => ({ dir, why: `the Arduino core and variant of ${board}` })),
    ...lib.includeDirs,
    ...depIncludeDirs(deps),
    ...(lib.utility
      ? [
          {
            dir: { root: base, rel: `${lib.rel}/${lib.utility}` },
            why: 'a 1.0-layout library compiles its own TUs with utility/ on the path',
          },
        ]
      : []),
  ];
  const keys = [lib.key, ...(depKeys(deps) ?? [])];
  const compiles = lib.sources.map((src): CompileStep => {
    const root = out(ctx, board, lib.id, 'obj', src);
    const object = `${root}.o`;
    const language = languageOf(src);
    return {
      kind: 'compile',
      role: 'library',
      id: stepId(`${board}/${lib.id}/${src}`),
      root,
      board,
      library: lib.id,
      description: `Compile ${lib.name}'s ${src} (${from}) for ${board}`,
      env: envOf(b),
      outputs: [object],
      language,
      program: { root: 'bin', rel: r.compiler[language] },
      flags: [...langFlags(language), { value: `-frandom-seed=${lib.rel}/${src}`, why: WHY_SEED }],
      includeDirs,
      source: { root: base, rel: `${lib.rel}/${src}` },
      object,
      unit: base === 'sketchbook' ? `sketchbook/${lib.rel}/${src}` : `${lib.rel}/${src}`,
      keys,
    };
  });
  if (!compiles.length) return { compiles };
  const root = out(ctx, board, lib.id);
  return {
    compiles,
    archive: archiveStep(
      b,
      `${board}/${lib.id}`,
      root,
      `${root}/lib${lib.id}.a`,
      compiles,
      'library',
      `Archive ${lib.name} (${from}) for ${board}`,
      lib.id,
    ),
  };
}

/** How an example's own library is linked and what resolution found for it. */
export interface ExampleOptions {
  /** false for the own library's `dot_a_linkage=true`. */
  whole?: boolean;
  /** The own library's precompiled archives. */
  precompiled?: string[];
  defines?: string[];
  advice?: string[];
}

export interface ExamplePlan {
  compiles: CompileStep[];
  link: LinkStep;
}

/**
 * One example on one board: its sketch TU (the `.ino` files made into C++), its other sources, and the link
 * against its library, the libraries it uses (`deps`, in link order) and the core.
 */
export function planExample(
  ctx: PlanContext,
  b: PlanBoard,
  lp: LibraryPlan,
  ex: Example,
  core: CorePlan,
  deps: LibraryDep[] = [],
  opts: ExampleOptions = {},
): ExamplePlan {
  const board = b.name;
  const lib = lp.library;
  const r = b.resolved.recipe;
  const exRel = `examples/${ex.path}`;
  const settings = withDefines(lp.settings, [...new Set([...(opts.defines ?? []), ...depDefines(deps)])]);
  const keys = depKeys(deps);
  const includeDirs: IncludeDir[] = [...settings.includeDirs, ...depIncludeDirs(deps), { dir: ex.dir, why: 'the sketch folder' }];
  const dirs: Arg[] = includeDirs.map((d) => d.dir);
  const compiles: CompileStep[] = [];
  const common = {
    kind: 'compile' as const,
    role: 'sketch' as const,
    board,
    library: lib.id,
    env: envOf(b),
    includeDirs,
    ...(keys ? { keys } : {}),
    ...(opts.advice?.length ? { advice: opts.advice } : {}),
  };

  {
    const main = ex.inoFiles[0];
    const root = out(ctx, board, lib.id, 'obj', exRel, `${ex.name}.ino`);
    const cpp = `${root}.cpp`;
    const object = `${cpp}.o`;
    const appendedIncludes = settings.sketchAppend
      .map((l) => /#\s*include\s*[<"]([^>"]+)[>"]/.exec(l)?.[1])
      .filter((x): x is string => !!x);
    const inputs = ctx.closure(ex.inoFiles, dirs, b, ['Arduino.h', ...appendedIncludes]);
    compiles.push({
      ...common,
      id: stepId(`${board}/${lib.id}/${exRel}/${ex.name}.ino`),
      root,
      description: `Turn ${ex.inoFiles.length === 1 ? main : `${ex.inoFiles.length} .ino files of ${ex.dir}`} into C++ (prototypes, #line) and compile it for ${board}`,
      outputs: [object, cpp],
      language: 'cpp',
      program: { root: 'bin', rel: r.compiler.cpp },
      flags: [
        ...settings.flags.cpp,
        { value: '-iquote', why: WHY_IQUOTE },
        { value: ex.dir, why: WHY_IQUOTE },
        { value: `-frandom-seed=${main}`, why: WHY_SEED },
      ],
      source: cpp,
      object,
      unit: main,
      inputs,
      sketch: { inoFiles: ex.inoFiles, cpp, append: settings.sketchAppend },
    });
  }
  for (const src of settings.sketchSources === 'all' ? ex.allSources : ex.extraSources) {
    const rel = src.slice(ex.dir.length + 1);
    const root = out(ctx, board, lib.id, 'obj', exRel, rel);
    const object = `${root}.o`;
    const language = languageOf(src);
    compiles.push({
      ...common,
      id: stepId(`${board}/${lib.id}/${exRel}/${rel}`),
      root,
      description: `Compile ${src} for ${board}`,
      outputs: [object],
      language,
      program: { root: 'bin', rel: r.compiler[language] },
      flags: [...settings.flags[language], { value: `-frandom-seed=${src}`, why: WHY_SEED }],
      source: src,
      object,
      unit: src,
      inputs: ctx.closure([src], dirs, b),
    });
  }

  const root = out(ctx, board, lib.id, exRel);
  const elf = `${root}/${ex.name}.elf`;
  const outputs = [
    elf,
    ...(r.produces ?? b.resolved.board.produces).filter((p) => p !== 'elf').map((p) => `${root}/${ex.name}.${p}`),
    `${root}/${ex.name}.size.json`,
  ];
  // The Arduino builder links library objects loose (every member kept) unless dot_a_linkage=true; then
  // precompiled archives where platform.txt puts {compiler.libraries.ldflags}, before the core.
  const archives: LinkArchive[] = [];
  if (lp.archive) archives.push({ file: lp.archive.archive, whole: r.wholeArchive && opts.whole !== false, step: lp.archive.id });
  for (const d of deps) if (d.archive) archives.push({ file: d.archive.file, whole: r.wholeArchive && d.whole, step: d.archive.step });
  const precompiled = [...new Set([...(opts.precompiled ?? []), ...deps.flatMap((d) => d.precompiled)])];
  archives.push(...precompiled.map((file) => ({ file, whole: false })));
  if (settings.linkCore) archives.push({ file: core.archive.archive, whole: false, step: core.archive.id });
  const limitText = [
    r.limits?.flash !== undefined ? `${r.limits.flash} bytes flash` : '',
    r.limits?.ram !== undefined ? `${r.limits.ram} bytes RAM` : '',
  ].filter(Boolean);
  const limits = limitText.length ? `, checked against ${limitText.join(' and ')}` : '';
  const link: LinkStep = {
    kind: 'link',
    id: stepId(`${board}/${lib.id}/${exRel}`),
    root,
    board,
    library: lib.id,
    description: `Link ${ex.dir} for ${board} into ${outputs.map((o) => path.extname(o)).join(', ')}${limits}`,
    env: envOf(b),
    outputs,
    program: r.linker,
    outDir: root,
    name: ex.name,
    sketch: ex.inoFiles[0],
    elf,
    flags: settings.linkFlags,
    objects: compiles.map((c) => c.object),
    archives,
    libs: settings.linkLibs,
    ...(r.objcopy && r.objcopyHex
      ? { objcopy: { program: r.objcopy, hex: r.objcopyHex, ...(r.objcopyEep ? { eep: r.objcopyEep } : {}) } }
      : {}),
    ...(r.size ? { size: r.size } : {}),
    ...(r.sizeRegex && (r.sizeRegex.flash || r.sizeRegex.data) ? { sizeRegex: r.sizeRegex } : {}),
    ...(r.limits ? { limits: r.limits } : {}),
    compileSteps: compiles.map((c) => c.id),
    archiveSteps: archives.flatMap((a) => (a.step ? [a.step] : [])),
    ...(precompiled.length ? { inputs: precompiled } : {}),
  };
  return { compiles, link };
}
