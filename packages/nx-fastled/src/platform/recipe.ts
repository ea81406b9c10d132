// From a resolved board's build properties to nx-fastled's recipe (toolchain/types.ts BoardRecipe): each
// `recipe.*.pattern` is expanded with placeholders standing for the per-file values (`{source_file}`,
// `{object_file}`, `{includes}`, `{build.path}`, ...), split the way arduino-cli splits it, and taken apart
// into program, flags and the file arguments nx-fastled supplies itself.
//
// Kept as the platform says: every flag, in order (`-g` too: gcc 5.4's LTO generates different code without it,
// see DROPPED_LINK_FLAGS); dropped, on purpose: `-MMD` (a .d file Nx would not know about) and `-g` from the
// link only. A pattern nx-fastled
// cannot follow (an absolute path outside the core and variant folders, a `{build.path}` file other than the
// ones it supplies, an unresolved `{property}`) is reported with the property and the board, not guessed.
import * as path from 'node:path';
import type { ArduinoBoard } from './board';
import { listFiles } from '../util/files';
import { expandProps, Props, splitQuoted } from './properties';

// Placeholders: a control character no platform.txt value contains, so a leftover is always recognised.
const MARK = '\u0001';
const unmark = (a: string) => a.split(MARK).join('');
const SRC = '\u0001SOURCE';
const OBJ = '\u0001OBJECT';
const OBJS = '\u0001OBJECTS';
const INC = '\u0001INCLUDES';
const BUILD = '\u0001BUILD';
const NAME = '\u0001PROJECT';

/** Flags of the compile patterns left out, and why. */
export const DROPPED_FLAGS: ReadonlyMap<string, string> = new Map([
  ['-MMD', 'a .d file Nx would not know about; include closures come from the scanner'],
]);

/**
 * Flags of the link pattern left out. `-g` stays on every compile: with it, gcc 5.4's LTO objects carry debug
 * statements that change its inlining (FastLED's AnalogOutput on uno: 4 bytes of flash in
 * fl::string::operator=, against arduino-builder's image); at the link it only adds debug info to the .elf, which
 * would then name the LTO's randomly named temporary files, so no two links would give the same .elf.
 */
export const DROPPED_LINK_FLAGS: ReadonlyMap<string, string> = new Map([
  ['-g', "at the link only: the .elf's debug info would name the LTO's random temporary files (the image is the same)"],
]);

export class RecipeError extends Error {}

export type Root = 'core' | 'variant';
export interface RootedPath {
  root: Root;
  rel: string;
}

export interface ArduinoRecipe {
  /** Absolute paths of the programs, as the platform names them. */
  programs: { c: string; cpp: string; S: string; ar: string; link: string; objcopy?: string; size?: string };
  compileFlags: { c: string[]; cpp: string[]; S: string[] };
  /** `-I` folders the compile patterns name themselves (inside the core or variant platform). */
  extraIncludeDirs: RootedPath[];
  archiveFlags: string[];
  linkFlags: string[];
  /** Link arguments after the objects and archives (`-lm`, groups). */
  linkLibs: string[];
  objcopyHex?: string[];
  objcopyEep?: string[];
  sizeRegex?: { flash?: string; data?: string };
  limits?: { flash?: number; ram?: number };
  /** `recipe.hooks.*` patterns the platform declares (nx-fastled does not run them). */
  hooks: string[];
  /** Other output recipes (`recipe.objcopy.bin.pattern`, ...) nx-fastled does not produce. */
  ignoredRecipes: string[];
  dropped: string[];
}

function withPlaceholders(props: Props, warnings: WarningLevel | undefined): Props {
  const p = new Map(props);
  // arduino-cli's --warnings: compiler.warning_flags takes the platform's value for the level (the default,
  // none, is what platform.txt's compiler.warning_flags already says).
  const level = warnings ? p.get(`compiler.warning_flags.${warnings}`) : undefined;
  if (level !== undefined) p.set('compiler.warning_flags', level);
  p.set('source_file', SRC);
  p.set('object_file', OBJ);
  p.set('object_files', OBJS);
  p.set('includes', INC);
  p.set('build.path', BUILD);
  p.set('build.project_name', NAME);
  p.set('archive_file', 'core.a');
  p.set('archive_file_path', `${BUILD}/core.a`);
  p.set('build.source.path', `${BUILD}/sketch-source`);
  // The Arduino builder's own link rule (arduino-builder 1.3.25 phases/linker.go, addRelaxTrickIfATMEGA2560):
  // for an ATmega2560 it appends ",--relax" to compiler.c.elf.flags, whatever platform.txt says. Without it,
  // FastLED's AnalogOutput on mega is 758 bytes of flash larger than arduino-builder's (call/jmp not relaxed).
  if (p.get('build.mcu') === 'atmega2560' && p.has('compiler.c.elf.flags'))
    p.set('compiler.c.elf.flags', `${p.get('compiler.c.elf.flags')},--relax`);
  return p;
}

function pattern(board: ArduinoBoard, props: Props, key: string): string[] | undefined {
  const raw = props.get(key);
  if (raw === undefined) return undefined;
  const expanded = expandProps(raw, props);
  const unresolved = /\{([^{}]+)\}/.exec(expanded);
  if (unresolved) {
    const tool = /^runtime\.tools\.([^.]+)\.path$/.exec(unresolved[1]);
    throw new RecipeError(
      tool
        ? `board ${board.fqbn}: ${key} needs the tool "${tool[1]}" ({${unresolved[1]}}), which is not installed (arduino-cli installs it with the platform)`
        : `board ${board.fqbn}: ${key} refers to {${unresolved[1]}}, which no platform.txt, boards.txt or runtime property defines`,
    );
  }
  return splitQuoted(expanded, `${board.platform.dir}/platform.txt ${key}`);
}

function required(board: ArduinoBoard, props: Props, key: string): string[] {
  const p = pattern(board, props, key);
  if (!p?.length) throw new RecipeError(`board ${board.fqbn}: the platform (${board.platform.dir}) has no ${key}`);
  return p;
}

/** Arduino's warning levels (arduino-cli `--warnings`); platform.txt defines `compiler.warning_flags.<level>`. */
export const WARNING_LEVELS = ['none', 'default', 'more', 'all'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

export function arduinoRecipe(board: ArduinoBoard, warnings?: WarningLevel): ArduinoRecipe {
  const props = withPlaceholders(board.props, warnings);
  const dropped: string[] = [];
  const extraIncludeDirs: RootedPath[] = [];
  const rooted = (abs: string): RootedPath | undefined => {
    for (const [root, dir] of [
      ['core', board.corePlatform.dir],
      ['variant', board.variantPlatform.dir],
    ] as const) {
      const rel = path.relative(dir, abs);
      if (!rel.startsWith('..') && !path.isAbsolute(rel))
        return { root: root === 'variant' && board.variantPlatform.dir === board.corePlatform.dir ? 'core' : root, rel: rel || '.' };
    }
    return undefined;
  };

  const compile = (language: 'c' | 'cpp' | 'S') => {
    const key = `recipe.${language}.o.pattern`;
    const args = required(board, props, key);
    const flags: string[] = [];
    for (let i = 1; i < args.length; i++) {
      const a = args[i];
      if (a === SRC || a === INC) continue;
      if (a === '-o' && args[i + 1] === OBJ) {
        i++;
        continue;
      }
      if (DROPPED_FLAGS.has(a)) {
        if (!dropped.includes(a)) dropped.push(a);
        continue;
      }
      const inc = /^-I(\/.*)$/.exec(a);
      if (inc) {
        const r = rooted(inc[1]);
        if (!r)
          throw new RecipeError(
            `board ${board.fqbn}: ${key} adds ${a}, outside the core and variant folders: not supported (absolute paths cannot reach cache keys)`,
          );
        if (!extraIncludeDirs.some((d) => d.root === r.root && d.rel === r.rel)) extraIncludeDirs.push(r);
        continue;
      }
      if (a.includes('\u0001') || /(^|[=@,])\//.test(a))
        throw new RecipeError(
          `board ${board.fqbn}: ${key} has the argument "${unmark(a)}", a build folder file or absolute path nx-fastled cannot supply: not supported`,
        );
      flags.push(a);
    }
    return { program: args[0], flags };
  };
  const c = compile('c');
  const cpp = compile('cpp');
  const S = compile('S');

  const ar = required(board, props, 'recipe.ar.pattern');
  const archiveFlags = ar.slice(1).filter((a) => !a.includes('\u0001'));

  const combine = required(board, props, 'recipe.c.combine.pattern');
  const o = combine.indexOf('-o');
  if (o < 0) throw new RecipeError(`board ${board.fqbn}: recipe.c.combine.pattern has no "-o"`);
  const linkFlags = combine.slice(1, o).filter((a) => {
    if (!DROPPED_LINK_FLAGS.has(a)) return true;
    if (!dropped.includes(a)) dropped.push(a);
    return false;
  });
  const linkLibs: string[] = [];
  for (const a of combine.slice(o + 2)) {
    if (a === OBJS || a === `${BUILD}/core.a` || a === `-L${BUILD}`) continue;
    if (a.includes('\u0001') || /(^|[=@,])\//.test(a))
      throw new RecipeError(
        `board ${board.fqbn}: recipe.c.combine.pattern has the argument "${unmark(a)}", which nx-fastled cannot supply: not supported`,
      );
    linkLibs.push(a);
  }
  const objArgs = (key: string) =>
    pattern(board, props, key)
      ?.slice(1)
      .filter((a) => !a.includes('\u0001'));
  const objcopyHex = objArgs('recipe.objcopy.hex.pattern');
  const objcopyEep = objArgs('recipe.objcopy.eep.pattern');
  const programOf = (key: string) => pattern(board, props, key)?.[0];
  const limit = (key: string) => {
    const v = props.get(key);
    return v !== undefined && /^\d+$/.test(v.trim()) ? Number(v) : undefined;
  };
  const flash = limit('upload.maximum_size');
  const ram = limit('upload.maximum_data_size');
  const hooks = [...props.keys()].filter((k) => /^recipe\.hooks\..*pattern$/.test(k) && (props.get(k) ?? '').trim()).sort();
  const ignoredRecipes = [...props.keys()]
    .filter((k) => /^recipe\.(objcopy|output)\./.test(k) && !/^recipe\.objcopy\.(hex|eep)\.pattern$/.test(k) && /\.pattern$/.test(k))
    .sort();
  return {
    programs: {
      c: c.program,
      cpp: cpp.program,
      S: S.program,
      ar: ar[0],
      link: combine[0],
      objcopy: programOf('recipe.objcopy.hex.pattern'),
      size: programOf('recipe.size.pattern'),
    },
    compileFlags: { c: c.flags, cpp: cpp.flags, S: S.flags },
    extraIncludeDirs,
    archiveFlags,
    linkFlags,
    linkLibs,
    objcopyHex,
    objcopyEep,
    sizeRegex: { flash: props.get('recipe.size.regex'), data: props.get('recipe.size.regex.data') },
    limits: flash !== undefined || ram !== undefined ? { flash, ram } : undefined,
    hooks,
    ignoredRecipes,
    dropped,
  };
}

/** Sources of a core or variant folder: .c, .cpp, .S, recursively, sorted (what arduino-cli compiles). */
export function listSourceFiles(root: string, dir: string): string[] {
  return listFiles(root, dir).filter((f) => /\.(c|cpp|S)$/.test(f));
}
