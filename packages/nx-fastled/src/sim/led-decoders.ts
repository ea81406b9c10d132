// LED data decoded from what the simulated MCU does with its pins.
//
// One-wire (WS2812 family): every pin is watched; a high pulse shorter than `maxBitNs` is a bit, 1 when
// longer than `oneNs` (WS2812: T0H ~400 ns, T1H ~800 ns; 580 ns is 9.3 cycles at 16 MHz), MSB first.
// A frame (one show()) ends when the line stays low longer than `latchNs` (the chip's reset time; FastLED
// waits >= 50 us between frames), or when the run ends. A long high pulse (a blinking LED, a button pin)
// is not data and ends any frame in progress. Bytes are grouped by 3 in the wire order (GRB by default,
// what WS2812/NEOPIXEL strips expect) and reordered to RGB.
//
// Clocked (APA102 / SK9822 / DotStar): bytes from the hardware SPI, or from bit-banged data + clock pins
// (sampled on the clock's rising edge, MSB first). A frame starts with a 32-bit zero start frame; each LED is
// 0b111bbbbb (5-bit global brightness, not applied here) then B, G, R. The frame ends at the next start
// frame or at the end of the run; trailing end-frame words (0xFF000000 / 0xFFFFFFFF) are dropped, which also
// drops real trailing LEDs showing exactly that unless the LED count is given (`leds=`).

export interface Frame {
  /** Simulated time of the frame's first bit, in ms. */
  atMs: number;
  /** R, G, B per LED. */
  rgb: Uint8Array;
}

export interface Strip {
  /** Arduino pin name as the board labels it, e.g. `D3`, or `SPI` for the hardware SPI. */
  pin: string;
  chipset: 'ws2812' | 'apa102';
  /** Wire order the bytes were read in (the frames are RGB). */
  order: string;
  frames: Frame[];
}

export type ColorOrder = 'RGB' | 'RBG' | 'GRB' | 'GBR' | 'BRG' | 'BGR';
export const COLOR_ORDERS: ColorOrder[] = ['RGB', 'RBG', 'GRB', 'GBR', 'BRG', 'BGR'];

function reorder(wire: Uint8Array, order: ColorOrder, leds?: number): Uint8Array {
  const n = Math.min(Math.floor(wire.length / 3), leds ?? Infinity);
  const out = new Uint8Array(n * 3);
  const at = { R: order.indexOf('R'), G: order.indexOf('G'), B: order.indexOf('B') };
  for (let i = 0; i < n; i++) {
    out[i * 3] = wire[i * 3 + at.R];
    out[i * 3 + 1] = wire[i * 3 + at.G];
    out[i * 3 + 2] = wire[i * 3 + at.B];
  }
  return out;
}

export interface OneWireTiming {
  clockHz: number;
  oneNs?: number;
  maxBitNs?: number;
  latchNs?: number;
}

/** Decodes one pin. `edge(level, cycle)` on every change of the pin; `flush(cycle)` at the end. */
export class OneWireDecoder {
  private readonly one: number;
  private readonly maxBit: number;
  private readonly latch: number;
  private high = false;
  private riseAt = 0;
  private lastFall = 0;
  private startAt = 0;
  private bytes: number[] = [];
  private cur = 0;
  private nbits = 0;
  readonly frames: Frame[] = [];

  constructor(
    private readonly timing: OneWireTiming,
    private readonly order: ColorOrder,
    private readonly leds?: number,
  ) {
    const c = timing.clockHz / 1e9;
    this.one = (timing.oneNs ?? 580) * c;
    this.maxBit = (timing.maxBitNs ?? 2500) * c;
    this.latch = (timing.latchNs ?? 9000) * c;
  }

  edge(level: boolean, cycle: number): void {
    if (level === this.high) return;
    this.high = level;
    if (level) {
      if (this.nbits + this.bytes.length > 0 && cycle - this.lastFall > this.latch) this.finish();
      this.riseAt = cycle;
      return;
    }
    const width = cycle - this.riseAt;
    if (width > this.maxBit) {
      this.finish();
      return;
    }
    if (this.nbits === 0 && this.bytes.length === 0) this.startAt = this.riseAt;
    this.cur = (this.cur << 1) | (width > this.one ? 1 : 0);
    if (++this.nbits === 8) {
      this.bytes.push(this.cur);
      this.cur = 0;
      this.nbits = 0;
    }
    this.lastFall = cycle;
  }

  /** Ends a frame whose latch time has passed (called at the end of a run, or periodically). */
  flush(cycle: number): void {
    if (!this.high && this.bytes.length > 0 && cycle - this.lastFall > this.latch) this.finish();
  }

  private finish(): void {
    // Fewer than one LED's worth of bits is a glitch, not a show().
    if (this.bytes.length >= 3) {
      this.frames.push({ atMs: (this.startAt / this.timing.clockHz) * 1000, rgb: reorder(Uint8Array.from(this.bytes), this.order, this.leds) });
    }
    this.bytes = [];
    this.cur = 0;
    this.nbits = 0;
  }
}

/** APA102-style frames from a byte stream (hardware SPI or bit-banged pins). */
export class ClockedDecoder {
  private bytes: number[] = [];
  private times: number[] = [];
  private bitCur = 0;
  private nbits = 0;
  private clockHigh = false;
  readonly frames: Frame[] = [];

  constructor(
    private readonly clockHz: number,
    private readonly order: ColorOrder = 'BGR',
    private readonly leds?: number,
  ) {}

  /** A bit-banged clock edge; the data pin's level is sampled on the rising edge. */
  clockEdge(level: boolean, data: boolean, cycle: number): void {
    if (level === this.clockHigh) return;
    this.clockHigh = level;
    if (!level) return;
    this.bitCur = (this.bitCur << 1) | (data ? 1 : 0);
    if (++this.nbits === 8) {
      this.byte(this.bitCur, cycle);
      this.bitCur = 0;
      this.nbits = 0;
    }
  }

  byte(value: number, cycle: number): void {
    this.bytes.push(value & 0xff);
    this.times.push(cycle);
    const n = this.bytes.length;
    // A start frame (four zero bytes) after at least one LED word: what came before is a finished frame.
    if (n >= 8 && value === 0 && this.bytes[n - 2] === 0 && this.bytes[n - 3] === 0 && this.bytes[n - 4] === 0) {
      const done = this.bytes.splice(0, n - 4);
      const at = this.times.splice(0, n - 4);
      this.emit(done, at[0]);
    }
  }

  flush(): void {
    if (this.bytes.length) this.emit(this.bytes, this.times[0]);
    this.bytes = [];
    this.times = [];
  }

  private emit(bytes: number[], at: number): void {
    let i = 0;
    while (i + 4 <= bytes.length && bytes[i] === 0 && bytes[i + 1] === 0 && bytes[i + 2] === 0 && bytes[i + 3] === 0) i += 4;
    const words: number[][] = [];
    for (; i + 4 <= bytes.length; i += 4) {
      if ((bytes[i] & 0xe0) !== 0xe0) break;
      words.push(bytes.slice(i, i + 4));
    }
    const endWord = (w: number[]) => w[0] === 0xff && ((w[1] === 0 && w[2] === 0 && w[3] === 0) || (w[1] === 0xff && w[2] === 0xff && w[3] === 0xff));
    if (this.leds === undefined) while (words.length && endWord(words[words.length - 1])) words.pop();
    if (!words.length) return;
    this.frames.push({ atMs: (at / this.clockHz) * 1000, rgb: reorder(Uint8Array.from(words.flatMap((w) => w.slice(1))), this.order, this.leds) });
  }
}
