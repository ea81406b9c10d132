// Tests of sketchToCpp over the fixture sketches: exact output for a few, and for all of them that the host
// g++ accepts the result (and rejects the same text without prototypes), with diagnostics on .ino lines.

import { spawnSync } from 'child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join, relative } from 'path';
import { sketchToCpp, SketchError } from './index';

const WS = join(__dirname, '../../../..');
const FIXTURES = join(WS, 'packages/nx-fastled/test/fixtures/sketches');
const rel = (p: string) => relative(WS, p).split('\\').join('/');

/** The sketch's files as the library module lists them: main .ino first, the rest sorted. */
function sketch(name: string): { path: string; text: string }[] {
  const dir = join(FIXTURES, name);
  const others = readdirSync(dir)
    .filter((f) => f.endsWith('.ino') && f !== `${name}.ino`)
    .sort();
  return [`${name}.ino`, ...others].map((f) => ({ path: rel(join(dir, f)), text: readFileSync(join(dir, f), 'utf8') }));
}

const hasGpp = spawnSync('g++', ['--version']).status === 0;
const gppIt = hasGpp ? it : it.skip;

/** g++ -fsyntax-only from the workspace root, as tasks run; returns status and stderr. */
function syntaxCheck(cpp: string): { ok: boolean; stderr: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'nxf-sketch-')), 'sketch.ino.cpp');
  writeFileSync(file, cpp);
  const r = spawnSync('g++', ['-fsyntax-only', '-x', 'c++', '-I', rel(FIXTURES), file], { cwd: WS, encoding: 'utf8' });
  return { ok: r.status === 0, stderr: r.stderr };
}

/** What the compiler would see with no prototype pass: the plain merge. */
function withoutPrototypes(files: { path: string; text: string }[]): string {
  return '#include <Arduino.h>\n' + files.map((f) => `#line 1 "${f.path}"\n${f.text}`).join('');
}

const ALL = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
// Sketches that only compile thanks to the generated prototypes.
const NEED_PROTOTYPES = ['CallLater', 'IfBlock', 'MultiFile', 'PointerReturn', 'StructMethod', 'Tricky', 'DefaultArgs'];

describe('sketchToCpp: exact output', () => {
  it('inserts prototypes before the first function, with #line before and after', () => {
    const p = 'packages/nx-fastled/test/fixtures/sketches/CallLater/CallLater.ino';
    expect(sketchToCpp(sketch('CallLater'))).toBe(
      `#include <Arduino.h>\n#line 1 "${p}"\n` +
        '// setup() and loop() call functions defined further down: only a prototype makes that legal C++.\n' +
        'int counter = 0;\n\n' +
        `#line 4 "${p}"\nvoid setup();\n` +
        `#line 9 "${p}"\nvoid loop();\n` +
        `#line 13 "${p}"\nint twice(int x);\n` +
        `#line 17 "${p}"\nvoid blink(int times);\n` +
        `#line 4 "${p}"\n` +
        readFileSync(join(FIXTURES, 'CallLater/CallLater.ino'), 'utf8').split('\n').slice(3).join('\n'),
    );
  });

  it('wraps prototypes of conditional definitions in their #if chain', () => {
    const p = 'packages/nx-fastled/test/fixtures/sketches/IfBlock/IfBlock.ino';
    const out = sketchToCpp(sketch('IfBlock'));
    expect(out).toContain(
      `#line 5 "${p}"\nvoid setup();\n#line 9 "${p}"\nvoid loop();\n` +
        `#if FAST_MODE\n#line 12 "${p}"\nvoid run(int n);\n#endif\n` +
        `#if FAST_MODE\n#else\n#line 16 "${p}"\nvoid run(long n);\n#endif\n` +
        `#line 5 "${p}"\nvoid setup() {\n`,
    );
  });

  it('gives prototypes for every file of a multi-file sketch, in the main file', () => {
    const out = sketchToCpp(sketch('MultiFile'));
    const d = 'packages/nx-fastled/test/fixtures/sketches/MultiFile';
    expect(out).toBe(
      `#include <Arduino.h>\n#line 1 "${d}/MultiFile.ino"\n` +
        '// The main file calls helpers that live in the other .ino files of the sketch.\n' +
        `#line 2 "${d}/MultiFile.ino"\nvoid setup();\n#line 6 "${d}/MultiFile.ino"\nvoid loop();\n` +
        `#line 2 "${d}/helpers.ino"\nvoid configure(int pin);\n#line 6 "${d}/helpers.ino"\nvoid step();\n` +
        `#line 2 "${d}/zlevel.ino"\nuint8_t level();\n` +
        `#line 2 "${d}/MultiFile.ino"\n` +
        'void setup() {\n  configure(LED_BUILTIN);\n}\n\nvoid loop() {\n  step();\n}\n' +
        `#line 1 "${d}/helpers.ino"\n${readFileSync(join(FIXTURES, 'MultiFile/helpers.ino'), 'utf8')}` +
        `#line 1 "${d}/zlevel.ino"\n${readFileSync(join(FIXTURES, 'MultiFile/zlevel.ino'), 'utf8')}`,
    );
  });

  it('adds nothing to a prototype-clean sketch but setup/loop (the builder declares those too)', () => {
    const out = sketchToCpp(sketch('Clean'));
    expect(out.match(/^void blinkOnce\(int pin\);$/gm)).toHaveLength(1);
    expect(out).toMatch(/^void setup\(\);$/m);
  });

  it('leaves out default-argument functions, members, and types declared later', () => {
    expect(sketchToCpp(sketch('DefaultArgs'))).not.toMatch(/^void pulse\(.*\);$/m);
    expect(sketchToCpp(sketch('DefaultArgs'))).toMatch(/^void later\(\);$/m);
    const members = sketchToCpp(sketch('StructMethod'));
    expect(members).not.toMatch(/^void (on|off)\(\);$/m);
    expect(members).toMatch(/^void toggle\(Led &l\);$/m);
    expect(sketchToCpp(sketch('LateType'))).not.toMatch(/manhattan\(Point p\);/);
  });

  it('keeps static, templates, multi-line and pointer/reference signatures; ignores braces in text', () => {
    const t = sketchToCpp(sketch('Tricky'));
    expect(t).toMatch(/^static void show\(const char \*text \);$/m);
    expect(t).toMatch(/^unsigned long wait\(void\);$/m);
    expect(t).toMatch(/^template <typename T> T biggest\(T a, T b\);$/m);
    expect(t).not.toMatch(/^void fake\(\);$/m);
    const p = sketchToCpp(sketch('PointerReturn'));
    expect(p).toMatch(/^int \*slotAt\(unsigned int i\);$/m);
    expect(p).toMatch(/^unsigned long &total\(\);$/m);
    expect(p).toMatch(/^#line 21 ".*PointerReturn.ino"\nconst char \* describe\(const int index\);$/m);
  });

  it('does not add #include <Arduino.h> when the main file includes it (as the builder)', () => {
    const out = sketchToCpp([{ path: 'a/a.ino', text: '#include <Arduino.h>\nvoid setup() {}\nvoid loop() {}\n' }]);
    expect(out.startsWith('#line 1 "a/a.ino"\n#include <Arduino.h>\n')).toBe(true);
  });

  it('is deterministic', () => {
    for (const name of ALL) expect(sketchToCpp(sketch(name))).toBe(sketchToCpp(sketch(name)));
  });
});

describe('sketchToCpp: input handling', () => {
  it('strips a UTF-8 BOM and turns CRLF into LF', () => {
    const out = sketchToCpp([{ path: 's/s.ino', text: '\uFEFFvoid setup() {\r\n}\r\nvoid loop() {}\r\n' }]);
    expect(out).toBe(
      '#include <Arduino.h>\n#line 1 "s/s.ino"\n#line 1 "s/s.ino"\nvoid setup();\n' +
        '#line 3 "s/s.ino"\nvoid loop();\n#line 1 "s/s.ino"\nvoid setup() {\n}\nvoid loop() {}\n',
    );
  });

  it('rejects bytes that are not UTF-8 with the file and line', () => {
    const bytes = Buffer.concat([Buffer.from('void setup() {}\n// caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    let err: unknown;
    try {
      sketchToCpp([{ path: 's/s.ino', text: new Uint8Array(bytes) }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SketchError);
    expect(err).toMatchObject({ file: 's/s.ino', line: 2 });
    expect((err as Error).message).toMatch(/^s\/s.ino:2: is not valid UTF-8 .*re-save the file as UTF-8/);
  });

  it('rejects text a lossy decoder produced (U+FFFD)', () => {
    expect(() => sketchToCpp([{ path: 's/s.ino', text: 'void setup() {}\n\n// caf\uFFFD\n' }])).toThrow(
      expect.objectContaining({ name: 'SketchError', file: 's/s.ino', line: 3 }),
    );
  });

  it('reports two setup() definitions with both files and lines', () => {
    const files = [
      { path: 'x/x.ino', text: 'void setup() {}\nvoid loop() {}\n' },
      { path: 'x/more.ino', text: '\n\nvoid setup() {\n}\n' },
    ];
    expect(() => sketchToCpp(files)).toThrow(SketchError);
    expect(() => sketchToCpp(files)).toThrow('x/more.ino:3: setup() is defined twice: at x/x.ino:1 and here; a sketch has one setup()');
  });

  it('allows setup() in both branches of an #if', () => {
    expect(() => sketchToCpp([{ path: 'y/y.ino', text: '#if A\nvoid setup() {}\n#else\nvoid setup() {}\n#endif\n' }])).not.toThrow();
  });
});

describe('sketchToCpp: the result compiles (host g++ against the stub Arduino.h)', () => {
  gppIt.each(ALL)('%s compiles', (name) => {
    const r = syntaxCheck(sketchToCpp(sketch(name)));
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
  });

  gppIt.each(NEED_PROTOTYPES)('%s does not compile without the prototypes', (name) => {
    expect(syntaxCheck(withoutPrototypes(sketch(name))).ok).toBe(false);
  });

  gppIt('reports an error on line N of the second .ino file as <that file>:N', () => {
    const files = sketch('MultiFile');
    const lines = files[1].text.split('\n');
    lines.splice(6, 0, '  this is not C++;'); // becomes line 7
    files[1] = { ...files[1], text: lines.join('\n') };
    const r = syntaxCheck(sketchToCpp(files));
    expect(r.ok).toBe(false);
    expect(r.stderr).toContain(`${files[1].path}:7:`);
    // Nothing else is blamed on a wrong place: every diagnostic names that file and line.
    for (const m of r.stderr.matchAll(/^([^\s:]+):(\d+):\d+: error/gm)) expect(`${m[1]}:${m[2]}`).toBe(`${files[1].path}:7`);
  });

  it('keeps g++ available in CI or says so', () => {
    if (!hasGpp) console.warn('g++ not found: the compile checks of sketch/ were skipped');
    expect(true).toBe(true);
  });
});
