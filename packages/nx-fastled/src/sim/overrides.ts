// Per-example simulation settings written in the sketch, on a comment line of the main .ino:
//   // @nx-fastled-sim: ms=8000 pins=5 order=RGB leds=50 clocked=11,13 loops=10 skip
// ms: simulated time (AVR); pins: only these Arduino pins are read as one-wire strips (when another pin
// toggles fast enough to look like LED data); order: the strip's wire colour order (default GRB for one-wire,
// BGR for clocked); leds: LEDs per strip (cuts trailing bytes); clocked=<data>,<clock>: an APA102-style strip
// bit-banged on those pins (the hardware SPI is always decoded); loops: loop() count on native; skip: do not
// run this example at all. Unknown keys are an error naming the file and line.
import { COLOR_ORDERS, ColorOrder } from './led-decoders';

export interface SimOverrides {
  ms?: number;
  pins?: number[];
  order?: ColorOrder;
  leds?: number;
  clocked?: { data: number; clock: number };
  loops?: number;
  skip?: boolean;
}

export class OverrideError extends Error {}

const MARKER = /^\s*\/\/\s*@nx-fastled-sim:?\s*(.*)$/;

export function parseOverrides(text: string, file: string): SimOverrides {
  const out: SimOverrides = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = MARKER.exec(lines[i]);
    if (!m) continue;
    const where = `${file}:${i + 1}`;
    for (const word of m[1].trim().split(/\s+/).filter(Boolean)) {
      const [key, value = ''] = word.split('=', 2);
      const int = (v: string) => {
        if (!/^\d+$/.test(v)) throw new OverrideError(`${where}: @nx-fastled-sim ${key}=${v}: expected a whole number`);
        return Number(v);
      };
      if (key === 'skip') out.skip = true;
      else if (key === 'ms') out.ms = int(value);
      else if (key === 'leds') out.leds = int(value);
      else if (key === 'loops') out.loops = int(value);
      else if (key === 'pins') out.pins = value.split(',').map(int);
      else if (key === 'order') {
        const o = value.toUpperCase() as ColorOrder;
        if (!COLOR_ORDERS.includes(o))
          throw new OverrideError(`${where}: @nx-fastled-sim order=${value}: expected one of ${COLOR_ORDERS.join(', ')}`);
        out.order = o;
      } else if (key === 'clocked') {
        const [data, clock] = value.split(',').map(int);
        if (clock === undefined) throw new OverrideError(`${where}: @nx-fastled-sim clocked=${value}: expected <data pin>,<clock pin>`);
        out.clocked = { data, clock };
      } else
        throw new OverrideError(`${where}: unknown @nx-fastled-sim setting "${key}" (known: ms, pins, order, leds, clocked, loops, skip)`);
    }
  }
  return out;
}
