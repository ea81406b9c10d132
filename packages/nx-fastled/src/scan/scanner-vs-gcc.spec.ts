// The scanner's promise, checked against the real compiler: every workspace file `g++ -M` / `gcc -M` reads
// for a translation unit is in the scanner's closure (a file, or under one of its fallback globs). A miss
// would be a stale cache hit. The fixture (test/fixtures/scan/gcc-check) has computed includes, conditional
// includes, `__has_include`, an include cycle and a deep chain; tools/scan/validate-fastled.ts runs the same
// comparison on FastLED.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import micromatch from 'micromatch';
import { parseDepfile } from './depfile';
import { IncludeScanner } from './include-scanner';

const ROOT = path.resolve(__dirname, '../../test/fixtures/scan/gcc-check');
const INCLUDE_DIRS = ['inc'];

function run(driver: string, args: string[]): string {
  const r = spawnSync(driver, args, { cwd: ROOT, encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${driver} ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

/** Workspace files the compiler read, workspace-relative. */
function compilerReads(driver: string, tu: string): string[] {
  const deps = parseDepfile(run(driver, ['-M', ...INCLUDE_DIRS.map((d) => `-I${d}`), tu]));
  return deps.filter((f) => !path.isAbsolute(f)).map((f) => path.posix.normalize(f));
}

/** The compiler's own search path (absolute), for the scanner's system dirs. */
function systemDirs(driver: string, language: string): string[] {
  const r = spawnSync(driver, ['-x', language, '-E', '-v', '-'], { input: '', encoding: 'utf8' });
  const lines = r.stderr.split('\n');
  const start = lines.findIndex((l) => l.startsWith('#include <...> search starts here:'));
  const end = lines.findIndex((l) => l.startsWith('End of search list.'));
  return lines.slice(start + 1, end).map((l) => l.trim());
}

describe.each([
  ['g++', 'c++', 'src/main.cpp'],
  ['gcc', 'c', 'src/other.c'],
])('the include closure vs %s -M', (driver, language, tu) => {
  const predefined = run(driver, ['-dM', '-E', '-x', language, '/dev/null']);
  const scanner = new IncludeScanner({ workspaceRoot: ROOT });

  it(`never misses a file ${driver} reads for ${tu}`, () => {
    const read = compilerReads(driver, tu);
    const closure = scanner.closure(tu, INCLUDE_DIRS, systemDirs(driver, language), [], { predefined });
    const missed = read.filter((f) => !closure.files.includes(f) && !micromatch.isMatch(f, closure.globs));
    expect(missed).toEqual([]);
    // the fixture exercises what it should: deep chain, cycle, computed includes were all read
    expect(read.length).toBeGreaterThan(8);
  });

  it(`expands the computed includes of ${tu} exactly, without falling back to globs`, () => {
    const closure = scanner.closure(tu, INCLUDE_DIRS, systemDirs(driver, language), [], { predefined });
    expect(closure.globs).toEqual([]);
    // over-approximation stays small: only headers reachable by some branch
    expect(closure.files.filter((f) => f.includes('boards/boardy') || f.includes('platforms/avr'))).toEqual([]);
  });
});

// Boards share closures (IncludeScanner's memo): a closure computed for one board's predefined macros is
// reused for another board only when every predefined macro its walk looked up is defined the same way.
// The fixture (test/fixtures/scan/boards) tests FAKE_BOARD_ONE/TWO only in an #if around a plain include
// (followed in every branch, so the closure does not depend on it), BOARD_HEADER in a computed include (it
// does) and EXTRA_HEADER only where it is defined (a name looked up and absent must not match a board that
// defines it). Each shared closure must equal a fresh scanner's and hold everything g++ -M reads.
describe('closures shared between boards (fake boards, g++)', () => {
  const root = path.resolve(__dirname, '../../test/fixtures/scan/boards');
  const boards: Record<string, string[]> = {
    one: ['-DFAKE_BOARD_ONE', '-DBOARD_HEADER="a.h"'],
    two: ['-DFAKE_BOARD_TWO', '-DBOARD_HEADER="a.h"'],
    other: ['-DFAKE_BOARD_TWO', '-DBOARD_HEADER="b.h"'],
    extra: ['-DFAKE_BOARD_TWO', '-DBOARD_HEADER="a.h"', '-DEXTRA_HEADER="extra.h"'],
  };
  const gcc = (args: string[]) => {
    const r = spawnSync('g++', args, { cwd: root, encoding: 'utf8' });
    if (r.error || r.status !== 0) throw new Error(`g++ ${args.join(' ')}: ${r.error?.message ?? r.stderr}`);
    return r.stdout;
  };
  const system = systemDirs('g++', 'c++');
  const shared = new IncludeScanner({ workspaceRoot: root });
  const closures = Object.entries(boards).map(([board, flags]) => {
    const predefined = gcc(['-dM', '-E', ...flags, '-x', 'c++', '/dev/null']);
    const hitsBefore = shared.closureMemoHits;
    const closure = shared.closure('main.cpp', ['.'], system, [], { predefined });
    return {
      board,
      closure,
      reused: shared.closureMemoHits > hitsBefore,
      fresh: new IncludeScanner({ workspaceRoot: root }).closure('main.cpp', ['.'], system, [], { predefined }),
      reads: parseDepfile(gcc(['-M', ...flags, 'main.cpp'])).filter((f) => !path.isAbsolute(f)),
    };
  });

  it('reuses a closure only across a macro the walk never looked up', () => {
    expect(closures.map((c) => [c.board, c.reused])).toEqual([
      ['one', false],
      ['two', true], // differs from one only in FAKE_BOARD_ONE/TWO, tested around a plain include
      ['other', false], // BOARD_HEADER names another header
      ['extra', false], // EXTRA_HEADER was looked up and absent for the others
    ]);
    expect(closures.map((c) => [c.board, c.closure.files])).toEqual([
      ['one', ['a.h', 'common.h', 'main.cpp', 'one.h']],
      ['two', ['a.h', 'common.h', 'main.cpp', 'one.h']],
      ['other', ['b.h', 'common.h', 'main.cpp', 'one.h']],
      ['extra', ['a.h', 'common.h', 'extra.h', 'main.cpp', 'one.h']],
    ]);
  });

  it.each(Object.keys(boards))('gives board %s the closure a scanner of its own gives, holding every file g++ reads', (board) => {
    const c = closures.find((x) => x.board === board)!;
    expect(c.closure.files).toEqual(c.fresh.files);
    expect(c.closure.expanded).toEqual(c.fresh.expanded);
    expect(c.closure.globs).toEqual([]);
    expect(c.reads.filter((f) => !c.closure.files.includes(f))).toEqual([]);
  });
});
