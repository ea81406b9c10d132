// Healing a local build cache that holds a damaged copy of a file: the entries holding it are removed, so the
// task that produced the file misses the cache and runs again. The cache is seen only through `LocalCache`
// (the command layer gives Nx's, nx-compat/): one folder per entry holding the outputs at workspace-relative
// paths. A cache that treats a removed entry as a miss (Nx does) needs nothing else.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFile } from './checksum';

export interface LocalCache {
  /** Every entry: its key and the folder holding its outputs. */
  entries(): { hash: string; dir: string }[];
  /** Removes one entry (and whatever the cache keeps beside it). */
  remove(hash: string): void;
}

/** Removes the cache entries `isBad` accepts; returns the removed folders. */
function evictEntries(cache: LocalCache, isBad: (entryDir: string) => boolean): string[] {
  const removed: string[] = [];
  for (const { hash, dir } of cache.entries()) {
    if (!isBad(dir)) continue;
    cache.remove(hash);
    removed.push(dir);
  }
  return removed;
}

/**
 * Removes every cache entry whose copy of `rel` (workspace-relative) is bad: fails its own sidecar or the
 * structural check, or has exactly the bytes found bad in the workspace. Returns the removed folders.
 */
export function evictFromLocalCache(cache: LocalCache, rel: string, badBytes?: Buffer): string[] {
  return evictEntries(cache, (dir) => {
    const copy = path.join(dir, rel);
    if (!fs.existsSync(copy)) return false;
    return (badBytes !== undefined && fs.readFileSync(copy).equals(badBytes)) || checkFile(copy) !== undefined;
  });
}

/**
 * Evicts cache entries holding a damaged object named `basename` anywhere in them (the producer of a damaged
 * archive member: the archive only knows the member's file name).
 */
export function evictDamagedObjects(cache: LocalCache, basename: string): string[] {
  const holdsDamaged = (dir: string): boolean => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() ? holdsDamaged(p) : e.name === basename && checkFile(p) !== undefined) return true;
    }
    return false;
  };
  return evictEntries(cache, holdsDamaged);
}
