// The build graph on fixture libraries with the real toolchains: discovery (both library layouts, nested
// examples, filters, marker files), and a real compile + link for native and uno.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAS_AVR, makeWorkspace, REPO_ROOT, statusCounts, TestWorkspace } from './support/workspace';

const LEDSTRIP = path.join(REPO_ROOT, 'libraries/LedStrip');
const describeAvr = HAS_AVR ? describe : describe.skip;
if (!HAS_AVR) console.warn('build-graph.spec: avr-g++ or the Arduino AVR core is missing; uno tests skipped');

function showProject(ws: TestWorkspace, name: string, env: Record<string, string> = {}) {
  const r = ws.nx(['show', 'project', name, '--json'], env);
  if (r.status !== 0) throw new Error(`nx show project ${name} failed:\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout);
}

function projectNames(ws: TestWorkspace, env: Record<string, string> = {}): string[] {
  const r = ws.nx(['show', 'projects', '--json'], env);
  if (r.status !== 0) throw new Error(`nx show projects failed:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('discovery', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP, 'Legacy10', 'Flat15'], boards: ['native', 'uno'] });
  });

  it('finds libraries of both layouts, their sources and nested examples', () => {
    const names = projectNames(ws, { NX_FASTLED_BOARDS: 'native' });
    // 1.5 layout: sources under src/, recursively (a .c file in a subfolder too).
    expect(names).toEqual(expect.arrayContaining(['native/ledstrip/src/LedStrip.cpp', 'native/ledstrip/src/color/color.c']));
    // 1.0 layout: root sources and utility/, nothing from examples/.
    expect(names).toEqual(expect.arrayContaining(['native/legacy10/Legacy10.cpp', 'native/legacy10/utility/counter.c']));
    expect(
      names.filter((n) => n.startsWith('native/legacy10/') && n.endsWith('.cpp') && n.includes('examples/') && !n.endsWith('.ino')),
    ).toEqual([]);
    // Nested example groups become examples named by their path.
    expect(names).toEqual(expect.arrayContaining(['ledstrip/Effects/Fire', 'ledstrip/Effects/Twinkle', 'ledstrip/Blink']));
    // Sketch extras: a .cpp beside the .ino and the sketch's src/ folder.
    expect(names).toEqual(
      expect.arrayContaining([
        'native/ledstrip/examples/ExtraSources/Palette.cpp',
        'native/ledstrip/examples/SketchSrc/src/Blend/Blend.cpp',
      ]),
    );
    const lib = showProject(ws, 'legacy10', { NX_FASTLED_BOARDS: 'native' });
    expect(lib.metadata.nxFastled.layout).toBe('1.0');
    expect(showProject(ws, 'ledstrip', { NX_FASTLED_BOARDS: 'native' }).metadata.nxFastled.layout).toBe('1.5');
  });

  it('NX_FASTLED_BOARDS selects the boards of one run', () => {
    const native = projectNames(ws, { NX_FASTLED_BOARDS: 'native' });
    expect(native.some((n) => n.startsWith('uno/'))).toBe(false);
    expect(native.some((n) => n.startsWith('native/'))).toBe(true);
  });

  it('an unknown board is an error that lists the known boards', () => {
    const r = ws.nx(['run', 'ledstrip/Blink:build', '--outputStyle=static'], { NX_FASTLED_BOARDS: 'esp99' });
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('unknown board "esp99". Known boards: native, uno');
  });

  (HAS_AVR ? it : it.skip)('@filter lines and .<board>.test.skip/.only files decide the boards, and nx show project says why', () => {
    const large = showProject(ws, 'ledstrip/LargeMatrix');
    expect(large.metadata.nxFastled.boards.native).toBe('built');
    expect(large.metadata.nxFastled.boards.uno).toMatch(/^skipped: .*@filter: \(memory is large\).*uno/);
    expect(large.targets.build.metadata.description).toContain('uno: skipped');
    const printf = showProject(ws, 'ledstrip/Printf');
    expect(printf.metadata.nxFastled.boards.uno).toBe('skipped: .uno.test.skip is in the example folder');
    const nativeOnly = showProject(ws, 'flat15/NativeOnly');
    expect(nativeOnly.metadata.nxFastled.boards.native).toBe('built');
    expect(nativeOnly.metadata.nxFastled.boards.uno).toMatch(/skipped: .*\.native\.test\.only/);
    const names = projectNames(ws);
    expect(names).not.toContain('uno/ledstrip/examples/LargeMatrix');
    expect(names).toContain('native/ledstrip/examples/LargeMatrix');
  });

  it('keeps absolute paths out of every target', () => {
    const json = JSON.stringify(showProject(ws, 'native/ledstrip/src/LedStrip.cpp', { NX_FASTLED_BOARDS: 'native' }));
    expect(json).not.toContain(ws.root);
    expect(json).not.toContain('/usr/');
    expect(json).not.toContain(REPO_ROOT);
  });
});

describe('native: real compile, link and run', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: ['native'] });
  });

  it('builds every example and the programs run', () => {
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2']);
    expect(r.stderr + r.stdout).not.toMatch(/Failed tasks|\b[1-9]\d* failed/);
    expect(r.stdout).toMatch(/10 example builds done, 0 failed/);
    expect(r.status).toBe(0);
    const examples = [
      'Blink',
      'Rainbow',
      'Prototypes',
      'MultiFile',
      'ExtraSources',
      'SketchSrc',
      'Effects/Fire',
      'Effects/Twinkle',
      'LargeMatrix',
      'Printf',
    ];
    for (const ex of examples) {
      const elf = path.join(ws.root, 'dist/native/ledstrip/examples', ex, `${path.basename(ex)}.elf`);
      expect(fs.existsSync(elf)).toBe(true);
      const run = spawnSync(elf, [], { encoding: 'utf8', timeout: 20_000, env: { ...process.env, NX_FASTLED_NATIVE_LOOPS: '2' } });
      expect({ ex, status: run.status }).toEqual({ ex, status: 0 });
    }
    // The multi-file sketch's second .ino and the prototype-needing sketch really ran.
    const proto = path.join(ws.root, 'dist/native/ledstrip/obj/examples/Prototypes/Prototypes.ino.cpp');
    expect(fs.readFileSync(proto, 'utf8')).toMatch(/#line 1 "libraries\/LedStrip\/examples\/Prototypes\/Prototypes.ino"/);
  });
});

describeAvr('uno: real compile and link', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: ['uno'] });
  });

  it('produces .elf, .hex, .eep and sizes within the limits for every admitted example', () => {
    const r = ws.nx(['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2']);
    expect(r.status).toBe(0);
    const admitted = ['Blink', 'Rainbow', 'Prototypes', 'MultiFile', 'ExtraSources', 'SketchSrc', 'Effects/Fire', 'Effects/Twinkle'];
    for (const ex of admitted) {
      const base = path.join(ws.root, 'dist/uno/ledstrip/examples', ex, path.basename(ex));
      for (const ext of ['.elf', '.hex', '.eep']) expect(fs.existsSync(base + ext)).toBe(true);
      expect(fs.readFileSync(base + '.hex', 'utf8')).toMatch(/^:[0-9A-F]+\r?\n/);
      const size = JSON.parse(fs.readFileSync(base + '.size.json', 'utf8'));
      expect(size.flash).toBeGreaterThan(400);
      expect(size.flash).toBeLessThanOrEqual(32256);
      expect(size.ram).toBeLessThanOrEqual(2048);
      expect(size.flashLimit).toBe(32256);
    }
    expect(fs.existsSync(path.join(ws.root, 'dist/uno/ledstrip/examples/LargeMatrix'))).toBe(false);
    const counts = statusCounts(ws.lastRun().tasks);
    expect(counts.failure ?? 0).toBe(0);
  });
});
