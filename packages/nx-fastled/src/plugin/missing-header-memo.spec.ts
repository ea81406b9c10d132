// MissingHeaderMemo.prefetch with the host g++: the questions of a resolution pass are answered side by side,
// a question that only the first answers reveal is asked in a later pass, and the real pass then asks nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MissingHeaderMemo, type ProbeRun } from './libraries';

describe('MissingHeaderMemo.prefetch (real g++ -M -MG)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-prefetch-'));
  fs.writeFileSync(path.join(dir, 'a.cpp'), '#include <Wire.h>\nint a;\n');
  fs.writeFileSync(path.join(dir, 'b.cpp'), '#include <SPI.h>\n#include <Nowhere.h>\n');
  fs.writeFileSync(path.join(dir, 'c.cpp'), '#if 0\n#include <Wire.h>\n#endif\n');
  const run =
    (file: string, candidates: string[]): (() => ProbeRun) =>
    () => ({ req: { driver: 'g++', flags: ['-c'], includeDirs: [], source: { file }, cwd: dir }, candidates: new Set(candidates) });

  it('answers every pass, including questions that depend on earlier answers, then serves them from the memo', async () => {
    const memo = new MissingHeaderMemo();
    const passes: string[][] = [];
    const ran = await memo.prefetch(() => {
      const asked: string[] = [];
      const a = memo.get('a', run('a.cpp', ['Wire.h']));
      asked.push(`a=${a.join(',')}`);
      // Only once a.cpp is known to miss Wire.h does resolution go on to b.cpp (a library was added).
      if (a.length) asked.push(`b=${memo.get('b', run('b.cpp', ['SPI.h'])).join(',')}`);
      asked.push(`c=${memo.get('c', run('c.cpp', ['Wire.h'])).join(',')}`);
      passes.push(asked);
    }, 2);
    expect(ran).toBe(3);
    // Pass 1 asks a and c (answers unknown: taken as nothing missing); pass 2 knows a's answer and asks b;
    // pass 3 asks nothing new.
    expect(passes).toEqual([
      ['a=', 'c='],
      ['a=Wire.h', 'b=', 'c='],
      ['a=Wire.h', 'b=SPI.h', 'c='],
    ]);
    const never = (): ProbeRun => {
      throw new Error('asked the preprocessor again');
    };
    expect(memo.get('a', never)).toEqual(['Wire.h']);
    expect(memo.get('b', never)).toEqual(['SPI.h']); // Nowhere.h is missing too, but no library offers it
    expect(memo.get('c', never)).toEqual([]); // under #if 0: the preprocessor, not the scanner, decides
  });

  it('leaves a question whose compiler cannot start to the real pass, which reports it', async () => {
    const memo = new MissingHeaderMemo();
    const bad = (): ProbeRun => ({
      req: { driver: path.join(dir, 'no-such-g++'), flags: [], includeDirs: [], source: { file: 'a.cpp' }, cwd: dir },
      candidates: new Set(['Wire.h']),
    });
    expect(await memo.prefetch(() => void memo.get('x', bad), 2)).toBe(0);
    expect(() => memo.get('x', bad)).toThrow(/no-such-g\+\+/);
  });
});
