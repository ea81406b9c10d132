// What an example did differently between two runs of the same board (a pull request's head against its base):
// its LED frames, its serial output and its verdict, from two frames files (frames-file.ts). Domain code.
//
// Frames are compared as distinct consecutive pictures (frame entries), by index, as compareFrames does across
// boards: times and repeat counts move whenever the code's speed does, which is not a change of what the LEDs
// show. A run that shows the same pictures but fewer or more of them in the same simulated time (slower or
// faster code) is a change of kind `count`; a picture that differs is `pictures`, with the first frame and LED.
// Serial output (the USART or stdout, then the native stub's stderr) is compared line by line, by index.
// Not exported from sim/index.ts: the test tasks' key digests the code they import (plugin/test-targets.ts),
// and this module is only for reports.
import type { FramesFile } from './frames-file';

export interface FramesDiff {
  /** Distinct frames per side, over all strips. */
  base: number;
  head: number;
  /** `pictures`: a frame differs; `count`: the same pictures, more or fewer of them; `strips`: another strip layout. */
  kind: 'pictures' | 'count' | 'strips';
  /** The first differing frame (index among distinct frames), LED and colours (RGB hex), for `pictures`. */
  first?: { strip: number; frame: number; led: number; base: string; head: string };
  /** Strip layout differences, in words (pins, LED counts). */
  shape: string[];
}

export interface SerialDiff {
  baseLines: number;
  headLines: number;
  /** Lines that differ, by index, counting lines only one side has. */
  changed: number;
  first: { line: number; base: string | null; head: string | null };
}

export interface OutputDiff {
  frames?: FramesDiff;
  serial?: SerialDiff;
  /** `ok` or the failure's kind, when the two runs' verdicts differ. */
  verdict?: { base: string; head: string };
}

/** The serial output as the report shows it: USART/stdout then stderr, `\r\n` as `\n`, without a trailing empty line. */
export function serialLines(f: FramesFile): string[] {
  const text = (f.serial + (f.stderr ? `${f.serial && !f.serial.endsWith('\n') ? '\n' : ''}${f.stderr}` : '')).replace(/\r\n?/g, '\n');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const verdictOf = (f: FramesFile) => (f.ok ? 'ok' : (f.failure?.kind ?? 'failed'));

function diffFrames(base: FramesFile, head: FramesFile): FramesDiff | undefined {
  const count = (f: FramesFile) => f.strips.reduce((n, s) => n + s.frames.length, 0);
  const shape: string[] = [];
  const strips = Math.max(base.strips.length, head.strips.length);
  for (let s = 0; s < strips; s++) {
    const [b, h] = [base.strips[s], head.strips[s]];
    if (!b) shape.push(`strip ${s} (${h.pin}, ${h.leds} LEDs) is new`);
    else if (!h) shape.push(`strip ${s} (${b.pin}, ${b.leds} LEDs) is gone`);
    else if (b.pin !== h.pin || b.leds !== h.leds || b.chipset !== h.chipset)
      shape.push(`strip ${s}: ${b.leds} LEDs on ${b.pin} (${b.chipset}) → ${h.leds} LEDs on ${h.pin} (${h.chipset})`);
  }
  let first: FramesDiff['first'];
  for (let s = 0; s < Math.min(base.strips.length, head.strips.length) && !first; s++) {
    const [b, h] = [base.strips[s].frames, head.strips[s].frames];
    for (let i = 0; i < Math.min(b.length, h.length); i++) {
      const [x, y] = [b[i][1], h[i][1]];
      if (x === y) continue;
      let led = 0;
      while (led * 6 < Math.max(x.length, y.length) && x.slice(led * 6, led * 6 + 6) === y.slice(led * 6, led * 6 + 6)) led++;
      first = { strip: s, frame: i, led, base: x.slice(led * 6, led * 6 + 6) || 'none', head: y.slice(led * 6, led * 6 + 6) || 'none' };
      break;
    }
  }
  const [nb, nh] = [count(base), count(head)];
  if (!shape.length && !first && nb === nh) return undefined;
  return { base: nb, head: nh, kind: shape.length ? 'strips' : first ? 'pictures' : 'count', ...(first ? { first } : {}), shape };
}

function diffSerial(base: FramesFile, head: FramesFile): SerialDiff | undefined {
  const [b, h] = [serialLines(base), serialLines(head)];
  let changed = 0;
  let first: SerialDiff['first'] | undefined;
  for (let i = 0; i < Math.max(b.length, h.length); i++) {
    if (b[i] === h[i]) continue;
    changed++;
    first ??= { line: i + 1, base: b[i] ?? null, head: h[i] ?? null };
  }
  return first ? { baseLines: b.length, headLines: h.length, changed, first } : undefined;
}

/** How the head's run differs from the base's; undefined when it does not. */
export function diffOutputs(base: FramesFile, head: FramesFile): OutputDiff | undefined {
  const frames = diffFrames(base, head);
  const serial = diffSerial(base, head);
  const [vb, vh] = [verdictOf(base), verdictOf(head)];
  if (!frames && !serial && vb === vh) return undefined;
  return { ...(frames ? { frames } : {}), ...(serial ? { serial } : {}), ...(vb !== vh ? { verdict: { base: vb, head: vh } } : {}) };
}

/** One line in words: `LED frames: 28 → 28, first difference at frame 0, LED 0 (c8280a → 0a28c8); serial: 1 of 3 lines ...`. */
export function describeOutputDiff(d: OutputDiff): string {
  const parts: string[] = [];
  if (d.verdict) parts.push(`${d.verdict.base} → ${d.verdict.head}`);
  const f = d.frames;
  if (f) {
    const n = f.base === f.head ? `${f.head} frames` : `${f.base} → ${f.head} frames`;
    if (f.kind === 'strips') parts.push(`LED strips: ${f.shape.join('; ')}; ${n}`);
    else if (f.kind === 'pictures')
      parts.push(
        `LED frames: ${n}, first difference at frame ${f.first!.frame}${f.first!.strip ? ` of strip ${f.first!.strip}` : ''}, LED ${f.first!.led} (${f.first!.base} → ${f.first!.head})`,
      );
    else parts.push(`LED frames: the same pictures, ${f.base} → ${f.head} of them in the same run time`);
  }
  const s = d.serial;
  if (s) {
    const q = (l: string | null) => (l === null ? 'nothing' : JSON.stringify(l.length > 80 ? `${l.slice(0, 77)}...` : l));
    const lines =
      s.baseLines === s.headLines ? `${s.changed} of ${s.headLines} lines` : `${s.changed} lines (${s.baseLines} → ${s.headLines})`;
    parts.push(`serial: ${lines} changed, first line ${s.first.line}: ${q(s.first.base)} → ${q(s.first.head)}`);
  }
  return parts.join('; ');
}
