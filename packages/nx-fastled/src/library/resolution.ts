// Library resolution for translation units, as arduino-cli's library detector does it
// (internal/arduino/builder/internal/detector/detector.go): preprocess the unit, take the headers it misses,
// resolve each to a library (resolver.ts), put that library's source folder on the include path, and again
// until nothing new is found; a library's own sources are resolved the same way (what they include can
// need more libraries). Preprocessing is the caller's (`MissingProbe`): this module stays pure.
//
// Two rules of the detector kept here: a missing header that a library already in use offers is not
// resolved again (gcc will report it), and a library is added once.
import { supportsArchitecture } from './library-fields';
import { HeaderIndex, LibraryCandidate, resolveHeader, type HeaderChoice } from './resolver';

/** The headers a unit still misses (as gcc reports them) with these libraries on its include path. */
export type MissingProbe = (imported: readonly LibraryCandidate[]) => string[];

export interface UnresolvedHeader {
  header: string;
  /** `none`: no available library offers it; `in-use`: a library already in use offers it (elsewhere). */
  reason: 'none' | 'in-use';
  offeredBy: LibraryCandidate[];
}

export interface UnitResolution {
  /** Libraries added, in the order they were found (not the initial ones). */
  libraries: LibraryCandidate[];
  choices: HeaderChoice[];
  /** Headers still missing after the last round. */
  unresolved: UnresolvedHeader[];
}

const MAX_ROUNDS = 64;

/**
 * Resolves the units one after the other with one shared list of libraries in use, as the detector's queue
 * does. `initial` is what is on the include path from the start (the example's own library).
 */
export function resolveUnits(
  initial: readonly LibraryCandidate[],
  arch: string,
  index: HeaderIndex,
  units: MissingProbe[],
): UnitResolution {
  const imported: LibraryCandidate[] = [...initial];
  const added: LibraryCandidate[] = [];
  const choices: HeaderChoice[] = [];
  const unresolved = new Map<string, UnresolvedHeader>();
  for (const probe of units) {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const missing = [...new Set(probe(imported))];
      const fresh: LibraryCandidate[] = [];
      for (const header of missing) {
        const offeredBy = index.offering(header);
        if (offeredBy.length === 0) {
          unresolved.set(header, { header, reason: 'none', offeredBy });
          continue;
        }
        if (offeredBy.some((l) => imported.includes(l) || fresh.includes(l))) {
          // Already on the path (another header of the same round resolved to it) or genuinely not found
          // through it: the next round tells which.
          if (!fresh.some((l) => offeredBy.includes(l))) unresolved.set(header, { header, reason: 'in-use', offeredBy });
          continue;
        }
        const choice = resolveHeader(header, arch, index)!;
        choices.push(choice);
        fresh.push(choice.chosen);
        unresolved.delete(header);
      }
      if (fresh.length === 0) break;
      imported.push(...fresh);
      added.push(...fresh);
    }
  }
  return { libraries: added, choices, unresolved: [...unresolved.values()].sort((a, b) => (a.header < b.header ? -1 : 1)) };
}

/**
 * Every library a build needs, in the order found: `start` and, transitively, what each library's own
 * sources resolve to (`depsOf`).
 */
export function libraryClosure(
  start: readonly LibraryCandidate[],
  depsOf: (lib: LibraryCandidate) => readonly LibraryCandidate[],
): LibraryCandidate[] {
  const out: LibraryCandidate[] = [];
  const queue = [...start];
  while (queue.length) {
    const lib = queue.shift()!;
    if (out.includes(lib)) continue;
    out.push(lib);
    queue.push(...depsOf(lib));
  }
  return out;
}

/** Libraries among `libs` that do not declare support for `arch` (arduino-cli only warns; we skip). */
export function incompatible(libs: readonly LibraryCandidate[], arch: string): LibraryCandidate[] {
  return libs.filter((l) => !supportsArchitecture(l.architectures, arch));
}
