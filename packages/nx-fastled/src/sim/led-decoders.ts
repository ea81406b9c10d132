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
// frame or at the end of the run; FastLED's end words (floor(n/32) + 1 words of 0xFFFFFFFF after n LEDs) are
// recognised by their count and dropped; give `leds=` for a library whose end frame differs.

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
      this.frames.push({
        atMs: (this.startAt / this.timing.clockHz) * 1000,
        rgb: reorder(Uint8Array.from(this.bytes), this.order, this.leds),
      });
    }
    this.bytes = [];
    this.cur = 0;
    this.nbits = 0;
  }
}

/** APA102-style frames from a byte stream (hardware SPI or bit-banged pins). */
export class ClockedDecoder {
  private zeros = 0;
  private inFrame = false;
  private words: number[][] = [];
  private word: number[] = [];
  private startAt = 0;
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

  /**
   * At least four zero bytes start a frame (FastLED sends a fifth, stray, zero byte on AVR: counting zeros
   * rather than words tolerates it); LED words follow while their first byte has the 0b111 header; the first
   * byte without it ends the frame.
   */
  byte(value: number, cycle: number): void {
    const b = value & 0xff;
    if (this.inFrame) {
      if (this.word.length === 0 && (b & 0xe0) !== 0xe0) {
        this.emit();
        this.zeros = b === 0 ? 1 : 0;
        return;
      }
      this.word.push(b);
      if (this.word.length === 4) {
        this.words.push(this.word);
        this.word = [];
      }
      return;
    }
    if (b === 0) {
      this.zeros++;
      return;
    }
    if (this.zeros >= 4 && (b & 0xe0) === 0xe0) {
      this.inFrame = true;
      this.startAt = cycle;
      this.word = [b];
      this.words = [];
    }
    this.zeros = 0;
  }

  flush(): void {
    if (this.inFrame) this.emit();
  }

  private emit(): void {
    this.inFrame = false;
    const words = this.words;
    this.words = [];
    this.word = [];
    // FastLED ends a frame of n LEDs with floor(n / 32) + 1 end words (0xFFFFFFFF for APA102): find the n
    // whose end words fit and drop them when they are end words. An end word looks like an LED to a strip,
    // which is why the count matters: a white last LED is real, the word after it is not.
    if (this.leds === undefined) {
      const total = words.length;
      let n = total - 1;
      while (n > 0 && n + Math.floor(n / 32) + 1 > total) n--;
      const tail = words.slice(n);
      const endWord = (w: number[]) => w[0] === 0xff && w[1] === w[2] && w[2] === w[3] && (w[1] === 0 || w[1] === 0xff);
      if (n + Math.floor(n / 32) + 1 === total && tail.length && tail.every((w) => endWord(w) && w.join() === tail[0].join()))
        words.length = n;
    }
    if (!words.length) return;
    this.frames.push({
      atMs: (this.startAt / this.clockHz) * 1000,
      rgb: reorder(Uint8Array.from(words.flatMap((w) => w.slice(1))), this.order, this.leds),
    });
  }
}
