// A resolved board that needs no compiler: a recipe shaped like an AVR one, a toolchain and core "located" at
// paths that do not exist, a fixed identity. For graph-shape tests that run createNodes in seconds.
import { createHash } from 'node:crypto';
import type { ResolvedBoard, UnresolvedBoard } from '../../src/toolchain/identity';
import type { BoardDefinition, BoardRecipe, BoardTraits, Located } from '../../src/toolchain/types';

export function fakeRecipe(overrides: Partial<BoardRecipe> = {}): BoardRecipe {
  return {
    compileFlags: {
      c: ['-c', '-Os', '-std=gnu11', '-mmcu=atfake', '-DF_CPU=16000000L'],
      cpp: ['-c', '-Os', '-std=gnu++11', '-fno-exceptions', '-mmcu=atfake', '-DF_CPU=16000000L'],
      S: ['-c', '-x', 'assembler-with-cpp', '-mmcu=atfake'],
    },
    coreFileFlags: { cpp: [{ value: '-DFAKE_CORE_FIX', why: 'a fake core workaround' }] },
    flagOrigin: {
      c: 'fake: recipe.c.o.pattern',
      cpp: 'fake: recipe.cpp.o.pattern',
      S: 'fake: recipe.S.o.pattern',
      link: 'fake: recipe.c.combine.pattern',
    },
    coreIncludeDirs: [
      { root: 'core', rel: 'cores/fake' },
      { root: 'core', rel: 'variants/standard' },
    ],
    coreSources: [
      { rel: 'cores/fake/main.cpp', language: 'cpp' },
      { rel: 'cores/fake/wiring.c', language: 'c' },
      { rel: 'cores/fake/isr.S', language: 'S' },
    ],
    compiler: { c: 'fake-gcc', cpp: 'fake-g++', S: 'fake-gcc' },
    archiver: ['fake-gcc-ar', 'rcsD'],
    linker: 'fake-gcc',
    linkFlags: ['-Os', '-Wl,--gc-sections', '-mmcu=atfake'],
    linkLibs: ['-lm'],
    wholeArchive: true,
    objcopy: 'fake-objcopy',
    objcopyHex: ['-O', 'ihex', '-R', '.eeprom'],
    objcopyEep: ['-O', 'ihex', '-j', '.eeprom'],
    size: 'fake-size',
    limits: { flash: 32256, ram: 2048 },
    identityRoots: [],
    systemIncludeDirs: [],
    version: '0.0.0-fake',
    ...overrides,
  };
}

export function fakeBoard(name = 'fake', traits: Partial<BoardTraits> = {}, recipe: Partial<BoardRecipe> = {}): ResolvedBoard {
  const located: Located = { ok: true, board: name, binDir: '/nonexistent/fake/bin', coreDir: '/nonexistent/fake/core', sources: ['fake'] };
  const r = fakeRecipe(recipe);
  const board: BoardDefinition = {
    name,
    description: `fake board ${name}`,
    traits: { board: name, platform: 'atmelavr', family: 'avr', target: 'ATFAKE', memory: 'low', ...traits },
    produces: ['elf', 'hex', 'eep'],
    locate: () => located,
    recipe: () => r,
  };
  return { ok: true, board, located, recipe: r, identity: createHash('sha256').update(name).digest('hex'), identityFiles: 0 };
}

export function missingBoard(name: string): UnresolvedBoard {
  const board = fakeBoard(name).board;
  return {
    ok: false,
    board,
    missing: { ok: false, board: name, missing: 'the fake compiler', searched: ['/nonexistent'], install: 'nothing to install' },
  };
}
