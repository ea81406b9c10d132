// Verifying a step's inputs before they are archived or linked, and what is done about a bad one.
//
// Why: Nx 24 restores a cached output by copying the files of its cache entry back into the workspace; it
// never checks their content. A truncated or altered cached object is therefore restored as if it were
// good, the archive/link that consumes it reruns (its input hash changed) and, for an altered byte, links it
// into a firmware image without any error (see docs/RELIABILITY.md).
//
// Checks, per file: its checksum sidecar (checksum.ts; catches an altered byte) and its structure
// (object-structure.ts; catches truncation even without a sidecar). A file that fails is reported with its
// cause; with healing on, the workspace copy, its sidecar and every local cache entry holding a bad copy of
// it (or of a damaged archive member) are removed (evict.ts), so the next run rebuilds it. The step fails, so
// its own result is never cached.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFile, SIDECAR_SUFFIX } from './checksum';
import { evictDamagedObjects, evictFromLocalCache, type LocalCache } from './evict';

export class CorruptInputError extends Error {}

export interface VerifyFilesOptions {
  heal: boolean;
  workspaceRoot: string;
  /** the local build cache to heal (read only when a file is bad and `heal` is on) */
  cache: LocalCache;
}

/** Names of the objects inside an archive that fail the structural check. */
function damagedMembers(archive: string): string[] {
  const m = /^member (.+?) is damaged/.exec(checkFile(archive) ?? '');
  return m ? [m[1]] : [];
}

/** Checks every file; throws one CorruptInputError naming each bad file, its cause and what was done. */
export function verifyFiles(files: string[], opts: VerifyFilesOptions): void {
  const problems: string[] = [];
  const cache = opts.cache;
  for (const file of files) {
    const problem = checkFile(file);
    if (!problem) continue;
    let note = '';
    if (opts.heal) {
      const abs = path.resolve(opts.workspaceRoot, file);
      const rel = path.relative(opts.workspaceRoot, abs).split(path.sep).join('/');
      let bad: Buffer | undefined;
      try {
        bad = fs.readFileSync(abs);
      } catch {
        bad = undefined;
      }
      const members = file.endsWith('.a') ? damagedMembers(abs) : [];
      const evicted = rel.startsWith('..') ? [] : evictFromLocalCache(cache, rel, bad);
      for (const m of members) evicted.push(...evictDamagedObjects(cache, m));
      fs.rmSync(abs, { force: true });
      fs.rmSync(`${abs}${SIDECAR_SUFFIX}`, { force: true });
      note = evicted.length
        ? ` Removed it and the damaged local cache entr${evicted.length === 1 ? 'y' : 'ies'} ${evicted.map((e) => path.relative(opts.workspaceRoot, e) || e).join(', ')}; run the build again and the task that produces it will rebuild it.`
        : ' Removed it; run the build again and the task that produces it will rebuild it (if it is restored damaged again, clear the cache entry with `npx nx reset`).';
    }
    problems.push(
      `nx-fastled: ${file} is corrupt: ${problem}. It was probably restored from a damaged cache entry or left by an interrupted build; it was not used.${note}`,
    );
  }
  if (problems.length) throw new CorruptInputError(problems.join('\n'));
}
