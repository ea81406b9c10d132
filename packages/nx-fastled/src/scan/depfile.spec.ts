import { parseDepfile } from './depfile';

describe('parseDepfile', () => {
  it('unescapes spaces and dollars and joins continuations', () => {
    expect(parseDepfile('x.o: a.cpp b\\ c.h \\\n d$$e.h a.cpp\n')).toEqual(['a.cpp', 'b c.h', 'd$e.h']);
  });
});
