// whyRan and the command split without Nx or a compiler: each reason kind from two records that differ in
// exactly that input.
import { flagChanges, reasonLines, splitCommand, TaskInputs, whyRan } from './inputs';

const ID = 'a'.repeat(64);
const ID2 = 'b'.repeat(64);

function inputs(over: Partial<TaskInputs> = {}): TaskInputs {
  return {
    hash: '1',
    files: { 'lib/src/A.cpp': '10', 'lib/src/A.h': '11', 'nx.json': '12' },
    deps: {},
    ...splitCommand(`x toolchain=${ID} && "$NXF_UNO_${ID.slice(0, 12)}_BIN"/avr-g++ -c -Os -DX=1 lib/src/A.cpp`),
    other: { ProjectConfiguration: '5', 'env:NX_CLOUD_ENCRYPTION_KEY': '6' },
    ...over,
  };
}

describe('whyRan', () => {
  it('no record: new; same hash: not cached', () => {
    expect(whyRan(undefined, inputs())).toEqual([{ kind: 'new', subject: 'first run of this task recorded here' }]);
    expect(whyRan(inputs(), inputs())[0].kind).toBe('not-cached');
  });

  it('a source and a header by path, files newly read or no longer read', () => {
    const before = inputs();
    const after = inputs({
      hash: '2',
      files: { ...before.files, 'lib/src/A.cpp': '20', 'lib/src/B.h': '30' },
      other: { ...before.other, ProjectConfiguration: '7' },
    });
    expect(whyRan(before, after)).toEqual([
      { kind: 'source', subject: 'lib/src/A.cpp' },
      { kind: 'header', subject: 'lib/src/B.h (now read)' },
    ]);
    const gone = inputs({ hash: '3', files: { 'lib/src/A.cpp': '10', 'nx.json': '12' } });
    expect(whyRan(before, gone)).toEqual([{ kind: 'header', subject: 'lib/src/A.h (no longer read)' }]);
  });

  it('a flag by value, the toolchain identity alone when only the toolchain moved', () => {
    const flag = inputs({
      hash: '2',
      ...splitCommand(`x toolchain=${ID} && "$NXF_UNO_${ID.slice(0, 12)}_BIN"/avr-g++ -c -O2 -DX=1 lib/src/A.cpp`),
    });
    expect(whyRan(inputs(), flag)).toEqual([{ kind: 'flag', subject: '-Os -> -O2' }]);
    const tc = inputs({
      hash: '2',
      ...splitCommand(`x toolchain=${ID2} && "$NXF_UNO_${ID2.slice(0, 12)}_BIN"/avr-g++ -c -Os -DX=1 lib/src/A.cpp`),
    });
    expect(whyRan(inputs(), tc)).toEqual([{ kind: 'toolchain', subject: 'aaaaaaaaaaaa -> bbbbbbbbbbbb' }]);
  });

  it("nx-fastled's task code by its digest; another input file (a precompiled archive) by path", () => {
    const cmd = (tool: string) => `x toolchain=${ID} && NXF_TOOL=${tool} node bin/nx-fastled-task.cjs link -- lib/src/A.cpp`;
    const tool = whyRan(inputs(splitCommand(cmd('66cb139db1b1f4b0'))), inputs({ hash: '2', ...splitCommand(cmd('0123456789abcdef')) }));
    expect(tool).toEqual([{ kind: 'tool', subject: '66cb139db1b1 -> 0123456789ab' }]);
    const lib = 'lib/src/atmega328p/libprecomp.a';
    const file = whyRan(
      inputs({ files: { ...inputs().files, [lib]: '1' } }),
      inputs({ hash: '2', files: { ...inputs().files, [lib]: '2' } }),
    );
    expect(file).toEqual([{ kind: 'file', subject: lib }]);
  });

  it("a dependency's output by file; Nx configuration files and other hash parts as config", () => {
    const before = inputs({ deps: { 'dist/uno/a/liba.a': '1', 'dist/uno/core/libcore.a': '2' } });
    const after = inputs({ hash: '2', deps: { 'dist/uno/a/liba.a': '3', 'dist/uno/core/libcore.a': '2' } });
    expect(whyRan(before, after)).toEqual([{ kind: 'dependency', subject: 'dist/uno/a/liba.a' }]);
    const nx = inputs({ hash: '2', files: { ...inputs().files, 'nx.json': '99' } });
    expect(whyRan(inputs(), nx)).toEqual([{ kind: 'config', subject: 'nx.json' }]);
    const env = inputs({ hash: '2', other: { ...inputs().other, 'env:NX_CLOUD_ENCRYPTION_KEY': '0' } });
    expect(whyRan(inputs(), env)).toEqual([{ kind: 'config', subject: 'env:NX_CLOUD_ENCRYPTION_KEY' }]);
  });

  it('caps the subjects per kind', () => {
    const files = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`h${i}.h`, `${i}`]));
    const r = whyRan(inputs({ files }), inputs({ hash: '2', files: Object.fromEntries(Object.keys(files).map((f) => [f, 'x'])) }));
    expect(r.map((x) => x.subject)).toEqual(['h0.h', 'h1.h', 'h2.h', 'h3.h', 'and more']);
  });
});

describe('flagChanges and reasonLines', () => {
  it('pairs one replacement, lists several', () => {
    expect(flagChanges('a -O1 b', 'a -O2 b')).toEqual(['-O1 -> -O2']);
    expect(flagChanges('a b', 'a b -DX -DY')).toEqual(['+-DX', '+-DY']);
  });

  it('one line per kind with the most frequent subjects', () => {
    expect(
      reasonLines({
        t1: [{ kind: 'header', subject: 'a.h' }],
        t2: [
          { kind: 'header', subject: 'a.h' },
          { kind: 'flag', subject: '+-DX' },
        ],
        t3: [{ kind: 'new', subject: 'first run of this task recorded here' }],
      }),
    ).toEqual([
      'nx-fastled: ran 2 tasks, header changed: a.h (2)',
      'nx-fastled: ran 1 task, flags changed: +-DX (1)',
      'nx-fastled: ran 1 task, no earlier run recorded',
    ]);
  });
});
