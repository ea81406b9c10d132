// Libraries that use other libraries, resolved the way arduino-cli does, built with the real compilers:
// a chain of three (ChainA includes ChainB includes the platform's Wire), precompiled=true, dot_a_linkage=true,
// architectures=avr, and two libraries offering Shared.h (the one named like the header wins). Adding a
// library re-keys only the TUs whose resolution changes.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, HAS_AVR, makeWorkspace, TestWorkspace } from './support/workspace';

if (!HAS_AVR) console.warn('library-resolution.spec: avr-g++ or the Arduino AVR core is missing; native board only');
const BOARDS = HAS_AVR ? ['native', 'uno'] : ['native'];
const LIBS = ['ChainA', 'ChainB', 'Precomp', 'DotA', 'AvrOnly', 'SharedThing', 'UsesShared'];

/** The closed-source part of Precomp, compiled into `src/<mcu>/libprecomp.a` as a vendor would ship it. */
function buildPrecompiled(ws: TestWorkspace): void {
  const lib = path.join(ws.root, 'libraries/Precomp');
  const src = path.join(lib, 'extras/precomp_answer.c');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-pre-'));
  const host = path.join(lib, 'src', os.machine());
  fs.mkdirSync(host, { recursive: true });
  execFileSync('gcc', ['-c', '-O1', src, '-o', path.join(tmp, 'host.o')]);
  execFileSync('gcc-ar', ['rcsD', path.join(host, 'libprecomp.a'), path.join(tmp, 'host.o')]);
  if (HAS_AVR) {
    const avr = path.join(lib, 'src/atmega328p');
    fs.mkdirSync(avr, { recursive: true });
    execFileSync('avr-gcc', ['-c', '-Os', '-mmcu=atmega328p', '-flto', '-fno-fat-lto-objects', src, '-o', path.join(tmp, 'avr.o')]);
    execFileSync('avr-gcc-ar', ['rcsD', path.join(avr, 'libprecomp.a'), path.join(tmp, 'avr.o')]);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}

function show(ws: TestWorkspace, name: string): { metadata: { nxFastled: Record<string, unknown> } } {
  const r = ws.nx(['show', 'project', name, '--json']);
  if (r.status !== 0) throw new Error(`nx show project ${name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

function run(ws: TestWorkspace, elf: string): string {
  const r = spawnSync(path.join(ws.root, elf), [], { input: '', encoding: 'utf8', env: { ...process.env, NX_FASTLED_NATIVE_LOOPS: '0' } });
  expect(r.status).toBe(0);
  return r.stdout;
}

describe('library resolution (arduino-cli rules) with real compilers', () => {
  let ws: TestWorkspace;
  let first: ReturnType<TestWorkspace['nx']>;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: LIBS, boards: BOARDS, pluginOptions: { libraryDefines: { DotA: { native: ['-DDOTA_BONUS=1'] } } } });
    buildPrecompiled(ws);
    first = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
  }, 900_000);

  it('builds every example; the chain resolves ChainB and the platform Wire for uno', () => {
    expect({ status: first.status, err: first.status === 0 ? '' : first.stdout.slice(-4000) + first.stderr }).toEqual({
      status: 0,
      err: '',
    });
    const chain = show(ws, 'chaina/Chain').metadata.nxFastled;
    expect(chain.boards).toEqual(Object.fromEntries(BOARDS.map((b) => [b, 'built'])));
    // The host core has Wire.h itself; uno takes Wire from the platform's bundled libraries.
    expect(chain.uses).toEqual({ native: ['ChainB'], ...(HAS_AVR ? { uno: ['ChainB', 'Wire (platform)'] } : {}) });
    const lib = show(ws, 'chaina').metadata.nxFastled;
    expect(lib).toMatchObject({ depends: ['ChainB'], includes: ['ChainA.h'] });
    expect(run(ws, 'dist/native/chaina/examples/Chain/Chain.elf')).toBe('chain=43\r\n');
    if (HAS_AVR) {
      const size = JSON.parse(ws.read('dist/uno/chaina/examples/Chain/Chain.size.json'));
      expect(size.flash).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(ws.root, 'dist/uno/platform-wire/libplatform-wire.a'))).toBe(true);
    }
  });

  it('links the precompiled archive for the board (src/<mcu>/) and still compiles the sources (precompiled=true)', () => {
    expect(run(ws, 'dist/native/precomp/examples/Answer/Answer.elf')).toBe('precomp=42\r\n');
    const boards = show(ws, 'precomp').metadata.nxFastled.resolution as Record<string, string>;
    expect(boards.native).toContain(`precompiled libraries/Precomp/src/${os.machine()}/libprecomp.a (sources compiled too)`);
    if (HAS_AVR) expect(boards.uno).toContain('precompiled libraries/Precomp/src/atmega328p/libprecomp.a');
  });

  it('dot_a_linkage=true links the library as an archive: an object nothing references stays out; libraryDefines reach its TUs and its users', () => {
    // Unused.cpp's constructor would print first if the whole archive were linked.
    expect(run(ws, 'dist/native/dota/examples/UseOne/UseOne.elf')).toBe('dota=8 bonus=1\r\n');
  });

  it('architectures=avr: skipped on native with the reason, built on uno', () => {
    const boards = show(ws, 'avronly/PortBlink').metadata.nxFastled.boards as Record<string, string>;
    expect(boards.native).toBe(
      'skipped: library.properties of AvrOnly says architectures=avr: it does not support native (architecture native)',
    );
    if (HAS_AVR) expect(boards.uno).toBe('built');
  });

  it('a library added to the workspace re-keys only the TUs whose resolution changes; the tie-break picks it', () => {
    expect(run(ws, 'dist/native/usesshared/examples/Who/Who.elf')).toBe('shared=SharedThing\r\n');
    fs.cpSync(path.join(FIXTURES, 'Shared'), path.join(ws.root, 'libraries/Shared'), { recursive: true });
    const second = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
    expect(second.status).toBe(0);
    // Both offer Shared.h at the same location and architecture: name and folder equal to the header win.
    expect(run(ws, 'dist/native/usesshared/examples/Who/Who.elf')).toBe('shared=Shared\r\n');
    const compiles = ws.lastRun().tasks.filter((t) => t.target === 'compile');
    const missed = compiles
      .filter((t) => !t.status.includes('cache'))
      .map((t) => t.project)
      .sort();
    const expected = BOARDS.flatMap((b) => [`${b}/shared/src/Shared.cpp`, `${b}/usesshared/examples/Who/Who.ino`]).sort();
    expect(missed).toEqual(expected);
    expect(compiles.length).toBeGreaterThan(20);
  }, 600_000);

  it('an example using an avr-only library is skipped on native with the reason; a header no library offers is named with what to do', () => {
    ws.write('libraries/UsesShared/examples/PortUser/PortUser.ino', '#include <AvrOnly.h>\nvoid setup() { toggleB5(); }\nvoid loop() {}\n');
    ws.write('libraries/UsesShared/examples/Ghost/Ghost.ino', '#include <Ghost.h>\nvoid setup() {}\nvoid loop() {}\n');
    const boards = show(ws, 'usesshared/PortUser').metadata.nxFastled.boards as Record<string, string>;
    expect(boards.native).toBe(
      'skipped: uses library AvrOnly (workspace, libraries/AvrOnly), whose library.properties says architectures=avr: it does not support native (architecture native)',
    );
    if (HAS_AVR) expect(boards.uno).toBe('built');
    const r = ws.nx(['run', 'usesshared/Ghost:build', '--outputStyle=static'], { NX_FASTLED_BOARDS: 'native' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain(
      'nx-fastled: Ghost.h: no library available to this build offers it (the workspace and the native platform were searched): add the library that provides it to the workspace, or install it with arduino-cli lib install <its name> and set the "sketchbook" option',
    );
  }, 300_000);
});

describe('sketchbook libraries (option "sketchbook", outside the workspace)', () => {
  let ws: TestWorkspace;
  let parent: string;
  let first: ReturnType<TestWorkspace['nx']>;
  beforeAll(() => {
    parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-sketchbook-'));
    fs.cpSync(path.join(FIXTURES, '../sketchbook'), path.join(parent, 'sketchbook'), { recursive: true });
    // Relative to the workspace root: <parent>/ws -> <parent>/sketchbook.
    ws = makeWorkspace({ libraries: ['UsesSketch'], boards: BOARDS, parent, pluginOptions: { sketchbook: '../sketchbook' } });
    first = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
  }, 600_000);

  it('resolves a header only the sketchbook offers, compiles that library from there, and keys it by content, not path', () => {
    expect({ status: first.status, err: first.status === 0 ? '' : first.stdout.slice(-4000) + first.stderr }).toEqual({
      status: 0,
      err: '',
    });
    const ex = show(ws, 'usessketch/Hello').metadata.nxFastled;
    expect(ex.uses).toEqual({
      native: ['SketchLib (sketchbook)'],
      ...(HAS_AVR ? { uno: ['SketchLib (sketchbook)', 'Wire (platform)'] } : {}),
    });
    expect(run(ws, 'dist/native/usessketch/examples/Hello/Hello.elf')).toBe('sketch=7\r\n');
    // depends=SketchLib is satisfied by the sketchbook: no missing-dependency advice.
    expect(JSON.stringify(show(ws, 'usessketch').metadata.nxFastled)).not.toContain('is not available to this build');
    const compile = ws.nx(['show', 'project', 'native/sketchbook-sketchlib/src/SketchLib.cpp', '--json']);
    expect(compile.status).toBe(0);
    const command: string = JSON.parse(compile.stdout).targets.compile.options.command;
    expect(command).toContain('"$NXF_SKETCHBOOK"/libraries/SketchLib/src/SketchLib.cpp');
    expect(command).not.toContain(parent);
    expect(command).toMatch(/ SketchLib=[0-9a-f]{16} /);
  });

  it('an edit inside the sketchbook re-keys the TUs that read that library, and nothing else', () => {
    const src = path.join(parent, 'sketchbook/libraries/SketchLib/src/SketchLib.cpp');
    fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace('#define SKETCH_VALUE 7', '#define SKETCH_VALUE 8'));
    const second = ws.nx(['run-many', '-t', 'build', '--outputStyle=static']);
    expect(second.status).toBe(0);
    expect(run(ws, 'dist/native/usessketch/examples/Hello/Hello.elf')).toBe('sketch=8\r\n');
    const missed = ws
      .lastRun()
      .tasks.filter((t) => t.target === 'compile' && !t.status.includes('cache'))
      .map((t) => t.project)
      .sort();
    expect(missed).toEqual(
      BOARDS.flatMap((b) => [`${b}/sketchbook-sketchlib/src/SketchLib.cpp`, `${b}/usessketch/examples/Hello/Hello.ino`]).sort(),
    );
  }, 600_000);
});
