// Exact closures over the small trees in test/fixtures/scan/ (each tree is its own workspace root).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { IncludeScanner, type ScanOptions } from './include-scanner';

const FIXTURES = path.resolve(__dirname, '../../test/fixtures/scan');

function closure(
  tree: string,
  tu: string,
  includeDirs: string[],
  systemDirs: string[] = [],
  opts: Partial<ScanOptions> = {},
  predefined?: string,
  forced: string[] = [],
) {
  const root = path.join(FIXTURES, tree);
  const scanner = new IncludeScanner({ workspaceRoot: root, ...opts });
  return scanner.closure(
    tu,
    includeDirs,
    systemDirs.map((d) => path.join(root, d)),
    forced,
    { predefined },
  );
}

describe('IncludeScanner on fixtures', () => {
  it('resolves quoted includes from the file dir, angle includes only on the path, and later include dirs', () => {
    const c = closure('resolution', 'src/main.cpp', ['inc1', 'inc2'], ['sys']);
    // every existing candidate counts (inc2/angle.h is shadowed for gcc but kept on purpose)
    expect(c.files).toEqual([
      'inc1/angle.h',
      'inc2/angle.h',
      'inc2/later.h',
      'inc2/sub/deep.h',
      'src/local.h',
      'src/main.cpp',
      'sys/sys.h',
    ]);
    expect(c.globs).toEqual([]);
    expect(c.unresolved).toEqual([{ file: 'src/main.cpp', line: 5, spec: 'nowhere.h' }]);
    // creating any of these would change what is read
    expect(c.absent).toContain('src/later.h');
    expect(c.absent).toContain('inc1/later.h');
    expect(c.absent).toContain('inc1/sub');
  });

  it("in 'first' mode keeps only gcc's first match", () => {
    const c = closure('resolution', 'src/main.cpp', ['inc1', 'inc2'], ['sys'], { resolution: 'first' });
    expect(c.files).toEqual(['inc1/angle.h', 'inc2/later.h', 'inc2/sub/deep.h', 'src/local.h', 'src/main.cpp', 'sys/sys.h']);
    expect(c.absent).toEqual([
      'inc1/later.h',
      'inc1/nowhere.h',
      'inc1/sys.h',
      'inc2/nowhere.h',
      'inc2/sys.h',
      'src/later.h',
      'src/nowhere.h',
      'sys/nowhere.h',
    ]);
  });

  it('follows #include_next to the next directory', () => {
    for (const resolution of ['all', 'first'] as const) {
      const c = closure('next', 'src/main.cpp', ['wrap', 'real'], [], { resolution });
      expect(c.files).toEqual(['real/limits.h', 'src/main.cpp', 'wrap/limits.h']);
    }
  });

  it('counts __has_include, __has_include_next and macros forwarding to __has_include', () => {
    const c = closure('probe', 'src/main.cpp', ['inc']);
    expect(c.files).toEqual([
      'inc/angle_probe.h',
      'inc/next_probe.h',
      'inc/via_macro.h',
      'src/has_include.h',
      'src/main.cpp',
      'src/present.h',
    ]);
    // a probe that misses is not an error, but the file appearing matters
    expect(c.unresolved).toEqual([]);
    expect(c.absent).toEqual(expect.arrayContaining(['inc/absent_probe.h', 'src/absent_probe.h']));
  });

  it("expands a macro include with the closure's own #define instead of falling back to globs", () => {
    const c = closure('macro', 'lib/src/main.cpp', ['inc', 'lib/src'], [], {}, '');
    expect(c.files).toEqual(['lib/src/config.h', 'lib/src/main.cpp', 'shared/escape.h']);
    expect(c.globs).toEqual([]);
    expect(c.computed).toEqual([]);
    expect(c.expanded).toEqual([{ file: 'lib/src/main.cpp', line: 2, text: 'CONFIG', headers: ['"config.h"'] }]);
  });

  it('falls back to globs when a name has no definition and the predefined macros are unknown', () => {
    const c = closure('expand/cmdline', 'main.cpp', ['.']);
    expect(c.globs).toEqual(['**/*']);
    expect(c.files).toEqual(['main.cpp']);
    expect(c.computed).toEqual([
      { file: 'main.cpp', line: 1, text: 'BOARD_HEADER', reason: expect.stringMatching(/BOARD_HEADER.*predefined macros are unknown/) },
    ]);
    const without = closure('expand/cmdline', 'main.cpp', ['.'], [], { followGlobs: false });
    expect(without.globs).toEqual(['**/*']);
  });

  it('follows what globbed files include when falling back', () => {
    // config.h (under the globbed lib/src) includes a file outside every glob
    const c = closure('expand/glob', 'lib/src/main.cpp', ['inc', 'lib/src']);
    expect(c.globs).toEqual(['inc/**/*', 'lib/src/**/*']);
    expect(c.files).toEqual(['lib/src/main.cpp', 'shared/escape.h']);
    const without = closure('expand/glob', 'lib/src/main.cpp', ['inc', 'lib/src'], [], { followGlobs: false });
    expect(without.files).toEqual(['lib/src/main.cpp']);
    expect(without.globs).toEqual(c.globs);
  });
  it('terminates on cycles', () => {
    expect(closure('cycle', 'main.cpp', []).files).toEqual(['a.h', 'b.h', 'main.cpp']);
  });

  it('ignores includes in comments and literals, honours continuations, digraphs and #if 0 blocks', () => {
    const c = closure('traps', 'main.cpp', ['.']);
    expect(c.files).toEqual(['after_char.h', 'angle/with/slashes.h', 'continued.h', 'digraph.h', 'in_if0.h', 'main.cpp', 'spaced.h']);
  });

  it('scans a file that is not valid UTF-8 as latin1', () => {
    const c = closure('latin1', 'main.cpp', []);
    expect(c.files).toEqual(['main.cpp', 'ok.h']);
    expect(c.unresolved).toEqual([{ file: 'main.cpp', line: 4, spec: '\u00e9t\u00e9.h' }]);
  });

  it('resolves forced includes (-include) from the workspace root, then the path', () => {
    const root = path.join(FIXTURES, 'resolution');
    const scanner = new IncludeScanner({ workspaceRoot: root });
    const c = scanner.closure('src/local.h', ['inc2'], [], ['later.h']);
    expect(c.files).toEqual(['inc2/later.h', 'inc2/sub/deep.h', 'src/local.h']);
  });

  it('names the file when the TU does not exist', () => {
    expect(() => closure('cycle', 'nope.cpp', [])).toThrow(/nope\.cpp/);
  });

  it('persists parsed directives and answers a second scanner from the cache', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-spec-'));
    try {
      const cacheFile = path.join(dir, 'cache.json');
      const root = path.join(FIXTURES, 'probe');
      const cold = new IncludeScanner({ workspaceRoot: root, cacheFile });
      const a = cold.closure('src/main.cpp', ['inc'], []);
      cold.save();
      expect(cold.stats().parsed).toBeGreaterThan(0);
      expect(fs.readdirSync(dir)).toEqual(['cache.json']); // no temp file left behind
      const warm = new IncludeScanner({ workspaceRoot: root, cacheFile });
      expect(warm.closure('src/main.cpp', ['inc'], [])).toEqual(a);
      expect(warm.stats().parsed).toBe(0);
      // a corrupt cache costs a re-parse, never an error
      fs.writeFileSync(cacheFile, '{not json');
      const fresh = new IncludeScanner({ workspaceRoot: root, cacheFile });
      expect(fresh.closure('src/main.cpp', ['inc'], [])).toEqual(a);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys workspace files by the caller-supplied hash when there is one', () => {
    const root = path.join(FIXTURES, 'cycle');
    const seen: string[] = [];
    const scanner = new IncludeScanner({ workspaceRoot: root, fileHash: (p) => (seen.push(p), `h:${p}`) });
    scanner.closure('main.cpp', [], []);
    expect(seen.sort()).toEqual(['a.h', 'b.h', 'main.cpp']);
  });
});

describe('IncludeScanner: computed includes', () => {
  it('tries every definition of an object-like macro, in any #if branch', () => {
    const c = closure('expand/object', 'main.cpp', [], [], {}, '');
    expect(c.files).toEqual(['a.h', 'b.h', 'main.cpp']);
    expect(c.globs).toEqual([]);
    expect(c.expanded).toEqual([{ file: 'main.cpp', line: 7, text: 'CONFIG', headers: ['"a.h"', '"b.h"'] }]);
  });

  it('expands function-like macros: # stringification of an expanded argument, ## pasting inside <...>', () => {
    const c = closure('expand/stringify', 'main.cpp', ['inc'], [], {}, '');
    expect(c.files).toEqual(['board.h', 'inc/plat_avr.h', 'main.cpp']);
    // each name may also be undefined where the include is (gcc keeps the name): harmless extra specs
    expect(c.expanded.map((e) => e.headers)).toEqual([
      ['"NAME"', '"board.h"'],
      ['<CAT(plat, _avr).h>', '<plat_avr.h>'],
    ]);
    expect(c.globs).toEqual([]);
  });

  it('ignores an include of a macro that is defined nowhere (the compile would fail on it)', () => {
    const c = closure('expand/undefined', 'main.cpp', ['.'], [], {}, '#define __GNUC__ 5\n');
    expect(c.files).toEqual(['main.cpp', 'real.h']);
    expect(c.globs).toEqual([]);
    expect(c.computed).toEqual([]);
    expect(c.expanded).toEqual([{ file: 'main.cpp', line: 3, text: 'NEVER_DEFINED', headers: [] }]);
  });

  it('uses a definition that only the command line (-D) or the compiler provides', () => {
    const c = closure('expand/cmdline', 'main.cpp', ['.'], [], {}, '#define __GNUC__ 5\n#define BOARD_HEADER "board.h"\n');
    expect(c.files).toEqual(['board.h', 'main.cpp']);
    expect(c.globs).toEqual([]);
  });

  it('iterates to a fixpoint: a header found through a computed include defines the next one', () => {
    const c = closure('expand/fixpoint', 'main.cpp', ['.'], [], {}, '#define FIRST "first.h"\n');
    expect(c.files).toEqual(['first.h', 'main.cpp', 'second.h']);
    expect(c.expanded.map((e) => [e.text, e.headers])).toEqual([
      ['FIRST', ['"first.h"']],
      ['SECOND', ['"second.h"']],
    ]);
    expect(c.globs).toEqual([]);
  });

  it('gives a sketch folder appended to a path the same closure as a path of its own', () => {
    // the second call shares the graph of the first path and adds the small folder on top
    const root = path.join(FIXTURES, 'resolution');
    const shared = new IncludeScanner({ workspaceRoot: root });
    shared.closure('src/main.cpp', ['inc1'], []);
    const overlaid = shared.closure('src/main.cpp', ['inc1', 'inc2'], [path.join(root, 'sys')]);
    const alone = new IncludeScanner({ workspaceRoot: root }).closure('src/main.cpp', ['inc1', 'inc2'], [path.join(root, 'sys')]);
    expect(overlaid.files).toEqual(alone.files);
    expect(overlaid.absent).toEqual(alone.absent);
    expect(overlaid.unresolved).toEqual(alone.unresolved);
  });
});
