// Finding a board's compiler and Arduino core on this machine.
//
// Search order, first hit wins: an explicit prefix (plugin option or environment variable), then PATH, then
// the folders where the Arduino IDE/CLI and PlatformIO install their toolchains. A miss is reported as data
// (what is missing, where we looked, the command that installs it), never thrown: graph construction must go
// on for the other boards.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The directory holding `program` on PATH, or undefined. */
export function whichDir(program: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, program))) return dir;
  }
  return undefined;
}

/** Existing directories matching `<base>/<one level of versions>/<tail>`, newest name last. */
export function versionedDirs(base: string, tail: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(base).sort();
  } catch {
    return [];
  }
  return names.map((n) => path.join(base, n, tail)).filter((d) => fs.existsSync(d));
}

export interface Candidate {
  dir: string;
  source: string;
}

/** First candidate bin directory that holds every one of `programs`. */
export function firstBinDir(candidates: Candidate[], programs: string[]): Candidate | undefined {
  return candidates.find((c) => programs.every((p) => isExecutable(path.join(c.dir, p))));
}
