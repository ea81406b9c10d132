// Names one Nx graph needs unique, made unique where they are not.
//
// Nx refuses a graph in which two projects share a name ("Failed to process project graph"), and nx-fastled
// derives names and output folders from library names and example paths after normalising them
// (`Foo Bar` and `foo-bar` are both library id `foo-bar`; examples `My Example` and `My_Example` both become
// `My_Example`). Every item whose normalised key collides gets `<key>-<6 hex digits of sha256(origin)>`,
// where origin is its workspace-relative folder; items that do not collide keep their key, so adding an
// unrelated library never renames anything, and the same workspace always gets the same names.
import { createHash } from 'node:crypto';

export interface UniqueKey {
  key: string;
  /** Origins of the other items that had the same key (empty when there was no collision). */
  clashesWith: string[];
}

export function shortHash(origin: string): string {
  return createHash('sha256').update(origin).digest('hex').slice(0, 6);
}

export function uniqueKeys<T>(items: readonly T[], key: (item: T) => string, origin: (item: T) => string): Map<T, UniqueKey> {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(item);
  }
  const out = new Map<T, UniqueKey>();
  for (const [k, group] of byKey) {
    const origins = group.map(origin);
    group.forEach((item, i) => {
      if (group.length === 1) out.set(item, { key: k, clashesWith: [] });
      else out.set(item, { key: `${k}-${shortHash(origins[i])}`, clashesWith: origins.filter((_, j) => j !== i).sort() });
    });
  }
  return out;
}
