// The scanner against the compiler on vendor/FastLED (see validate-fastled.ts): zero misses allowed.
import * as fs from 'fs';
import * as path from 'path';
import { parseDepfile } from './depfile';
import { FASTLED, avrToolchain, formatReport, hasCommand, libraryUnits, sketchUnits, validate } from './validate-fastled';

const ws = path.resolve(__dirname, '../../../..');
const missing = !fs.existsSync(path.join(ws, FASTLED, 'src'))
  ? `${FASTLED} is absent`
  : !hasCommand('avr-g++')
    ? 'avr-g++ is not installed'
    : null;

describe('parseDepfile', () => {
  it('unescapes spaces and dollars and joins continuations', () => {
    expect(parseDepfile('x.o: a.cpp b\\ c.h \\\n d$$e.h a.cpp\n')).toEqual(['a.cpp', 'b c.h', 'd$e.h']);
  });
});

describe('FastLED closures vs avr-g++ -M', () => {
  if (missing) {
    it.skip(`skipped: ${missing}`, () => undefined);
    return;
  }
  it('never misses a file gcc reads', () => {
    const report = validate(ws, avrToolchain(), [...libraryUnits(ws), ...sketchUnits(ws, 4)]);
    const accepted = report.units.filter((u) => u.actual !== null);
    if (report.misses > 0) console.log(formatReport(report));
    expect(accepted.length).toBeGreaterThan(20);
    expect(report.units.flatMap((u) => u.misses.map((m) => `${u.tu}: ${m}`))).toEqual([]);
  }, 300_000);
});
