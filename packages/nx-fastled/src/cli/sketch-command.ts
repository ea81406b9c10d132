// `sketch`: the sketch's .ino files, read as they are, into one C++ translation unit.
//
//   nx-fastled-task sketch --out <file.ino.cpp> [--append <line>]... <main.ino> [<other.ino>...]
//
// `--append` adds lines after the sketch (a library's own host main(), for instance).
import * as fs from 'node:fs';
import { sketchToCpp } from '../sketch';
import { defineCommand, parseCommand } from '../util/args';
import { writeAtomic } from '../util/atomic';

export const SKETCH_COMMAND = defineCommand({
  command: 'nx-fastled-task sketch',
  usage: '--out <file.ino.cpp> [--append <line>]... <main.ino> [<other.ino>...]',
  about: "Converts a sketch's .ino files (main file first) into one C++ translation unit, as the Arduino IDE does.",
  options: {
    out: { type: 'string', description: 'the .ino.cpp file to write' },
    append: { type: 'string', multiple: true, description: 'a line added after the sketch (repeatable)' },
  },
  required: ['out'],
  minPositionals: 1,
});

export function runSketch(argv: string[]): void {
  const args = parseCommand(SKETCH_COMMAND, argv);
  if (!args) return;
  const append = args.values.append ?? [];
  const files = args.positionals.map((p) => ({ path: p, text: new Uint8Array(fs.readFileSync(p)) }));
  const cpp = sketchToCpp(files);
  writeAtomic(args.values.out!, append.length ? `${cpp}${cpp.endsWith('\n') ? '' : '\n'}${append.join('\n')}\n` : cpp);
}
