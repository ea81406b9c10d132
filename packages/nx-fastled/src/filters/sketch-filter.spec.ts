// Tests of the FastLED filter: parsing, FastLED's (non-boolean) semantics checked against its Python,
// errors with file and line, and the admitted sets over FastLED's own examples when vendor/FastLED is there.

import { existsSync, readdirSync, readFileSync } from 'fs';
import { join, relative } from 'path';
import { admits, BoardTraits, booleanValue, FASTLED_BOARD_TRAITS, FilterError, parseFilters } from './index';

const { uno, native } = FASTLED_BOARD_TRAITS;
const teensy41: BoardTraits = { board: 'teensy41', platform: 'teensy', family: 'teensy', target: 'IMXRT1062', memory: 'huge' };
const admitted = (line: string, b: BoardTraits) => admits(parseFilters(line, 'x.ino'), b).admitted;

describe('parseFilters', () => {
  it('returns null without a directive and ignores @filter-out / @end-filter lines', () => {
    expect(parseFilters('void setup() {}\n', 'a.ino')).toBeNull();
    expect(parseFilters('// @filter-out: STUB\n', 'a.ino')).toBeNull();
  });

  it.each([
    '// @filter: (memory is large)',
    '/// @filter: (memory is large)',
    '// @filter (memory is large)',
    '//@filter:(mem is large)',
    '// @filter: (mem=large)',
    '// @filter: (mem : large)  // trailing comment (with parentheses)',
  ])('reads %s', (line) => {
    const f = parseFilters(`#include <FastLED.h>\n${line}\n`, 'a.ino');
    expect(f).toMatchObject({ file: 'a.ino', line: 2, require: [{ key: 'memory', values: ['large'] }], exclude: [] });
  });

  it('uses the first directive of the file', () => {
    const f = parseFilters('// @filter: (platform is avr)\n// @filter: (platform is esp32)\n', 'a.ino');
    expect(f?.require).toEqual([{ key: 'platform', values: ['avr'], source: '// @filter: (platform is avr)', line: 1 }]);
  });

  it('collects conditions per property as FastLED does (values of one property are alternatives)', () => {
    const f = parseFilters('// @filter: ((platform is avr) and not (board is attiny*)) or (platform is teensy)', 'p.ino');
    expect(f?.require.map((c) => [c.key, c.values])).toEqual([['platform', ['avr', 'teensy']]]);
    expect(f?.exclude.map((c) => [c.key, c.values])).toEqual([['board', ['attiny*']]]);
  });

  it('reads the block form', () => {
    const text = '// @filter\n// require:\n//   - board: esp32s3,teensy41|rp2350\n// exclude:\n//   - tgt: esp32p4\n// @end-filter\n';
    const f = parseFilters(text, 'b.ino');
    expect(f?.require).toEqual([
      { key: 'board', values: ['esp32s3', 'teensy41', 'rp2350'], source: '//   - board: esp32s3,teensy41|rp2350', line: 3 },
    ]);
    expect(f?.exclude.map((c) => [c.key, c.values])).toEqual([['target', ['esp32p4']]]);
    expect(admitted(text, teensy41)).toBe(true);
    expect(admitted(text, uno)).toBe(false);
  });

  it.each([
    ['// @filter: memory is large', 1, /unexpected 'memory'/],
    ['\n// @filter: (memory is large', 2, /condition '\(memory is large' is not closed: add '\)'/],
    ['// @filter: ((memory is large)', 1, /expected '\)' at the end: balance the parentheses/],
    ['// @filter: (memory is large) (board is uno)', 1, /unexpected condition \(board is uno\): join conditions with and\/or/],
    ['// @filter: (memory is large) and', 1, /ends too early/],
    ['// @filter: (colour is red)', 1, /unknown property 'colour': use memory \(mem\), platform/],
    ['// @filter: (memory is )', 1, /has no value/],
    ['// @filter: (memory is large) AND (board is uno)', 1, /unexpected 'AND'/],
    ['// @filter: ()', 1, /expected a condition like \(memory is large\) but found '\)'/],
    ['\n\n// @filter\n// require:\n', 3, /no `\/\/ @end-filter` line/],
    ['// @filter\n// require:\n//   board uno\n// @end-filter', 3, /expected 'require:', 'exclude:' or '- key: value'/],
    ['// @filter\n//   - board: uno\n// @end-filter', 2, /must follow a `require:` or `exclude:`/],
  ])('rejects %j at line %i', (text, line, message) => {
    let err: unknown;
    try {
      parseFilters(text, 'examples/X/X.ino');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FilterError);
    expect(err).toMatchObject({ file: 'examples/X/X.ino', line });
    expect((err as Error).message).toMatch(new RegExp(`^examples/X/X.ino:${line}: `));
    expect((err as Error).message).toMatch(message);
  });
});

describe('admits: FastLED semantics', () => {
  // Expected values produced by FastLED's own ci/compiler/sketch_filter.py (parse_oneline_filter +
  // should_skip_sketch) at f10a1e77 for boards with the traits above (teensy41: teensy/huge/IMXRT1062).
  // Note the rows where FastLED differs from boolean logic: `or` across properties acts as `and`, and a
  // `not` before a parenthesised group negates nothing.
  const PYTHON: [string, boolean, boolean, boolean][] = [
    // expression                                                 uno    native teensy41
    ['not (platform is avr) and (memory is low)', false, true, true],
    ['not (platform is teensy) and (memory is low)', true, true, false],
    ['not ((platform is avr) and (memory is large))', false, false, false],
    ['(platform is avr) or (memory is huge)', false, false, false],
    ['(platform is avr) or (platform is teensy)', true, false, true],
    ['(memory is large) or (board is uno)', false, false, false],
    ['not not (platform is avr)', false, true, true],
    ['(platform is not avr) or (board is uno)', false, false, false],
    ['(board is not uno)', false, true, true],
    ['not (board is not uno)', true, false, false],
    ['(mem=large)', false, true, true],
    ['(plat:esp32*) and (tgt is not esp32p4)', false, false, false],
    ['(target is -D__AVR__) or (board is uno)', false, false, false],
    ['(memory is high)', false, true, false],
    ['(memory is tiny)', true, true, true],
    ['(memory is huge)', false, false, true],
    ['(memory is not low)', false, true, true],
    ['(board matches uno*)', true, false, false],
    ['(BOARD is UNO)', true, false, false],
    ['(platform is "avr")', true, false, false],
    ['(target is ATMEGA328?)', false, false, false],
    ['(board is [tu]*)', true, false, true],
    ['(platform is teensy) and (target is Teensy40 or Teensy41)', false, false, false],
  ];
  it.each(PYTHON)('%s -> uno %s, native %s, teensy41 %s', (expr, u, n, t) => {
    const line = `// @filter: ${expr}`;
    expect([admitted(line, uno), admitted(line, native), admitted(line, teensy41)]).toEqual([u, n, t]);
  });

  it('parses precedence as not > and > or (the boolean reading)', () => {
    const e = parseFilters('// @filter: not (platform is avr) and (memory is low) or (board is uno)', 'x.ino')?.expression;
    expect(e).toMatchObject({ type: 'or', operands: [{ type: 'and', operands: [{ type: 'not' }, { type: 'cond' }] }, { type: 'cond' }] });
    const attiny85: BoardTraits = { board: 'attiny85', platform: 'atmelavr', family: 'avr', target: 'ATTINY85', memory: 'tiny' };
    expect(booleanValue(e!, uno)).toBe(true);
    expect(booleanValue(e!, teensy41)).toBe(true);
    expect(booleanValue(e!, attiny85)).toBe(false);
  });

  it('explains a rejection by quoting the directive', () => {
    expect(admits(parseFilters('// @filter: (memory is large)\n', 'a.ino'), uno)).toEqual({
      admitted: false,
      reason: '// @filter: (memory is large) — uno has memory low',
    });
    expect(admits(parseFilters('// @filter: (board is not uno)\n', 'a.ino'), uno)).toEqual({
      admitted: false,
      reason: '// @filter: (board is not uno) — uno has board uno, which it excludes',
    });
    expect(admits(null, uno)).toEqual({ admitted: true });
  });
});

// FastLED's examples: only where the submodule is checked out (CI has no FastLED).
const FASTLED = join(__dirname, '../../../../vendor/FastLED');
const EXAMPLES = join(FASTLED, 'examples');
const haveFastLED = existsSync(join(EXAMPLES, 'Blink/Blink.ino'));
if (!haveFastLED) {
  console.warn(`vendor/FastLED is absent (${FASTLED}): the FastLED example filter tests are skipped`);
}
const withFastLED = haveFastLED ? describe : describe.skip;

/** Example folders (relative to examples/) and the main .ino FastLED's CI reads the filter from. */
function fastledExamples(): { path: string; main: string }[] {
  const out: { path: string; main: string }[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    const inos = entries.filter((e) => e.isFile() && e.name.endsWith('.ino')).map((e) => e.name);
    const base = dir.split('/').pop() as string;
    const main = inos.includes(`${base}.ino`) ? `${base}.ino` : inos.length === 1 ? inos[0] : null;
    if (main) out.push({ path: relative(EXAMPLES, dir), main: join(dir, main) });
    for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
  };
  walk(EXAMPLES);
  return out.sort((a, b) => (a.path < b.path ? -1 : 1));
}

// /work/shared/data/fastled-f10a1e77-uno-admitted.tsv, first column (FastLED's own filter for uno).
const UNO_ADMITTED = [
  'AnalogOutput',
  'Apa102',
  'Apa102HD',
  'AudioFftParity',
  'Blink',
  'Blur',
  'ColorPalette',
  'ColorTemperature',
  'Cylon',
  'Fire2012',
  'Fire2012WithPalette',
  'FirstLight',
  'HD107',
  'Multiple/ArrayOfLedArrays',
  'Multiple/MultipleStripsInOneArray',
  'Noise',
  'ParallelSPI',
  'PerfDisc',
  'PinMode',
  'Pintest',
  'Pride2015',
  'RGBCalibrate',
  'RGBSetDemo',
  'RGBW',
  'RGBWColorimetric',
  'RGBWEmulated',
  'SpecialDrivers/Adafruit/AdafruitBridge',
  'Test',
  'TwinkleFox',
  'WS2816',
  'XYMatrix',
];
// Rejected for the host build by FastLED's filter_examples_for_stub.py (its stub board) at f10a1e77.
const NATIVE_REJECTED = [
  'Asio/Client',
  'Audio',
  'AudioInput',
  'AudioReactive',
  'AutoResearch',
  'Esp8266Uart',
  'Multiple/ParallelOutputDemo',
  'OTA',
  'Pintest',
  'Ports/PJRCSpectrumAnalyzer',
  'RX',
  'SmartMatrix',
  'SpecialDrivers/ESP/DriverTest',
  'SpecialDrivers/RP/Parallel_IO',
  'SpecialDrivers/Teensy/ObjectFLED/TeensyMassiveParallel',
  'SpecialDrivers/Teensy/OctoWS2811/OctoWS2811',
  'SpecialDrivers/Teensy/OctoWS2811/OctoWS2811Demo',
  'hydropack',
];

withFastLED('FastLED f10a1e77 examples', () => {
  const judge = (traits: BoardTraits) =>
    fastledExamples().map((ex) => {
      const f = parseFilters(readFileSync(ex.main, 'utf8'), relative(join(FASTLED, '../..'), ex.main));
      return { ...ex, filters: f, result: admits(f, traits) };
    });

  it('has 111 examples, all with parseable filters', () => {
    expect(fastledExamples()).toHaveLength(111);
    expect(() => judge(uno)).not.toThrow();
  });

  it('admits exactly the 31 examples of the uno list', () => {
    const tsv = '/work/shared/data/fastled-f10a1e77-uno-admitted.tsv';
    if (existsSync(tsv)) {
      const listed = readFileSync(tsv, 'utf8')
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => l.split('\t')[0]);
      expect([...listed].sort()).toEqual([...UNO_ADMITTED].sort());
    }
    const got = judge(uno)
      .filter((e) => e.result.admitted)
      .map((e) => e.path);
    expect(got.sort()).toEqual([...UNO_ADMITTED].sort());
  });

  it('admits 93 examples for native and explains the 18 it rejects', () => {
    const all = judge(native);
    const rejected = all.filter((e) => !e.result.admitted);
    expect(all.length - rejected.length).toBe(93);
    expect(rejected.map((e) => e.path).sort()).toEqual([...NATIVE_REJECTED].sort());
    const hydro = rejected.find((e) => e.path === 'hydropack')?.result;
    expect(hydro).toEqual({ admitted: false, reason: '// @filter: (mem is large) and (platform is esp32*) — native has platform native' });
  });

  it('reads the same on uno and native whether FastLED semantics or boolean logic is used', () => {
    for (const traits of [uno, native]) {
      for (const e of judge(traits)) {
        if (e.filters?.expression) expect([e.path, booleanValue(e.filters.expression, traits)]).toEqual([e.path, e.result.admitted]);
      }
    }
  });
});
