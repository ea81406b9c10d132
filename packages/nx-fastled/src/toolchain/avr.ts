// Board `uno`: Debian's gcc-avr + avr-libc + arduino-core-avr (or the same toolchain from the Arduino IDE/CLI
// or PlatformIO), with the recipe read from the core's own platform.txt and boards.txt.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BoardDefinition, BoardRecipe, CompilerProbe, Language, Located, LocateInput, Missing } from './types';
import { Candidate, firstBinDir, versionedDirs, whichDir } from './locate';
import { expand, Properties, readProperties, splitArgs } from './properties';
import { gccFacts, gccIdentityRoots } from './gcc-probe';

const PROGRAMS = ['avr-gcc', 'avr-g++', 'avr-gcc-ar', 'avr-objcopy', 'avr-size'];
const APT_INSTALL = 'sudo apt-get install -y gcc-avr avr-libc binutils-avr arduino-core-avr';
/** The Arduino IDE version the recipe reports as ARDUINO (1.8.19), as arduino-builder does on Debian. */
const ARDUINO_IDE_VERSION = '10819';

export function avrBoard(name: string, boardKey: string, traits: BoardDefinition['traits']): BoardDefinition {
  return {
    name,
    description: `Arduino ${name} (avr-gcc, arduino-core-avr's platform.txt/boards.txt "${boardKey}")`,
    traits,
    produces: ['elf', 'hex', 'eep'],
    locate: (input) => locateAvr(name, input),
    recipe: (located, probe) => avrRecipe(boardKey, located, probe),
  };
}

function locateAvr(board: string, input: LocateInput): Located | Missing {
  const envPrefix = input.env[`NX_FASTLED_${board.toUpperCase()}_PREFIX`];
  const prefixes: Candidate[] = [];
  if (envPrefix) prefixes.push({ dir: envPrefix, source: `NX_FASTLED_${board.toUpperCase()}_PREFIX` });
  if (input.prefix) prefixes.push({ dir: input.prefix, source: 'plugin option toolchains.prefix' });
  const binCandidates: Candidate[] = prefixes.map((p) => ({ dir: path.join(p.dir, 'bin'), source: p.source }));
  const onPath = whichDir('avr-g++', input.env.PATH ?? '');
  if (onPath) binCandidates.push({ dir: onPath, source: 'PATH' });
  for (const d of versionedDirs(path.join(input.homeDir, '.arduino15/packages/arduino/tools/avr-gcc'), 'bin').reverse()) {
    binCandidates.push({ dir: d, source: 'Arduino IDE/CLI (~/.arduino15)' });
  }
  binCandidates.push({ dir: path.join(input.homeDir, '.platformio/packages/toolchain-atmelavr/bin'), source: 'PlatformIO' });
  // An explicit prefix must hold the compiler: falling back to another one silently would build with a
  // toolchain the user did not choose.
  const bin = prefixes.length ? firstBinDir(binCandidates.slice(0, 1), PROGRAMS) : firstBinDir(binCandidates, PROGRAMS);
  if (!bin) {
    return {
      ok: false,
      board,
      missing: `the AVR compiler (${PROGRAMS.join(', ')})`,
      searched: (prefixes.length ? binCandidates.slice(0, 1) : binCandidates).map((c) => `${c.dir} (${c.source})`),
      install: APT_INSTALL,
    };
  }
  const coreCandidates: Candidate[] = [];
  const envCore = input.env[`NX_FASTLED_${board.toUpperCase()}_CORE`];
  if (envCore) coreCandidates.push({ dir: envCore, source: `NX_FASTLED_${board.toUpperCase()}_CORE` });
  if (input.corePath) coreCandidates.push({ dir: input.corePath, source: 'plugin option toolchains.core' });
  const prefix = path.dirname(bin.dir);
  coreCandidates.push({ dir: path.join(prefix, 'share/arduino/hardware/arduino/avr'), source: `${bin.source} prefix` });
  coreCandidates.push({ dir: '/usr/share/arduino/hardware/arduino/avr', source: 'Debian arduino-core-avr' });
  for (const d of versionedDirs(path.join(input.homeDir, '.arduino15/packages/arduino/hardware/avr'), '').reverse()) {
    coreCandidates.push({ dir: d, source: 'Arduino IDE/CLI (~/.arduino15)' });
  }
  coreCandidates.push({ dir: path.join(input.homeDir, '.platformio/packages/framework-arduino-avr'), source: 'PlatformIO' });
  const explicitCore = envCore || input.corePath ? coreCandidates.slice(0, 1) : coreCandidates;
  const core = explicitCore.find((c) => fs.existsSync(path.join(c.dir, 'platform.txt')) && fs.existsSync(path.join(c.dir, 'boards.txt')));
  if (!core) {
    return {
      ok: false,
      board,
      missing: 'the Arduino AVR core (a folder with platform.txt, boards.txt, cores/arduino)',
      searched: explicitCore.map((c) => `${c.dir} (${c.source})`),
      install: APT_INSTALL,
    };
  }
  return {
    ok: true,
    board,
    binDir: fs.realpathSync(bin.dir),
    coreDir: fs.realpathSync(core.dir),
    sources: [`compiler: ${bin.source}`, `core: ${core.source}`],
  };
}

/** Flags that would put the machine's state into outputs or leave files Nx does not know about. */
const DROPPED_FLAGS = new Set(['-g', '-MMD']);

function avrRecipe(boardKey: string, located: Located, probe: CompilerProbe): BoardRecipe {
  const platformFile = path.join(located.coreDir, 'platform.txt');
  const boardsFile = path.join(located.coreDir, 'boards.txt');
  const props: Properties = readProperties(platformFile);
  const boards = readProperties(boardsFile);
  const prefix = `${boardKey}.`;
  let found = false;
  for (const [k, v] of boards) {
    if (k.startsWith(prefix)) {
      props.set(k.slice(prefix.length), v);
      found = true;
    }
  }
  if (!found) throw new Error(`${boardsFile}: no board "${boardKey}"`);
  props.set('runtime.ide.version', ARDUINO_IDE_VERSION);
  props.set('build.arch', 'AVR');
  props.set('compiler.path', '');

  const pattern = (key: string) => {
    const v = props.get(key);
    if (!v) throw new Error(`${platformFile}: no "${key}"`);
    return splitArgs(expand(v, props));
  };
  const compileFlags = (key: string) =>
    pattern(key)
      .slice(1)
      .filter((a) => !DROPPED_FLAGS.has(a) && !a.includes('{') && a !== '-o' && a !== '');
  const compiler = (key: string) => pattern(key)[0];

  const core = props.get('build.core') ?? 'arduino';
  const variant = props.get('build.variant') ?? 'standard';
  const coreSources = [`cores/${core}`, `variants/${variant}`].flatMap((dir) =>
    listSources(located.coreDir, dir),
  );
  const combine = pattern('recipe.c.combine.pattern');
  const oIndex = combine.indexOf('-o');
  const linkFlags = combine.slice(1, oIndex).filter((a) => !DROPPED_FLAGS.has(a));
  const linkLibs = combine.slice(oIndex).filter((a) => /^-l/.test(a));
  const ar = pattern('recipe.ar.pattern');

  const cxx = path.join(located.binDir, compiler('recipe.cpp.o.pattern'));
  const facts = gccFacts(cxx, probe);
  const maxSize = Number(props.get('upload.maximum_size'));
  const maxData = Number(props.get('upload.maximum_data_size'));
  return {
    compileFlags: {
      c: compileFlags('recipe.c.o.pattern'),
      cpp: compileFlags('recipe.cpp.o.pattern'),
      S: compileFlags('recipe.S.o.pattern'),
    },
    coreFileFlags: {
      cpp: [{ value: '-DDECIMAL_DIG=__DECIMAL_DIG__', why: "Debian's core 1.8.7 uses DECIMAL_DIG in WString.cpp; gcc 5's <float.h> defines it for C only" }],
    },
    flagOrigin: {
      c: `${boardKey}: platform.txt recipe.c.o.pattern (-g, -MMD dropped)`,
      cpp: `${boardKey}: platform.txt recipe.cpp.o.pattern (-g, -MMD dropped)`,
      S: `${boardKey}: platform.txt recipe.S.o.pattern (-g, -MMD dropped)`,
      link: `${boardKey}: platform.txt recipe.c.combine.pattern (-g dropped)`,
    },
    coreIncludeDirs: [
      { root: 'core', rel: `cores/${core}` },
      { root: 'core', rel: `variants/${variant}` },
    ],
    coreSources,
    compiler: {
      c: compiler('recipe.c.o.pattern'),
      cpp: compiler('recipe.cpp.o.pattern'),
      S: compiler('recipe.S.o.pattern'),
    },
    // `D`: zero timestamps, uids and modes, so archives are byte-stable.
    archiver: [ar[0], `${ar.find((a, i) => i > 0 && /^[a-z]+$/.test(a)) ?? 'rcs'}D`],
    linker: combine[0],
    linkFlags,
    linkLibs,
    wholeArchive: true,
    objcopy: splitArgs(expand(props.get('recipe.objcopy.hex.pattern') ?? 'avr-objcopy', props))[0],
    size: splitArgs(expand(props.get('recipe.size.pattern') ?? 'avr-size', props))[0],
    objcopyHex: pattern('recipe.objcopy.hex.pattern').slice(1).filter((a) => !a.includes('{')),
    objcopyEep: pattern('recipe.objcopy.eep.pattern').slice(1).filter((a) => !a.includes('{')),
    limits: Number.isFinite(maxSize) && Number.isFinite(maxData) ? { flash: maxSize, ram: maxData } : undefined,
    identityRoots: [
      ...gccIdentityRoots(located.binDir, PROGRAMS, facts),
      { label: `core/cores/${core}`, path: path.join(located.coreDir, 'cores', core) },
      { label: `core/variants/${variant}`, path: path.join(located.coreDir, 'variants', variant) },
      { label: 'core/platform.txt', path: platformFile },
      { label: 'core/boards.txt', path: boardsFile },
    ],
    systemIncludeDirs: facts.systemIncludeDirs,
    version: facts.version,
  };
}

export function listSources(root: string, dir: string): { rel: string; language: Language }[] {
  const out: { rel: string; language: Language }[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (/\.(c|cpp|S)$/.test(e.name)) out.push({ rel: r, language: languageOf(e.name) });
    }
  };
  walk(dir);
  return out;
}

export function languageOf(file: string): Language {
  if (file.endsWith('.S')) return 'S';
  if (file.endsWith('.c')) return 'c';
  return 'cpp';
}
