// Include closures for compile task inputs: the include scanner over a board's include path. Paths outside
// the workspace (Arduino core, compiler headers) are followed by the scanner, but their bytes reach the hash
// through the toolchain identity, not through Nx inputs.
import * as path from 'node:path';
import { IncludeScanner } from '../scan';
import type { Arg } from '../toolchain/types';
import type { BoardContext } from './projects';

export interface ClosureProvider {
  closure(files: string[], includeDirs: Arg[], board: BoardContext, forcedIncludes?: string[]): { files: string[]; globs: string[] };
  save(): void;
}

export function makeClosure(workspaceRoot: string, fileHashes: Map<string, string>, cacheFile: string): ClosureProvider {
  const scanner = new IncludeScanner({ workspaceRoot, fileHash: (f) => fileHashes.get(f), cacheFile });
  const absolute = (d: Arg, b: BoardContext) =>
    typeof d === 'string' ? d : path.join(d.root === 'bin' ? b.resolved.located.binDir : b.resolved.located.coreDir, d.rel);
  return {
    closure(files, includeDirs, b, forcedIncludes = []) {
      const dirs = includeDirs.map((d) => absolute(d, b));
      const all = new Set<string>();
      const globs = new Set<string>();
      for (const file of files) {
        const c = scanner.closure(file, dirs, b.resolved.recipe.systemIncludeDirs, forcedIncludes);
        c.files.forEach((f) => all.add(f));
        c.globs.forEach((g) => globs.add(g));
      }
      return { files: [...all].sort(), globs: [...globs].sort() };
    },
    save: () => scanner.save(),
  };
}
