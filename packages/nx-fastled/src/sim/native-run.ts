// Runs a native (host) example program with a bounded number of loop()s and a wall-clock limit, and reads
// back the LED frames it reported.
//
// Frames reach us through a file named by NX_FASTLED_LED_FRAMES, one line per strip per show():
//   <strip> <millis> <hex R G B per LED>
// written by nx-fastled's native core (nxFastledLedFrame(), which a library's show() calls; the strip is the
// data pin) or, for FastLED on its stub platform, by the capture listener nx-fastled appends to the sketch
// (toolchain/native.ts): FastLED's stub controllers hand every show()'s RGB pixels, before colour order and
// brightness, to ActiveStripData; the listener prints them at the end of each show() (strip = FastLED's
// strip id). The native core's millis() is virtual (deterministic); FastLED's stub millis() is the wall
// clock, so its times are dropped.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Failure } from './avr-sim';
import { foldRepeats, showsOf, FRAMES_FORMAT, FramesFile, FramesStrip } from './frames-file';

export interface NativeRunOptions {
  program: string;
  /** loop() iterations (the native core honours NX_FASTLED_NATIVE_LOOPS; FastLED's stub main always runs 5). */
  loops: number;
  wallLimitMs: number;
  /** Frame times are the program's own (virtual) millis(); false for FastLED's stub (wall clock). */
  timed: boolean;
  cwd?: string;
  maxOutputBytes?: number;
}

const STDBUF = '/usr/bin/stdbuf';

const SIGNALS: Record<string, string> = {
  SIGSEGV: 'segmentation fault (an invalid pointer, e.g. a null function pointer)',
  SIGABRT: 'abort() (a failed assertion or a fatal library error)',
  SIGFPE: 'arithmetic error (e.g. integer division by zero)',
  SIGBUS: 'bus error',
  SIGILL: 'illegal instruction',
};

export function parseFrameLines(text: string, timed: boolean): FramesStrip[] {
  const byStrip = new Map<string, FramesStrip>();
  for (const line of text.split('\n')) {
    const m = /^(\d+) (\d+) ([0-9a-f]*)$/.exec(line);
    if (!m) continue;
    const key = m[1];
    let s = byStrip.get(key);
    if (!s) byStrip.set(key, (s = { pin: timed ? `D${key}` : `strip ${key}`, chipset: 'host', order: 'RGB', leds: 0, frames: [] }));
    const hex = m[3].slice(0, m[3].length - (m[3].length % 6));
    s.leds = Math.max(s.leds, hex.length / 6);
    s.frames.push([timed ? Number(m[2]) : null, hex]);
  }
  return [...byStrip.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, s]) => ({ ...s, frames: foldRepeats(s.frames) }));
}

export function runNative(o: NativeRunOptions, board: string, settings: FramesFile['settings']): FramesFile {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-frames-'));
  const framesFile = path.join(dir, 'frames.txt');
  try {
    // Line-buffered stdout (coreutils' stdbuf): a program killed by a signal or the time limit otherwise loses
    // whatever it printed last, which is exactly what explains the crash.
    const program = path.resolve(o.cwd ?? '.', o.program);
    const [cmd, args] = fs.existsSync(STDBUF) ? [STDBUF, ['-oL', '-eL', program]] : [program, []];
    const r = spawnSync(cmd, args, {
      cwd: o.cwd,
      env: { ...process.env, NX_FASTLED_LED_FRAMES: framesFile, NX_FASTLED_NATIVE_LOOPS: String(o.loops) },
      timeout: o.wallLimitMs,
      killSignal: 'SIGKILL',
      maxBuffer: o.maxOutputBytes ?? 4 * 1024 * 1024,
      encoding: 'utf8',
    });
    const strips = fs.existsSync(framesFile) ? parseFrameLines(fs.readFileSync(framesFile, 'utf8'), o.timed) : [];
    const shown = strips.reduce((n, s) => n + s.frames.reduce((k, f) => k + showsOf(f), 0), 0);
    const framesSaid = `${shown} frame${shown === 1 ? '' : 's'} shown before`;
    let failure: Failure | null = null;
    const err = r.error as NodeJS.ErrnoException | undefined;
    if (err?.code === 'ETIMEDOUT') {
      failure = {
        kind: 'hang',
        atMs: o.wallLimitMs,
        message: `hang: still running after ${o.wallLimitMs} ms of wall time (${framesSaid} it was stopped; asked for ${o.loops} loop()s)`,
      };
    } else if (err?.code === 'ENOBUFS') {
      failure = {
        kind: 'hang',
        atMs: 0,
        message: `wrote more than ${o.maxOutputBytes ?? 4 * 1024 * 1024} bytes of output (${framesSaid} it was stopped): an endless print loop?`,
      };
    } else if (err) {
      failure = { kind: 'unsupported', atMs: 0, message: `cannot run ${o.program}: ${err.message}` };
    } else if (r.signal) {
      failure = {
        kind: 'crash',
        atMs: 0,
        message: `crashed: killed by ${r.signal}, ${SIGNALS[r.signal] ?? 'a fatal signal'} (${framesSaid} the crash)`,
      };
    } else if (r.status !== 0) {
      failure = { kind: 'exit', atMs: 0, message: `exited with status ${r.status} (${framesSaid} it exited)` };
    }
    return {
      format: FRAMES_FORMAT,
      board,
      runner: 'native',
      settings,
      ok: !failure,
      failure,
      notes: [],
      ranMs: null,
      loopAtMs: null,
      serial: r.stdout ?? '',
      stderr: r.stderr ?? '',
      strips,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
