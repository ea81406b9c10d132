// Include closures for compile task inputs: the include scanner over a board's include path. Paths outside
// the workspace (Arduino core, compiler headers) are followed by the scanner, but their bytes reach the hash
// through the toolchain identity, not through Nx inputs. Computed includes (`#include MACRO`) are expanded
// with the compile's predefined macros (compiler builtins and -D, probed once per board and language and
// memoised next to the scan cache) besides the closure's own #defines.
import * as path from 'node:path';
import { IncludeScanner } from '../scan';
import { languageOf } from '../toolchain/sources';
import { predefinedMacros } from '../toolchain/gcc-probe';
import { ProbeMemo } from '../toolchain/identity';
import type { Arg, Language } from '../toolchain/types';
import type { BoardContext } from './projects';

export interface ClosureProvider {
  closure(files: string[], includeDirs: Arg[], board: BoardContext, forcedIncludes?: string[]): { files: string[]; globs: string[] };
  /** One unit's workspace files and the include specs found nowhere on the path (every #if branch). */
  scan(files: string[], includeDirs: Arg[], board: BoardContext, forcedIncludes?: string[]): { files: string[]; unresolved: string[] };
  save(): void;
}

const X_LANGUAGE = { c: 'c', cpp: 'c++', S: 'assembler-with-cpp' } as const;

export function makeClosure(
  workspaceRoot: string,
  fileHashes: Map<string, string>,
  cacheFile: string,
  sketchbookDir?: string,
): ClosureProvider {
  const scanner = new IncludeScanner({ workspaceRoot, fileHash: (f) => fileHashes.get(f), cacheFile });
  const probes = new ProbeMemo(path.join(path.dirname(cacheFile), 'predefined-macros.json'));
  const predefined = new Map<string, string | undefined>();
  const absolute = (d: Arg, b: BoardContext) => {
    if (typeof d === 'string') return d;
    const l = b.resolved.located;
    if (d.root === 'sketchbook') return path.join(sketchbookDir ?? '/nonexistent-sketchbook', d.rel);
    return path.join(d.root === 'bin' ? l.binDir : d.root === 'variant' ? (l.variantDir ?? l.coreDir) : l.coreDir, d.rel);
  };
  /** Builtins and -D of this board's compile of `language`; undefined (scanner stays conservative) on failure. */
  const macros = (b: BoardContext, language: Language): string | undefined => {
    const key = `${b.resolved.board.name}\0${b.resolved.identity}\0${language}`;
    if (!predefined.has(key)) {
      const r = b.resolved.recipe;
      let text: string | undefined;
      try {
        text = predefinedMacros(
          path.join(b.resolved.located.binDir, r.compiler[language]),
          r.compileFlags[language],
          X_LANGUAGE[language],
          probes.probe,
        );
      } catch {
        text = undefined;
      }
      predefined.set(key, text);
    }
    return predefined.get(key);
  };
  return {
    closure(files, includeDirs, b, forcedIncludes = []) {
      const dirs = includeDirs.map((d) => absolute(d, b));
      const system = b.resolved.recipe.systemIncludeDirs;
      // a sketch's .ino/.pde files are one translation unit; anything else is one TU per file
      const units = files.length > 1 && files.every((f) => /\.(ino|pde)$/.test(f)) ? [files] : files.map((f) => [f]);
      if (units.length === 1) {
        const c = scanner.closure(units[0], dirs, system, forcedIncludes, { predefined: macros(b, languageOf(units[0][0])) });
        return { files: c.files, globs: c.globs };
      }
      const all = new Set<string>();
      const globs = new Set<string>();
      for (const unit of units) {
        const c = scanner.closure(unit, dirs, system, forcedIncludes, { predefined: macros(b, languageOf(unit[0])) });
        c.files.forEach((f) => all.add(f));
        c.globs.forEach((g) => globs.add(g));
      }
      return { files: [...all].sort(), globs: [...globs].sort() };
    },
    scan(files, includeDirs, b, forcedIncludes = []) {
      const dirs = includeDirs.map((d) => absolute(d, b));
      const c = scanner.closure(files, dirs, b.resolved.recipe.systemIncludeDirs, forcedIncludes, {
        predefined: macros(b, languageOf(files[0])),
      });
      return { files: c.files, unresolved: [...new Set(c.unresolved.map((u) => u.spec))].sort() };
    },
    save: () => {
      scanner.save();
      probes.save();
    },
  };
}
