// Any board of an installed Arduino platform, named by FQBN or alias (platform/fqbn.ts): the platform found
// where the Arduino tools install it (platform/discover.ts), the board resolved as arduino-cli resolves it
// (platform/board.ts), its recipe read from the platform's patterns (platform/recipe.ts).
//
// The compiler is the one the recipe names (Debian: /usr/bin/avr-g++; arduino-cli: the avr-gcc tool under
// ~/.arduino15/packages/arduino/tools), unless NX_FASTLED_<ID>_PREFIX or the plugin option
// `toolchains.<board>.prefix` names a prefix holding `bin/<program>`; NX_FASTLED_<ID>_CORE or
// `toolchains.<board>.core` replaces the board's platform folder.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { arduinoBoardTraits } from '../filters';
import type { ArduinoBoard } from '../platform/board';
import { BoardResolutionError, listBoards, resolveArduinoBoard } from '../platform/board';
import { discoverPlatforms, Installation } from '../platform/discover';
import { boardId, FqbnError, parseBoardName } from '../platform/fqbn';
import { PropertiesError } from '../platform/properties';
import { ArduinoRecipe, arduinoRecipe, DROPPED_FLAGS, DROPPED_LINK_FLAGS, listSourceFiles, RecipeError } from '../platform/recipe';
import { languageOf as languageOfFile } from './sources';
import { gccFacts, gccIdentityRoots } from './gcc-probe';
import { isExecutable, whichDir } from './locate';
import type { BoardDefinition, BoardRecipe, CompilerProbe, CoreSource, Located, LocateInput, Missing } from './types';

export const APT_INSTALL_AVR = 'sudo apt-get install -y gcc-avr avr-libc binutils-avr arduino-core-avr';

/** The boards of Arduino's AVR core (1.8.x), known as aliases even where the core is not installed. */
export const ARDUINO_AVR_BOARDS = [
  'yun',
  'uno',
  'unomini',
  'diecimila',
  'nano',
  'mega',
  'megaADK',
  'leonardo',
  'leonardoeth',
  'micro',
  'esplora',
  'mini',
  'ethernet',
  'fio',
  'bt',
  'LilyPadUSB',
  'lilypad',
  'pro',
  'atmegang',
  'robotControl',
  'robotMotor',
  'gemma',
  'circuitplay32u4cat',
  'yunmini',
  'chiwawa',
  'one',
  'unowifi',
];

interface Resolved {
  board: ArduinoBoard;
  recipe: ArduinoRecipe;
}

const resolvedByLocation = new WeakMap<Located, Resolved>();
const installations = new Map<string, Installation>();

/** Platforms on this machine, discovered once per process for the same inputs. */
export function installation(input: Pick<LocateInput, 'env' | 'homeDir' | 'hardwareDirs'>): Installation {
  const key = JSON.stringify([
    input.homeDir,
    input.hardwareDirs ?? [],
    input.env.NX_FASTLED_HARDWARE,
    input.env.ARDUINO_DIRECTORIES_DATA,
    input.env.ARDUINO_DIRECTORIES_USER,
    input.env.PLATFORMIO_CORE_DIR,
  ]);
  let inst = installations.get(key);
  if (!inst) {
    inst = discoverPlatforms({ env: input.env, homeDir: input.homeDir, hardwareDirs: input.hardwareDirs });
    installations.set(key, inst);
  }
  return inst;
}

export function envName(id: string): string {
  return id.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function installHint(vendor: string, arch: string): string {
  return vendor === 'arduino' && arch === 'avr'
    ? APT_INSTALL_AVR
    : `arduino-cli core install ${vendor}:${arch} (or put the platform in a hardware folder named by the plugin option "hardware")`;
}

/** A board definition for an alias or FQBN, or undefined for an alias no Arduino AVR core has. */
export function arduinoBoard(name: string, input?: Pick<LocateInput, 'env' | 'homeDir' | 'hardwareDirs'>): BoardDefinition | undefined {
  let fqbn;
  try {
    fqbn = parseBoardName(name);
  } catch (e) {
    if (e instanceof FqbnError) return undefined;
    throw e;
  }
  if (!name.includes(':') && !ARDUINO_AVR_BOARDS.includes(name)) {
    // An alias is known if an installed arduino:avr platform has it.
    const avr = input && installation(input).platforms.find((p) => p.vendor === 'arduino' && p.arch === 'avr');
    if (!avr || !listBoards(avr).some((b) => b.key === name)) return undefined;
  }
  const id = boardId(name);
  return {
    name: id,
    description: `Arduino board ${name.includes(':') ? name : `${name} (arduino:avr:${name})`}`,
    // Until resolved (boards.txt): FastLED's traits for the key; the resolved recipe carries the real ones.
    traits: arduinoBoardTraits({ id, key: fqbn.board, arch: fqbn.arch, mcu: '' }),
    produces: ['elf', 'hex', 'eep'],
    locate: (li) => locateArduino(id, name, li),
    recipe: (located, probe) => recipeOf(located, probe),
  };
}

function hasCompiler(bin: string): boolean {
  try {
    return fs.readdirSync(bin).some((f) => /(gcc|g\+\+)$/.test(f) && isExecutable(path.join(bin, f)));
  } catch {
    return false;
  }
}

function missing(board: string, what: string, searched: string[], install: string): Missing {
  return { ok: false, board, missing: what, searched, install };
}

function locateArduino(id: string, name: string, input: LocateInput): Located | Missing {
  const fqbn = parseBoardName(name);
  const env = envName(id);
  let inst = installation(input);
  const prefix = input.env[`NX_FASTLED_${env}_PREFIX`] ?? input.prefix;
  const prefixSource = input.env[`NX_FASTLED_${env}_PREFIX`] ? `NX_FASTLED_${env}_PREFIX` : 'plugin option toolchains.prefix';
  // An explicit prefix must hold a compiler, whatever the platform turns out to name: say so first.
  if (prefix && !hasCompiler(path.join(prefix, 'bin'))) {
    return missing(
      id,
      `a C/C++ compiler (bin/*gcc, bin/*g++) for ${name}`,
      [`${path.join(prefix, 'bin')} (${prefixSource})`],
      installHint(fqbn.vendor, fqbn.arch),
    );
  }
  // A prefix laid out as Debian installs the toolchain (bin/ beside share/arduino/hardware) brings its own
  // platform: a relocated copy must use its own platform.txt and core, never the system's.
  const prefixPlatform = prefix ? path.join(prefix, 'share/arduino/hardware', fqbn.vendor, fqbn.arch) : undefined;
  const prefixHasPlatform = !!prefixPlatform && fs.existsSync(path.join(prefixPlatform, 'boards.txt'));
  const coreOverride = input.env[`NX_FASTLED_${env}_CORE`] ?? input.corePath ?? (prefixHasPlatform ? prefixPlatform : undefined);
  if (coreOverride) {
    const source = input.env[`NX_FASTLED_${env}_CORE`]
      ? `NX_FASTLED_${env}_CORE`
      : input.corePath
        ? 'plugin option toolchains.core'
        : `${prefixSource} (share/arduino/hardware)`;
    if (!fs.existsSync(path.join(coreOverride, 'boards.txt')) || !fs.existsSync(path.join(coreOverride, 'platform.txt'))) {
      return missing(
        id,
        `the Arduino platform ${fqbn.vendor}:${fqbn.arch} (a folder with platform.txt, boards.txt, cores/)`,
        [`${coreOverride} (${source})`],
        installHint(fqbn.vendor, fqbn.arch),
      );
    }
    const own = { vendor: fqbn.vendor, arch: fqbn.arch, dir: fs.realpathSync(coreOverride), version: '', source };
    inst = { ...inst, platforms: [own, ...inst.platforms.filter((p) => !(p.vendor === fqbn.vendor && p.arch === fqbn.arch))] };
  }
  let resolved: Resolved;
  try {
    const board = resolveArduinoBoard(inst, fqbn);
    resolved = { board, recipe: arduinoRecipe(board, input.warnings) };
  } catch (e) {
    if (e instanceof BoardResolutionError || e instanceof RecipeError || e instanceof PropertiesError) {
      const notInstalled = /no installed platform|is not installed/.test(e.message);
      return missing(
        id,
        notInstalled ? `the Arduino platform ${fqbn.vendor}:${fqbn.arch} (${e.message})` : `a usable recipe: ${e.message}`,
        inst.searched,
        installHint(fqbn.vendor, fqbn.arch),
      );
    }
    throw e;
  }
  const { board, recipe } = resolved;
  if (recipe.hooks.length) {
    return missing(
      id,
      `support for the build hooks its platform declares (${recipe.hooks.join(', ')}): nx-fastled does not run recipe.hooks.* steps, so it cannot build ${board.fqbn} as arduino-cli would`,
      [board.platform.dir],
      `build ${board.fqbn} with arduino-cli, or remove the board from nx-fastled's "boards"`,
    );
  }
  const programs = recipePrograms(recipe);
  let binDir: string | undefined;
  let binSource: string;
  const searched: string[] = [];
  if (prefix) {
    // An explicit prefix must hold the programs: falling back silently would build with a toolchain the user did not choose.
    binDir = path.join(prefix, 'bin');
    binSource = prefixSource;
    searched.push(`${binDir} (${prefixSource})`);
  } else {
    const recipeDir = path.dirname(recipe.programs.cpp);
    binSource = `${board.platform.source}: platform.txt compiler path`;
    if (path.isAbsolute(recipe.programs.cpp)) {
      binDir = recipeDir;
      searched.push(`${recipeDir} (platform.txt recipe.cpp.o.pattern)`);
    } else {
      binDir = whichDir(path.basename(recipe.programs.cpp), input.env.PATH ?? '');
      binSource = 'PATH';
      searched.push('PATH');
    }
  }
  const names = [...new Set(programs.map((p) => path.basename(p)))];
  if (!binDir || !names.every((n) => isExecutable(path.join(binDir!, n)))) {
    return missing(id, `the compiler and tools of ${board.fqbn} (${names.join(', ')})`, searched, installHint(fqbn.vendor, fqbn.arch));
  }
  const located: Located = {
    ok: true,
    board: id,
    binDir: fs.realpathSync(binDir),
    coreDir: fs.realpathSync(board.corePlatform.dir),
    ...(board.variantPlatform.dir !== board.corePlatform.dir ? { variantDir: fs.realpathSync(board.variantPlatform.dir) } : {}),
    sources: [
      `compiler: ${binSource}`,
      `platform: ${board.platform.vendor}:${board.platform.arch} ${board.platform.version} from ${board.platform.source}`,
    ],
    ...(input.warnings ? { warnings: input.warnings } : {}),
  };
  resolvedByLocation.set(located, resolved);
  return located;
}

const WHY_DECIMAL_DIG = "the core's WString.cpp uses DECIMAL_DIG, which gcc before 7 defines in <float.h> for C only";

function recipeOf(located: Located, probe: CompilerProbe): BoardRecipe {
  const resolved = resolvedByLocation.get(located);
  if (!resolved) throw new Error(`${located.board}: recipe asked for a location this module did not produce`);
  const { board, recipe } = resolved;
  const base = (p: string) => path.basename(p);
  const facts = gccFacts(path.join(located.binDir, base(recipe.programs.cpp)), probe);
  const variantRoot: 'core' | 'variant' = located.variantDir ? 'variant' : 'core';
  const coreRel = `cores/${board.core}`;
  const variantRel = board.variant ? `variants/${board.variant}` : undefined;
  const coreSources: CoreSource[] = [
    ...listSourceFiles(located.coreDir, coreRel).map((rel) => ({ rel, language: languageOfFile(rel), root: 'core' as const })),
    ...(variantRel
      ? listSourceFiles(located.variantDir ?? located.coreDir, variantRel).map((rel) => ({
          rel,
          language: languageOfFile(rel),
          root: variantRoot,
        }))
      : []),
  ];
  const wstring = path.join(located.coreDir, coreRel, 'WString.cpp');
  const needsDecimalDig =
    fs.existsSync(wstring) && fs.readFileSync(wstring, 'latin1').includes('DECIMAL_DIG') && /\b[4-6]\.\d+\.\d+/.test(facts.version);
  const ar = recipe.archiveFlags.slice();
  const modeAt = ar.findIndex((a) => /^[a-z]+$/.test(a));
  // `D`: zero timestamps, uids and modes, so archives are byte-stable.
  if (modeAt >= 0 && !ar[modeAt].includes('D')) ar[modeAt] = `${ar[modeAt]}D`;
  else if (modeAt < 0) ar.unshift('rcsD');
  const dropped = recipe.dropped.length
    ? ` (${recipe.dropped.map((d) => `${d} dropped: ${DROPPED_FLAGS.get(d) ?? DROPPED_LINK_FLAGS.get(d)}`).join('; ')})`
    : '';
  const origin = (key: string) => `${board.fqbn}: ${key}${dropped}`;
  const ram = recipe.limits?.ram;
  const traits = arduinoBoardTraits({
    id: located.board,
    key: board.key,
    arch: board.platform.arch,
    mcu: board.props.get('build.mcu') ?? '',
    ramBytes: ram,
  });
  const identityFiles = [...new Set([board.platform, board.corePlatform, board.variantPlatform])].flatMap((p, i) => [
    { label: `platform${i}/platform.txt`, path: path.join(p.dir, 'platform.txt') },
    { label: `platform${i}/platform.local.txt`, path: path.join(p.dir, 'platform.local.txt') },
  ]);
  return {
    compileFlags: recipe.compileFlags,
    coreFileFlags: needsDecimalDig ? { cpp: [{ value: '-DDECIMAL_DIG=__DECIMAL_DIG__', why: WHY_DECIMAL_DIG }] } : {},
    flagOrigin: {
      c: origin('recipe.c.o.pattern'),
      cpp: origin('recipe.cpp.o.pattern'),
      S: origin('recipe.S.o.pattern'),
      link: origin('recipe.c.combine.pattern'),
    },
    coreIncludeDirs: [
      { root: 'core', rel: coreRel },
      ...(variantRel ? [{ root: variantRoot, rel: variantRel }] : []),
      ...recipe.extraIncludeDirs.map((d) => ({ root: d.root, rel: d.rel })),
    ],
    coreSources,
    compiler: { c: base(recipe.programs.c), cpp: base(recipe.programs.cpp), S: base(recipe.programs.S) },
    archiver: [base(recipe.programs.ar), ...ar],
    linker: base(recipe.programs.link),
    linkFlags: recipe.linkFlags,
    linkLibs: recipe.linkLibs,
    wholeArchive: true,
    ...(recipe.programs.objcopy ? { objcopy: base(recipe.programs.objcopy) } : {}),
    ...(recipe.objcopyHex ? { objcopyHex: recipe.objcopyHex } : {}),
    ...(recipe.objcopyEep ? { objcopyEep: recipe.objcopyEep } : {}),
    ...(recipe.programs.size ? { size: base(recipe.programs.size) } : {}),
    ...(recipe.sizeRegex ? { sizeRegex: recipe.sizeRegex } : {}),
    ...(recipe.limits ? { limits: recipe.limits } : {}),
    traits,
    produces: ['elf', ...(recipe.objcopyHex ? ['hex'] : []), ...(recipe.objcopyEep ? ['eep'] : [])],
    info: {
      fqbn: board.fqbn,
      name: board.name,
      platform: `${board.platform.vendor}:${board.platform.arch} ${board.platform.version} (${board.platform.source})`,
      ...(board.corePlatform !== board.platform ? { core: `${board.corePlatform.vendor}:${board.core} (build.core)` } : {}),
      ...(board.menus.length
        ? { menus: board.menus.map((m) => `${m.menu}=${m.option} (${m.label}${m.chosen === 'default' ? ', default' : ''})`).join(', ') }
        : {}),
      mcu: board.props.get('build.mcu') ?? '',
      limits: `${recipe.limits?.flash ?? '?'} bytes flash, ${recipe.limits?.ram ?? '?'} bytes RAM`,
      traits: `platform ${traits.platform}, family ${traits.family}, target ${traits.target}, memory ${traits.memory}; ${traits.source}`,
      ...(recipe.ignoredRecipes.length ? { 'not produced': recipe.ignoredRecipes.join(', ') } : {}),
    },
    identityRoots: [
      ...gccIdentityRoots(located.binDir, [...new Set(recipePrograms(recipe).map(base))], facts),
      { label: `core/${coreRel}`, path: path.join(located.coreDir, coreRel) },
      ...(variantRel
        ? [{ label: `${variantRoot}/${variantRel}`, path: path.join(located.variantDir ?? located.coreDir, variantRel) }]
        : []),
      ...recipe.extraIncludeDirs.map((d) => ({
        label: `${d.root}/${d.rel}`,
        path: path.join(d.root === 'variant' ? located.variantDir! : located.coreDir, d.rel),
      })),
      ...identityFiles.filter((f) => fs.existsSync(f.path)),
      { label: 'board/boards.txt', path: path.join(board.platform.dir, 'boards.txt') },
    ],
    systemIncludeDirs: facts.systemIncludeDirs,
    version: facts.version,
  };
}

/** Every program a recipe runs (compilers, archiver, linker, objcopy, size) as platform.txt names it. */
function recipePrograms(recipe: ArduinoRecipe): string[] {
  const p = recipe.programs;
  return [p.c, p.cpp, p.S, p.ar, p.link, p.objcopy, p.size].filter((x): x is string => !!x);
}
