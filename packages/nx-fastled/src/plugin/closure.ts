// Include closures for compile task inputs: the include scanner over a board's include path, with paths
// outside the workspace (Arduino core, compiler headers) followed but left to the toolchain identity.
import * as path from 'node:path';
import type { Arg } from '../toolchain/types';
import type { BoardContext } from './projects';

export interface ClosureProvider {
  closure(files: string[], includeDirs: Arg[], board: BoardContext): { files: string[]; globs: string[] };
  save(): void;
}

export function makeClosure(workspaceRoot: string, fileHashes: Map<string, string>, cacheFile: string): ClosureProvider {
  void fileHashes;
  void cacheFile;
  const absolute = (d: Arg, b: BoardContext) =>
    typeof d === 'string' ? d : path.join(d.root === 'bin' ? b.resolved.located.binDir : b.resolved.located.coreDir, d.rel);
  return {
    closure(files, includeDirs, b) {
      // Until the scanner lands: every file under the workspace include dirs (a safe over-approximation).
      const dirs = includeDirs.map((d) => absolute(d, b)).filter((d) => !path.isAbsolute(d));
      return { files: [...files].sort(), globs: [...new Set(dirs.map((d) => `${d}/**/*`))].sort() };
    },
    save() {},
  };
}
