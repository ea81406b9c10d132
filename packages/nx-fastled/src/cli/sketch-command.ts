// `sketch`: the sketch's .ino files, read as they are, into one C++ translation unit.
import * as fs from 'node:fs';
import { sketchToCpp } from '../sketch';
import { writeAtomic } from './atomic';
import { parseArgs, UsageError } from './main';

export function runSketch(argv: string[]): void {
  const { flags, positional } = parseArgs(argv);
  const out = flags.get('out');
  if (!out || positional.length === 0) throw new UsageError('usage: nx-fastled-task sketch --out <file.ino.cpp> <main.ino> [<other.ino>...]');
  const files = positional.map((p) => ({ path: p, text: new Uint8Array(fs.readFileSync(p)) }));
  writeAtomic(out, sketchToCpp(files));
}
