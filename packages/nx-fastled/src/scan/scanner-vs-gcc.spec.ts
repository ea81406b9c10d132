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
