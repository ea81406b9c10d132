// The frames file: what one example did on one board in a `test` run, `<Name>.frames.json` next to its
// firmware. Deterministic for deterministic programs (no wall times, no absolute paths; keys in a fixed
// order), so Nx can cache it and two runs can be compared byte for byte.
//
// {
//   "format": "nx-fastled-frames/1",
//   "board": "uno", "runner": "avr8js 0.21.1" | "native",
//   "settings": { ...what the run was given: simulatedMs, mcu, clockHz or loops, wallLimitMs... },
//   "ok": true, "failure": null | { "kind": "hang", "atMs": 3000.5, "message": "..." },
//   "notes": [ "..." ],
//   "ranMs": 5000,            // simulated ms run (AVR), null on native
//   "loopAtMs": 3012.1,       // when loop() was first reached (AVR, when the .elf tells), else null
//   "serial": "...",          // USART0 (AVR) or stdout (native), UTF-8
//   "stderr": "...",          // native only ("" on AVR): FastLED's stub Serial writes here
//   "strips": [ { "pin": "D3", "chipset": "ws2812", "order": "GRB", "leds": 50,
//                 "frames": [ [ 3001.25, "ff0000..." ], [ 3003.9, "00ff00...", 12 ], ... ] } ]
// }
// A frame is one show(): its time (simulated ms of its first bit on AVR; the program's millis() on the native
// core; null for FastLED's stub, whose clock is the wall clock) and R,G,B of every LED as lowercase hex; a
// third number n means n consecutive show()s sent exactly these pixels (the time is the first one's).
// Frames are compared across boards entry by entry, i.e. by distinct consecutive pictures.
import type { Failure, RunResult } from './avr-sim';
import type { Strip } from './led-decoders';

export const FRAMES_FORMAT = 'nx-fastled-frames/1';

export interface FramesStrip {
  pin: string;
  chipset: string;
  order: string;
  /** LEDs in the longest frame. */
  leds: number;
  /** [time, RGB hex] or [time, RGB hex, n]: n consecutive show()s of the same pixels folded into one entry. */
  frames: FrameEntry[];
}

export type FrameEntry = [number | null, string] | [number | null, string, number];

/** How many show()s an entry stands for. */
export const showsOf = (e: FrameEntry): number => e[2] ?? 1;

export interface FramesFile {
  format: typeof FRAMES_FORMAT;
  board: string;
  runner: string;
  settings: Record<string, string | number | boolean | number[]>;
  ok: boolean;
  failure: Failure | null;
  notes: string[];
  ranMs: number | null;
  loopAtMs: number | null;
  serial: string;
  stderr: string;
  strips: FramesStrip[];
}

export function stripsToFile(strips: Strip[], timed = true): FramesStrip[] {
  return strips.map((s) => ({
    pin: s.pin,
    chipset: s.chipset,
    order: s.order,
    leds: Math.max(0, ...s.frames.map((f) => f.rgb.length / 3)),
    frames: foldRepeats(
      s.frames.map((f) => [timed ? Math.round(f.atMs * 1e4) / 1e4 : null, Buffer.from(f.rgb).toString('hex')] as FrameEntry),
    ),
  }));
}

/** Consecutive identical show()s (FastLED.delay() shows the same pixels again and again) as one entry. */
export function foldRepeats(frames: FrameEntry[]): FrameEntry[] {
  const out: FrameEntry[] = [];
  for (const f of frames) {
    const last = out[out.length - 1];
    if (last && last[1] === f[1]) out[out.length - 1] = [last[0], last[1], showsOf(last) + showsOf(f)];
    else out.push(f);
  }
  return out;
}

export function avrFramesFile(board: string, runner: string, settings: FramesFile['settings'], r: RunResult): FramesFile {
  return {
    format: FRAMES_FORMAT,
    board,
    runner,
    settings,
    ok: r.ok,
    failure: r.failure ?? null,
    notes: r.notes,
    ranMs: r.simulatedMs,
    loopAtMs: r.loopAtMs ?? null,
    serial: r.serial,
    stderr: '',
    strips: stripsToFile(r.strips),
  };
}

export function serializeFrames(f: FramesFile): string {
  // One frame per line keeps the file diffable and still compact.
  const head = JSON.stringify({ ...f, strips: [] }, null, 1).replace(/,\n\s*"strips": \[\]\n\}$/, '');
  const strips = f.strips
    .map((s) => {
      const frames = s.frames.map((fr) => `    ${JSON.stringify(fr)}`).join(',\n');
      return `  { "pin": ${JSON.stringify(s.pin)}, "chipset": ${JSON.stringify(s.chipset)}, "order": ${JSON.stringify(s.order)}, "leds": ${s.leds}, "frames": [\n${frames}\n  ] }`;
    })
    .join(',\n');
  return `${head},\n "strips": [${strips ? `\n${strips}\n ` : ''}]\n}\n`;
}

export function parseFrames(text: string, file = '<frames>'): FramesFile {
  const f = JSON.parse(text) as FramesFile;
  if (f.format !== FRAMES_FORMAT)
    throw new Error(`${file}: not a frames file (format ${JSON.stringify(f.format)}, expected ${FRAMES_FORMAT})`);
  return f;
}

export interface FramesComparison {
  /** Frames compared (the shorter run's count, per strip, summed). */
  compared: number;
  equal: number;
  /** First difference, if any: strip index, frame index, LED index. */
  firstDifference?: { strip: number; frame: number; led: number; a: string; b: string };
  /** Strip count or LED count mismatches, in words. */
  shape: string[];
}

/** Entry by entry (distinct consecutive pictures), by index: times and repeat counts differ between a
 *  simulator and a host program by nature (FastLED.delay() re-shows in real time on AVR, not on the host). */
export function compareFrames(a: FramesFile, b: FramesFile): FramesComparison {
  const out: FramesComparison = { compared: 0, equal: 0, shape: [] };
  if (a.strips.length !== b.strips.length) out.shape.push(`${a.strips.length} strip(s) on ${a.board}, ${b.strips.length} on ${b.board}`);
  for (let s = 0; s < Math.min(a.strips.length, b.strips.length); s++) {
    const sa = a.strips[s];
    const sb = b.strips[s];
    if (sa.leds !== sb.leds) out.shape.push(`strip ${s}: ${sa.leds} LEDs on ${a.board}, ${sb.leds} on ${b.board}`);
    const n = Math.min(sa.frames.length, sb.frames.length);
    for (let i = 0; i < n; i++) {
      out.compared++;
      const [ha, hb] = [sa.frames[i][1], sb.frames[i][1]];
      if (ha === hb) out.equal++;
      else if (!out.firstDifference) {
        let led = 0;
        while (led * 6 < Math.max(ha.length, hb.length) && ha.slice(led * 6, led * 6 + 6) === hb.slice(led * 6, led * 6 + 6)) led++;
        out.firstDifference = { strip: s, frame: i, led, a: ha.slice(led * 6, led * 6 + 6), b: hb.slice(led * 6, led * 6 + 6) };
      }
    }
  }
  return out;
}
