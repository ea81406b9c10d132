import { parseDirectives } from './directives';

describe('parseDirectives', () => {
  it('reads every include form with its line', () => {
    const d = parseDirectives(
      ['#include "a.h"', '  #  include   <b/c.h>', '#import "d.h"', '#include_next <e.h>', '#embed "f.bin" limit(4)'].join('\n'),
    );
    expect(d.refs).toEqual([
      { kind: 'include', angle: false, spec: 'a.h', line: 1 },
      { kind: 'include', angle: true, spec: 'b/c.h', line: 2 },
      { kind: 'include', angle: false, spec: 'd.h', line: 3 },
      { kind: 'next', angle: true, spec: 'e.h', line: 4 },
      { kind: 'include', angle: false, spec: 'f.bin', line: 5 },
    ]);
  });

  it('reports computed includes and computed probes', () => {
    const d = parseDirectives('#include HEADER\n#if __has_include(NAME)\n#endif\n#include STR(x)\n');
    expect(d.computed).toEqual([
      { line: 1, text: 'HEADER' },
      { line: 2, text: '__has_include(NAME)' },
      { line: 4, text: 'STR(x)' },
    ]);
    expect(d.refs).toEqual([]);
  });

  it('keeps physical line numbers across continuations, CRLF and multi-line comments', () => {
    const d = parseDirectives('/* one\r\ntwo */\r\n#include \\\r\n "a.h"\r\n#include "b.h"\r\n');
    expect(d.refs.map((r) => [r.spec, r.line])).toEqual([
      ['a.h', 3],
      ['b.h', 5],
    ]);
  });

  it('records macros that forward a parameter to __has_include, and calls with header names', () => {
    const d = parseDirectives('#define HAS(x) __has_include(x)\n#define H2(a, b) HAS(b)\n#if H2(1, <x.h>) && HAS("y.h")\n#endif\n');
    expect(d.forwards).toEqual([
      { macro: 'HAS', param: 0, callee: '__has_include', arg: 0 },
      { macro: 'H2', param: 1, callee: 'HAS', arg: 0 },
    ]);
    expect(d.calls).toEqual([
      { name: 'H2', line: 3, args: [null, { angle: true, spec: 'x.h' }] },
      { name: 'HAS', line: 3, args: [{ angle: false, spec: 'y.h' }] },
    ]);
  });

  it('sees the probes of gcc 5 spelling and a BOM before the first directive', () => {
    const d = parseDirectives('\ufeff#include "a.h"\n#if __has_include__(<b.h>)\n#endif\n');
    expect(d.refs).toEqual([
      { kind: 'include', angle: false, spec: 'a.h', line: 1 },
      { kind: 'include', angle: true, spec: 'b.h', line: 2, probe: true },
    ]);
  });

  it('does not treat a # in the middle of a line as a directive', () => {
    expect(parseDirectives('x = 1; #include "a.h"\n#define S(x) #x\n').refs).toEqual([]);
  });
});
