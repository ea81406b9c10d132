// The `test` target end to end with real compilers: the SimStrip fixture's examples built for uno (run in
// avr8js) and native (run on the host), their frames checked against the known answer frame by frame, and
// the hanging and crashing examples failing with messages that say what happened and when.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HAS_AVR, makeWorkspace, TestWorkspace } from './support/workspace';
import { PNG } from 'pngjs';
import { parseFrames, showsOf, FramesFile } from '../src/sim';
import { filmstripRows } from '../src/report/filmstrip';
import { CHROMIUM, dumpDom, screenshot } from './report/chromium';

/** Chromium's limit here: this spec shares a loaded machine with compiles. */
const CHROMIUM_MS = 300_000;

jest.setTimeout(600_000);

const expected = (n: number): string => {
  const leds = Array.from({ length: 8 }, () => '000000');
  const hex = (v: number) => (v & 0xff).toString(16).padStart(2, '0');
  leds[n % 8] = hex(40 * n) + hex(255 - 40 * n) + hex(7 * n);
  return leds.join('');
};

function frames(ws: TestWorkspace, board: string, example: string): FramesFile {
  const name = path.basename(example);
  return parseFrames(ws.read(`dist/${board}/simstrip/examples/${example}/${name}.frames.json`));
}

describe('test target (SimStrip fixture)', () => {
  let ws: TestWorkspace;
  let stdout = '';
  let status: number | null = null;
  let firstRun: { id: string; status: string }[] = [];

  beforeAll(() => {
    expect(HAS_AVR).toBe(true);
    ws = makeWorkspace({
      libraries: ['SimStrip'],
      boards: ['native', 'uno'],
      pluginOptions: { test: { simulatedMs: 600, wallLimitMs: 5000 } },
    });
    // Links first, so that every test task is ready at once and Nx hands them to one batch.
    expect(ws.nx(['run-many', '-t', 'link', '--parallel=2', '--outputStyle=static']).status).toBe(0);
    const r = ws.nx(['run-many', '-t', 'test', '--parallel=2', '--outputStyle=static']);
    stdout = r.stdout + r.stderr;
    status = r.status;
    firstRun = ws.lastRun().tasks.filter((t) => t.target === 'test');
  });

  it('runs the examples as one batch: one Node process for all six, not a process per example', () => {
    expect(firstRun.map((t) => t.status).sort()).toEqual(['failure', 'failure', 'failure', 'failure', 'success', 'success']);
    const batches = new Set(
      [...stdout.matchAll(/nx-fastled: batch of (\d+) examples in process (\d+) on (\d+) worker threads?/g)].map((m) => `${m[1]} ${m[2]}`),
    );
    expect([...batches]).toEqual([expect.stringMatching(/^6 \d+$/)]);
  });

  it('fails the run because Hang and Crash fail, and says why', () => {
    expect(status).not.toBe(0);
    expect(stdout).toMatch(
      /Hang\.frames\.json: FAILED[^\n]*\n\s*setup\(\) never returned in 600 ms of simulated time \(serialEventRun\(\) was never reached\): from [\d.]+ ms the program went round a tight loop at PC 0x[0-9a-f]+/,
    );
    expect(stdout).toMatch(
      /Crash\.frames\.json: FAILED[^\n]*\n\s*reset loop: 3 resets by [\d.]+ ms; the first at 5\d\.\d+ ms: a jump to address 0 from PC 0x[0-9a-f]+/,
    );
    expect(stdout).toMatch(/Hang\.frames\.json: FAILED[^\n]*\n\s*hang: still running after 5000 ms of wall time/);
    expect(stdout).toMatch(/Crash\.frames\.json: FAILED[^\n]*\n\s*crashed: killed by SIGSEGV, segmentation fault/);
    // What the program printed before it crashed survives the crash (line-buffered stdout).
    expect(frames(ws, 'native', 'Crash').serial).toContain('Crash: calling a null pointer soon');
    expect(frames(ws, 'uno', 'Crash').serial).toContain('Crash: calling a null pointer soon');
  });

  it('uno: the known answer, frame by frame, at the simulated times the sketch paced', () => {
    const f = frames(ws, 'uno', 'KnownFrames');
    expect(f.ok).toBe(true);
    expect(f.strips).toHaveLength(1);
    const strip = f.strips[0];
    expect(strip).toMatchObject({ pin: 'D6', chipset: 'ws2812', order: 'GRB', leds: 8 });
    // delay(20) per loop(): ~28 frames in 600 ms; every one must be exactly right.
    expect(strip.frames.length).toBeGreaterThan(20);
    strip.frames.forEach((fr, n) => {
      expect(fr[1]).toBe(expected(n));
      expect(showsOf(fr)).toBe(1);
    });
    const times = strip.frames.map((fr) => fr[0] as number);
    for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(20);
    expect(f.serial.split('\r\n').slice(0, 3)).toEqual(['KnownFrames start', 'frame 0', 'frame 1']);
  });

  it('native: the same frames through the native core, loops bounded', () => {
    const f = frames(ws, 'native', 'KnownFrames');
    expect(f.ok).toBe(true);
    expect(f.strips).toHaveLength(1);
    expect(f.strips[0]).toMatchObject({ pin: 'D6', leds: 8 });
    expect(f.strips[0].frames.map((fr) => fr[1])).toEqual([0, 1, 2, 3, 4].map(expected));
    expect(f.serial).toContain('frame 4');
    expect(f.serial).not.toContain('frame 5');
  });

  it('the HTML report shows a filmstrip per example and board, with the known colours, in headless Chromium', () => {
    expect(CHROMIUM).toBeTruthy();
    const page = path.join(ws.root, 'dist/report/report.html');
    const dom = dumpDom(page, '', CHROMIUM_MS);
    const figures = [...dom.matchAll(/<figure class="film" data-example="([^"]+)" data-board="([^"]+)"/g)].map((m) => `${m[2]} ${m[1]}`);
    expect(figures).toEqual([
      'native simstrip/Crash',
      'uno simstrip/Crash',
      'native simstrip/Hang',
      'uno simstrip/Hang',
      'native simstrip/KnownFrames',
      'uno simstrip/KnownFrames',
    ]);
    expect(dom).toContain('FAILED: setup() never returned');
    expect(dom).toContain('KnownFrames start');
    const png = path.join(ws.root, 'dist/report/filmstrips.png');
    screenshot(page, png, '', '1280,2600', CHROMIUM_MS);
    const image = PNG.sync.read(fs.readFileSync(png));
    const count = (rgb: number[]) => {
      let n = 0;
      for (let i = 0; i < image.data.length; i += 4)
        if (Math.abs(image.data[i] - rgb[0]) + Math.abs(image.data[i + 1] - rgb[1]) + Math.abs(image.data[i + 2] - rgb[2]) <= 6) n++;
      return n;
    };
    // Frame 1 lights LED 1 in (40, 215, 7), frame 2 LED 2 in (80, 175, 14): on both boards' filmstrips.
    expect(count([40, 215, 7])).toBeGreaterThan(2 * 15 * 2);
    expect(count([80, 175, 14])).toBeGreaterThan(2 * 15 * 2);
    console.info(`simulate.spec: screenshot of the filmstrips: ${png}`);
  });
  it('a second identical run restores every example that passed from the cache, and reruns only the failures', () => {
    const r = ws.nx(['run-many', '-t', 'test', '--parallel=2', '--outputStyle=static']);
    expect(r.status).toBe(1);
    const second = new Map(
      ws
        .lastRun()
        .tasks.filter((t) => t.target === 'test')
        .map((t) => [t.id, t.status]),
    );
    // Nx never caches a failure: the hanging and crashing examples run again and fail again.
    expect(firstRun.map((t) => `${t.id} ${t.status === 'success' ? 'local-cache' : 'failure'}`)).toEqual(
      firstRun.map((t) => `${t.id} ${second.get(t.id)?.replace('local-cache-kept-existing', 'local-cache')}`),
    );
  });

  // Last: it replaces the report of the full run with a one-task one.
  it('frames files are deterministic and cached: a second run restores them byte for byte', () => {
    const file = path.join(ws.root, 'dist/uno/simstrip/examples/KnownFrames/KnownFrames.frames.json');
    const before = fs.readFileSync(file, 'utf8');
    fs.rmSync(file);
    const r = ws.nx(['run', 'test/uno/simstrip/examples/KnownFrames:test', '--outputStyle=static']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/existing outputs match the cache|local cache/);
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
  });

  // Last: it edits KnownFrames. Without its link in the task graph a test's key used to lack the firmware
  // (dependentTasksOutputFiles adds nothing then), so new firmware built by another command restored the old
  // frames. The firmware is also a file input now, read from disk.
  it('--exclude-task-dependencies: the key still has the firmware, so new firmware is simulated, not restored', () => {
    const test = ['run', 'test/uno/simstrip/examples/KnownFrames:test', '--exclude-task-dependencies', '--outputStyle=static'];
    const status = () => ws.lastRun().tasks.find((t) => t.target === 'test')?.status;
    expect(ws.nx(test).status).toBe(0);
    expect(ws.nx(test).status).toBe(0);
    expect(status()).toMatch(/^local-cache/); // same firmware: a hit
    // New firmware, built on its own: frame n now starts at LED 1.
    const ino = 'libraries/SimStrip/examples/KnownFrames/KnownFrames.ino';
    ws.write(ino, ws.read(ino).replace('leds[n % 8] =', 'leds[(n + 1) % 8] ='));
    expect(ws.nx(['run', 'uno/simstrip/examples/KnownFrames:link', '--outputStyle=static']).status).toBe(0);
    const r = ws.nx(test);
    expect(r.status).toBe(0);
    expect(status()).toBe('success');
    const first = frames(ws, 'uno', 'KnownFrames').strips[0].frames[0][1];
    expect(first).toBe(`000000${expected(0).slice(0, 6)}${'000000'.repeat(6)}`);
  });
});

describe('filmstrip rows (domain)', () => {
  it('samples timed frames on a fixed time grid: a pause is as long as it lasted', () => {
    const strip = {
      pin: 'D1',
      chipset: 'ws2812',
      order: 'GRB',
      leds: 1,
      frames: [
        [0, 'ff0000'],
        [10, '00ff00'],
        [100, '0000ff'],
      ] as [number, string][],
    };
    const rows = filmstripRows(strip, 100);
    const share = (hex: string) => rows.filter((r) => r === hex).length / rows.length;
    expect(share('ff0000')).toBeCloseTo(0.1, 1);
    expect(share('00ff00')).toBeCloseTo(0.9, 1);
    expect(rows[rows.length - 1]).toBe('0000ff');
  });

  it("one row per distinct picture without times (FastLED's stub on the host)", () => {
    const strip = {
      pin: 'strip 0',
      chipset: 'host',
      order: 'RGB',
      leds: 1,
      frames: [
        [null, 'ff0000'],
        [null, '00ff00', 3],
      ] as [null, string, number?][],
    };
    expect(filmstripRows(strip as never, null)).toEqual(['ff0000', '00ff00']);
  });
});
