import { lexFile, type MacroDef } from './directives';
import { expandHeaderNames, Unexpandable, type Definitions } from './macro-expand';

/** Definitions from #define lines (all of them: every branch). */
function defs(text: string, complete = true): Definitions {
  const all = lexFile(text, () => true).defines;
  return { lookup: (n) => all.filter((d: MacroDef) => d.name === n), complete };
}
const specs = (text: string, d: Definitions) =>
  expandHeaderNames(text, d)
    .map((h) => (h.angle ? `<${h.spec}>` : `"${h.spec}"`))
    .sort();

describe('expandHeaderNames', () => {
  it("expands avr-libc's device header (## pasting, nested calls, an undefined name kept as is)", () => {
    const d = defs(
      [
        '#define __concat__(a,b) a##b',
        '#define __header1__(a,b) __concat__(a,b)',
        '#define __AVR_DEVICE_HEADER__ <avr/__header1__(io,__AVR_DEV_LIB_NAME__).h>',
        '#define __AVR_DEV_LIB_NAME__ m328p',
      ].join('\n'),
    );
    // every combination of "defined as seen" and "not defined at this point"
    expect(specs('__AVR_DEVICE_HEADER__', d)).toEqual([
      '<avr/__concat__(io,__AVR_DEV_LIB_NAME__).h>',
      '<avr/__concat__(io,m328p).h>',
      '<avr/__header1__(io,__AVR_DEV_LIB_NAME__).h>',
      '<avr/__header1__(io,m328p).h>',
      '<avr/io__AVR_DEV_LIB_NAME__.h>',
      '<avr/iom328p.h>',
    ]);
  });

  it("stringifies FastLED's _FASTLED_STRINGIFY of an expanded argument, and variadic arguments", () => {
    const d = defs(['#define H(x) #x', '#define S(x) H(x)', '#define INO dir/sketch.ino', '#define V(...) #__VA_ARGS__'].join('\n'));
    expect(specs('S(INO)', d)).toContain('"dir/sketch.ino"');
    expect(specs('V(a, b)', d)).toEqual(['"a, b"']);
  });

  it('does not expand a macro inside its own expansion, and drops results that are not header names', () => {
    const d = defs(['#define LOOP LOOP', '#define H "h.h" junk'].join('\n'));
    expect(specs('LOOP', d)).toEqual([]);
    expect(specs('H', d)).toEqual(['"h.h"']);
  });

  it('refuses what it cannot bound: unknown predefined macros, __FILE__', () => {
    expect(() => expandHeaderNames('NAME', defs('', false))).toThrow(Unexpandable);
    expect(() => expandHeaderNames('__FILE__', defs(''))).toThrow(Unexpandable);
  });
});
