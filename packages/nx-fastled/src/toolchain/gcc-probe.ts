// Facts about a gcc-family driver that only running it can tell: its private install folder, where its
// assembler lives, its system include folders, its version. Used for the toolchain identity and the scanner.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CompilerProbe } from './types';
import type { LabelledRoot } from '../hashing/tree-digest';
import { whichDir } from './locate';

export interface GccFacts {
  version: string;
  installDir: string;
  /** Folder holding the target's `bin/as`, `lib/`, `include/` (e.g. /usr/lib/avr), if the driver has one. */
  toolDir?: string;
  /** Assembler and linker resolved on PATH when the driver has no tool folder (host compilers). */
  pathTools: string[];
  systemIncludeDirs: string[];
}

export function gccFacts(driver: string, probe: CompilerProbe): GccFacts {
  const version = probe(driver, ['--version']).split('\n')[0].trim();
  const installLine = probe(driver, ['-print-search-dirs'])
    .split('\n')
    .find((l) => l.startsWith('install:'));
  if (!installLine) throw new Error(`${driver} -print-search-dirs printed no "install:" line: is it a gcc driver?`);
  const installDir = fs.realpathSync(installLine.slice('install:'.length).trim());
  const as = probe(driver, ['-print-prog-name=as']).trim();
  let toolDir: string | undefined;
  const pathTools: string[] = [];
  if (path.isAbsolute(as) && fs.existsSync(as)) {
    toolDir = path.dirname(path.dirname(fs.realpathSync(as)));
  } else {
    for (const tool of ['as', 'ld']) {
      const dir = whichDir(tool);
      if (dir) pathTools.push(fs.realpathSync(path.join(dir, tool)));
    }
  }
  const verbose = probe(driver, ['-xc++', '-E', '-v', '/dev/null']);
  const start = verbose.indexOf('#include <...> search starts here:');
  const end = verbose.indexOf('End of search list.');
  const systemIncludeDirs =
    start >= 0 && end > start
      ? verbose
          .slice(start, end)
          .split('\n')
          .slice(1)
          .map((l) => l.trim())
          .filter((l) => l && fs.existsSync(l))
          .map((l) => fs.realpathSync(l))
      : [];
  return { version, installDir, toolDir, pathTools, systemIncludeDirs };
}

/** Identity roots of a gcc toolchain: driver programs, private folders, assembler/linker, system headers. */
export function gccIdentityRoots(binDir: string, programs: string[], facts: GccFacts): LabelledRoot[] {
  const roots: LabelledRoot[] = programs.map((p) => ({ label: `bin/${p}`, path: path.join(binDir, p) }));
  roots.push({ label: 'gcc', path: facts.installDir });
  if (facts.toolDir) roots.push({ label: 'tool', path: facts.toolDir });
  for (const t of facts.pathTools) roots.push({ label: `bin/${path.basename(t)}`, path: t });
  const covered = [facts.installDir, facts.toolDir].filter((d): d is string => !!d);
  facts.systemIncludeDirs.forEach((dir, i) => {
    if (!covered.some((c) => dir === c || dir.startsWith(c + path.sep))) roots.push({ label: `sys${i}`, path: dir });
  });
  return roots;
}

/**
 * The macros a compile predefines (the compiler's builtins for these flags, and the flags' -D), as the
 * `#define` lines of `<driver> <flags> -dM -E -x <language> /dev/null`; undefined if the driver printed none.
 * For the include scanner: it expands computed includes with them.
 */
export function predefinedMacros(
  driver: string,
  flags: string[],
  language: 'c' | 'c++' | 'assembler-with-cpp',
  probe: CompilerProbe,
): string | undefined {
  const kept: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if (f === '-x' || f === '-o' || f === '-MF' || f === '-MT' || f === '-MQ') i++;
    else if (f !== '-c' && !/^-M[MDGP]?D?$/.test(f) && !f.startsWith('-x')) kept.push(f);
  }
  const out = probe(driver, [...kept, '-dM', '-E', '-x', language, '/dev/null']);
  return /^#define /m.test(out) ? out : undefined;
}
