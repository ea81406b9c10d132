// Decoders, overrides, HEX parsing and frame comparison, without a compiler (the end-to-end runs with real
// firmware are in test/simulate.spec.ts).
import { ClockedDecoder, OneWireDecoder } from './led-decoders';
import { OverrideError, parseOverrides } from './overrides';
import { HexError, parseIntelHex } from './intel-hex';
import { compareFrames, FRAMES_FORMAT, FramesFile } from './frames-file';
import { mcuFromFlags, mcuProfile } from './mcu';
import { describeOutputDiff, diffOutputs } from './output-diff';

const hex = (u: Uint8Array) => Buffer.from(u).toString('hex');

describe('one-wire (WS2812) decoder', () => {
  // 16 MHz: a 1 is 13 cycles high, a 0 is 5; 20 cycles per bit.
  function send(d: OneWireDecoder, bytes: number[], at: number): number {
    let c = at;
    for (const byte of bytes) {
      for (let bit = 7; bit >= 0; bit--) {
        d.edge(true, c);
        d.edge(false, c + ((byte >> bit) & 1 ? 13 : 5));
        c += 20;
      }
    }
    return c;
  }

  it('reads GRB bytes as RGB, one frame per latch, with the time of the first bit', () => {
    const d = new OneWireDecoder({ clockHz: 16e6 }, 'GRB');
    const c = send(d, [0x00, 0xff, 0x10, 0x80, 0x00, 0x01], 1600);
    send(d, [0x01, 0x02, 0x03], c + 16000); // 1 ms later: past the latch
    d.flush(Infinity);
    expect(d.frames.map((f) => [f.atMs, hex(f.rgb)])).toEqual([
      [0.1, 'ff00100080' + '01'],
      [expect.closeTo(1.1 + 0.0075 * 8, 2), '020103'],
    ]);
  });

  it('a long high pulse (a blinking LED) is not data and ends the frame', () => {
    const d = new OneWireDecoder({ clockHz: 16e6 }, 'RGB');
    const c = send(d, [1, 2, 3], 0);
    d.edge(true, c + 10);
    d.edge(false, c + 10 + 16e6 / 2);
    d.flush(Infinity);
    expect(d.frames.map((f) => hex(f.rgb))).toEqual(['010203']);
  });
});

describe('clocked (APA102) decoder', () => {
  it('FastLED on AVR: a stray fifth start byte, 20 LEDs, a white last LED kept, the end word dropped', () => {
    const d = new ClockedDecoder(16e6, 'RGB');
    const frame = [0, 0, 0, 0, 0];
    for (let i = 0; i < 20; i++) frame.push(0xff, Math.round((i * 255) / 19), 0, 0);
    frame.push(0xff, 0xff, 0xff, 0xff);
    let c = 0;
    for (const rep of [0, 1]) for (const b of frame) d.byte(b, (c += 16) + rep);
    d.flush();
    expect(d.frames).toHaveLength(2);
    expect(d.frames[0].rgb.length).toBe(60);
    expect(hex(d.frames[0].rgb.subarray(57))).toBe('ff0000');
  });
});

describe('overrides', () => {
  it('reads the sketch comment', () => {
    expect(parseOverrides('// x\n// @nx-fastled-sim: ms=8000 pins=5,6 order=rgb leds=50 clocked=11,13 loops=3 skip\n', 'a.ino')).toEqual({
      ms: 8000,
      pins: [5, 6],
      order: 'RGB',
      leds: 50,
      clocked: { data: 11, clock: 13 },
      loops: 3,
      skip: true,
    });
  });
  it('names the file and line of a bad setting', () => {
    expect(() => parseOverrides('\n\n// @nx-fastled-sim: speed=2', 'ex/a.ino')).toThrow(
      new OverrideError('ex/a.ino:3: unknown @nx-fastled-sim setting "speed" (known: ms, pins, order, leds, clocked, loops, skip)'),
    );
    expect(() => parseOverrides('// @nx-fastled-sim: order=XYZ', 'a.ino')).toThrow(/a\.ino:1: .*order=XYZ: expected one of RGB/);
  });
});

describe('Intel HEX and MCUs', () => {
  it('loads data records and refuses a bad checksum with the line', () => {
    const flash = parseIntelHex(':0400000001020304F2\n:00000001FF\n', 16);
    expect(hex(flash)).toBe('01020304' + 'ff'.repeat(12));
    expect(() => parseIntelHex(':0400000001020304F3\n', 16, 'x.hex')).toThrow(
      new HexError('x.hex:1: checksum mismatch; the file is corrupt'),
    );
  });
  it('takes MCU and clock from the board flags; says why a Mega or Leonardo is not simulated', () => {
    expect(mcuFromFlags(['-c', '-mmcu=atmega328p', '-DF_CPU=16000000L'])).toEqual({ mcu: 'atmega328p', clockHz: 16e6 });
    expect(mcuProfile('atmega2560')).toEqual({ unsupported: expect.stringMatching(/^MCU atmega2560 cannot be simulated: the Mega/) });
    expect(mcuProfile('atmega32u4')).toEqual({ unsupported: expect.stringMatching(/USB CDC/) });
  });
});

describe('frames comparison', () => {
  const file = (board: string, frames: [number | null, string][]): FramesFile => ({
    format: FRAMES_FORMAT,
    board,
    runner: 'x',
    settings: {},
    ok: true,
    failure: null,
    notes: [],
    ranMs: null,
    loopAtMs: null,
    serial: '',
    stderr: '',
    strips: [{ pin: 'D1', chipset: 'x', order: 'RGB', leds: 2, frames }],
  });
  it('compares distinct pictures by index and points at the first differing LED', () => {
    const c = compareFrames(
      file('uno', [
        [1, 'ff000000ff00'],
        [2, '0000ff0000ff'],
      ]),
      file('native', [
        [null, 'ff000000ff00'],
        [null, '0000ff0000fe'],
        [null, '000000000000'],
      ]),
    );
    expect(c).toEqual({ compared: 2, equal: 1, shape: [], firstDifference: { strip: 0, frame: 1, led: 1, a: '0000ff', b: '0000fe' } });
  });
});

describe('output diff (a pull request against its base)', () => {
  const run = (frames: [number | null, string, number?][], serial = '', more: Partial<FramesFile> = {}): FramesFile => ({
    format: FRAMES_FORMAT,
    board: 'uno',
    runner: 'x',
    settings: {},
    ok: true,
    failure: null,
    notes: [],
    ranMs: 100,
    loopAtMs: 1,
    serial,
    stderr: '',
    strips: [{ pin: 'D6', chipset: 'ws2812', order: 'GRB', leds: 2, frames: frames as FramesFile['strips'][0]['frames'] }],
    ...more,
  });

  it('ignores times and repeat counts: the same pictures are the same output', () => {
    expect(diffOutputs(run([[1, 'ff0000000000', 3]], 'a\r\n'), run([[1.7, 'ff0000000000', 5]], 'a\r\n'))).toBeUndefined();
  });

  it('names the first differing frame and LED, and the first changed serial line', () => {
    const d = diffOutputs(
      run(
        [
          [1, 'ff0000000000'],
          [2, 'ff0000ff0000'],
        ],
        'hello base\r\ntick\r\n',
      ),
      run(
        [
          [1, 'ff0000000000'],
          [2, 'ff00000000ff'],
        ],
        'hello head\r\ntick\r\n',
      ),
    )!;
    expect(d).toEqual({
      frames: { base: 2, head: 2, kind: 'pictures', first: { strip: 0, frame: 1, led: 1, base: 'ff0000', head: '0000ff' }, shape: [] },
      serial: { baseLines: 2, headLines: 2, changed: 1, first: { line: 1, base: 'hello base', head: 'hello head' } },
    });
    expect(describeOutputDiff(d)).toBe(
      'LED frames: 2 frames, first difference at frame 1, LED 1 (ff0000 → 0000ff); serial: 1 of 2 lines changed, first line 1: "hello base" → "hello head"',
    );
  });

  it('the same pictures, fewer of them (slower code); lines only one side has; a verdict that changed', () => {
    const fail = { ok: false, failure: { kind: 'reset-loop', atMs: 50, message: 'reset loop: ...' } } as Partial<FramesFile>;
    const d = diffOutputs(
      run(
        [
          [1, 'aa0000000000'],
          [2, 'bb0000000000'],
        ],
        'x\ny\n',
      ),
      run([[1, 'aa0000000000']], 'x\n', fail),
    )!;
    expect(d.frames).toEqual({ base: 2, head: 1, kind: 'count', shape: [] });
    expect(d.serial).toEqual({ baseLines: 2, headLines: 1, changed: 1, first: { line: 2, base: 'y', head: null } });
    expect(d.verdict).toEqual({ base: 'ok', head: 'reset-loop' });
    expect(describeOutputDiff(d)).toBe(
      'ok → reset-loop; LED frames: the same pictures, 2 → 1 of them in the same run time; serial: 1 lines (2 → 1) changed, first line 2: "y" → nothing',
    );
  });

  it('another strip layout', () => {
    const head = run([[1, 'ff0000']]);
    head.strips[0].leds = 1;
    expect(diffOutputs(run([[1, 'ff0000000000']]), head)!.frames).toMatchObject({
      kind: 'strips',
      shape: ['strip 0: 2 LEDs on D6 (ws2812) → 1 LEDs on D6 (ws2812)'],
    });
  });
});
