// Board `native`: the host's g++, so examples build (and run) on any Linux box. Arduino libraries get
// nx-fastled's small host core (`cores/native`: Arduino.h, a Serial that prints to stdout, a main() that runs
// setup() and a few loop()s). See docs/native-recipe.md for how the flags were chosen.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BoardDefinition, BoardRecipe, CompilerProbe, Located, LocateInput, Missing } from './types';
import { Candidate, firstBinDir, whichDir } from './locate';
import { gccFacts, gccIdentityRoots } from './gcc-probe';
import { listSources } from './sources';
import { FASTLED_BOARD_TRAITS } from '../filters';
import { FASTLED_STUB_CAPTURE } from '../sim/fastled-stub-capture';

const PROGRAMS = ['gcc', 'g++', 'gcc-ar'];

export function nativeBoard(): BoardDefinition {
  return {
    name: 'native',
    description: "the host's g++ with nx-fastled's host Arduino core (examples run as programs)",
    traits: FASTLED_BOARD_TRAITS.native,
    produces: ['elf'],
    locate: locateNative,
    recipe: nativeRecipe,
  };
}

function locateNative(input: LocateInput): Located | Missing {
  const candidates: Candidate[] = [];
  const envPrefix = input.env.NX_FASTLED_NATIVE_PREFIX;
  if (envPrefix) candidates.push({ dir: path.join(envPrefix, 'bin'), source: 'NX_FASTLED_NATIVE_PREFIX' });
  else if (input.prefix) candidates.push({ dir: path.join(input.prefix, 'bin'), source: 'plugin option toolchains.prefix' });
  else {
    const onPath = whichDir('g++', input.env.PATH ?? '');
    if (onPath) candidates.push({ dir: onPath, source: 'PATH' });
  }
  const bin = firstBinDir(candidates, PROGRAMS);
  const coreDir = input.corePath ?? path.join(input.pluginRoot, 'cores/native');
  if (!bin) {
    return {
      ok: false,
      board: 'native',
      missing: `the host C/C++ compiler (${PROGRAMS.join(', ')})`,
      searched: candidates.length ? candidates.map((c) => `${c.dir} (${c.source})`) : ['PATH'],
      install: 'sudo apt-get install -y g++',
    };
  }
  if (!fs.existsSync(path.join(coreDir, 'Arduino.h'))) {
    return {
      ok: false,
      board: 'native',
      missing: `nx-fastled's host Arduino core (${coreDir}/Arduino.h)`,
      searched: [coreDir],
      install: 'npm install nx-fastled (the package ships cores/native)',
    };
  }
  return {
    ok: true,
    board: 'native',
    binDir: fs.realpathSync(bin.dir),
    coreDir: fs.realpathSync(coreDir),
    sources: [`compiler: ${bin.source}`, 'core: nx-fastled cores/native'],
    ...(input.warnings ? { warnings: input.warnings } : {}),
  };
}

// Flags from docs/native-recipe.md, checked by hand: the uno's C++ dialect and Arduino defaults, -O1, no
// debug info (it records the working directory), no executable stack from empty .S objects.
const GENERIC_DEFINES = ['-DARDUINO=10819', '-DARDUINO_ARCH_NATIVE', '-DNX_FASTLED_NATIVE'];
const SECTIONS = ['-ffunction-sections', '-fdata-sections'];
const ASM = ['-c', '-g0', '-x', 'assembler-with-cpp', '-Wa,--noexecstack'];

// FastLED's own host build (its stub platform), as FastLED's CI compiles examples natively; gnu++17
// because gnu++11 leaves a static constexpr array without a definition and every link fails.
const FASTLED_STUB_DEFINES = [
  '-DSTUB_PLATFORM',
  '-DARDUINO=10808',
  '-DFASTLED_USE_STUB_ARDUINO',
  '-DFASTLED_STUB_IMPL',
  '-DFASTLED_USE_PROGMEM=0',
  '-DSKETCH_HAS_LARGE_MEMORY=1',
  '-DSKETCH_HAS_HUGE_MEMORY=1',
  '-DFASTLED_HAS_ENGINE_EVENTS=1',
  '-DFASTLED_STUB_MAIN_FAST_EXIT',
];

// The warning levels as Arduino's AVR platform.txt defines compiler.warning_flags.<level>.
const WARNING_FLAGS: Record<NonNullable<Located['warnings']>, string[]> = {
  none: ['-w'],
  default: [],
  more: ['-Wall'],
  all: ['-Wall', '-Wextra'],
};

function nativeRecipe(located: Located, probe: CompilerProbe): BoardRecipe {
  const facts = gccFacts(path.join(located.binDir, 'g++'), probe);
  const warn = WARNING_FLAGS[located.warnings ?? 'none'];
  return {
    compileFlags: {
      c: ['-c', '-g0', '-O1', ...warn, '-std=gnu11', ...SECTIONS, ...GENERIC_DEFINES],
      cpp: [
        '-c',
        '-g0',
        '-O1',
        ...warn,
        '-std=gnu++11',
        '-fpermissive',
        '-fno-exceptions',
        '-fno-threadsafe-statics',
        ...SECTIONS,
        ...GENERIC_DEFINES,
      ],
      S: [...ASM, ...GENERIC_DEFINES],
    },
    coreFileFlags: {},
    flagOrigin: {
      c: 'native recipe (docs/native-recipe.md)',
      cpp: 'native recipe (docs/native-recipe.md)',
      S: 'native recipe (docs/native-recipe.md)',
      link: 'native recipe (docs/native-recipe.md)',
    },
    coreIncludeDirs: [{ root: 'core', rel: '.' }],
    coreSources: listSources(located.coreDir, '.').map((s) => ({ ...s, rel: s.rel.replace(/^\.\//, '') })),
    compiler: { c: 'gcc', cpp: 'g++', S: 'gcc' },
    archiver: ['gcc-ar', 'rcsD'],
    linker: 'g++',
    linkFlags: ['-Wl,--gc-sections'],
    linkLibs: ['-lm'],
    wholeArchive: true,
    libraryProfile: (lib) => {
      const src = `${lib.root}/src`;
      if (!lib.has(`${src}/platforms/stub_main.hpp`) || !lib.has(`${src}/platforms/stub/Arduino.h`)) return undefined;
      return {
        description: "the library's own stub platform (FastLED's host build)",
        compileFlags: {
          c: ['-c', '-g0', '-O1', ...warn, '-std=gnu11', ...SECTIONS, ...FASTLED_STUB_DEFINES],
          cpp: [
            '-c',
            '-g0',
            '-O1',
            ...warn,
            '-std=gnu++17',
            '-fno-exceptions',
            '-fno-rtti',
            '-fno-strict-aliasing',
            ...SECTIONS,
            ...FASTLED_STUB_DEFINES,
          ],
          S: [...ASM, ...FASTLED_STUB_DEFINES],
        },
        includeDirs: [`${src}/platforms/stub`],
        // Then the frame capture `nx-fastled-task test` reads (inert unless NX_FASTLED_LED_FRAMES is set).
        sketchAppend: ['#include "platforms/stub_main.hpp"', ...FASTLED_STUB_CAPTURE],
        // FastLED's CI compiles every .cpp below an example folder (ci/meson/discover_example_sources.py).
        sketchSources: 'all',
        linkFlags: ['-Wl,--gc-sections', '-Wl,--allow-multiple-definition'],
        linkLibs: ['-pthread'],
      };
    },
    identityRoots: [...gccIdentityRoots(located.binDir, PROGRAMS, facts), { label: 'core', path: located.coreDir }],
    systemIncludeDirs: facts.systemIncludeDirs,
    version: facts.version,
  };
}
