// `sketch`: the sketch's .ino files, read as they are, into one C++ translation unit.
//
//   nx-fastled-task sketch --out <file.ino.cpp> [--append <line>]... <main.ino> [<other.ino>...]
//
// `--append` adds lines after the sketch (a library's own host main(), for instance).
import * as fs from 'node:fs';
import { sketchToCpp } from '../sketch';
import { writeAtomic } from './atomic';
import { UsageError } from './main';

export function runSketch(argv: string[]): void {
  let out: string | undefined;
  const append: string[] = [];
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--append') append.push(argv[++i] ?? '');
    else inputs.push(argv[i]);
  }
  if (!out || inputs.length === 0) throw new UsageError('usage: nx-fastled-task sketch --out <file.ino.cpp> [--append <line>]... <main.ino> [<other.ino>...]');
  const files = inputs.map((p) => ({ path: p, text: new Uint8Array(fs.readFileSync(p)) }));
  const cpp = sketchToCpp(files);
  writeAtomic(out, append.length ? `${cpp}${cpp.endsWith('\n') ? '' : '\n'}${append.join('\n')}\n` : cpp);
}
