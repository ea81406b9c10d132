// Which library provides a missing header: arduino-cli's rules (internal/arduino/libraries/librariesresolver/
// cpp.go at arduino-cli 5994c5d, July 2026), ported rule for rule so a build here picks what arduino-cli picks.
//
// A library offers the headers (.h .hpp .hh) directly in its source folder (`src/` or the root). Among the
// libraries offering a header, the one with the highest priority wins:
//   architecture  +1010 the board's architecture is listed, +1000 `*` (any), +0 not supported
//   name          +700 name and folder name equal the header (without extension, sanitised, lower case),
//                 +600 one of them does, +500 `<header>-main`, +400 `<header>-master`, +300 starts with it,
//                 +200 ends with it, +100 contains it
//   location      +10000 a library given to the build by path (here: the workspace's own libraries, as
//                 `arduino-cli compile --library <dir>`), +3 the sketchbook (`--libraries`), +2 the board's
//                 platform, +1 a referenced platform, +0 the IDE's built-in libraries
// Ties go to the name closest to the header (schollz/closestmatch, bag size 2), then the first by name.
import * as path from 'node:path/posix';
import { isArchitectureIndependent } from './library-fields';

export type LibraryLocation = 'workspace' | 'sketchbook' | 'platform' | 'referenced-platform' | 'builtin';

/** What resolution needs to know about one available library. */
export interface LibraryCandidate {
  /** Unique among the available libraries (a workspace path, `platform:Wire`, ...). */
  key: string;
  name: string;
  /** The library's folder name. */
  dirName: string;
  location: LibraryLocation;
  architectures: string[];
  /** File names of the headers in its source folder. */
  headers: string[];
}

export const HEADER_EXTENSIONS = ['.h', '.hpp', '.hh'];

const LOCATION_BONUS: Record<LibraryLocation, number> = {
  builtin: 0,
  'referenced-platform': 1,
  platform: 2,
  sketchbook: 3,
  workspace: 10000,
};

export const LOCATION_LABEL: Record<LibraryLocation, string> = {
  builtin: 'IDE built-in',
  'referenced-platform': 'referenced platform',
  platform: 'platform bundled',
  sketchbook: 'sketchbook',
  workspace: 'workspace',
};

/** arduino-cli's `utils.SanitizeName`: anything but letters, digits, `.`, `-`, `_` becomes `_`. */
export function sanitizeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}

const simplify = (name: string) => sanitizeName(name).toLowerCase();

export function computePriority(lib: LibraryCandidate, header: string, arch: string): number {
  const h = simplify(header.slice(0, header.length - path.extname(header).length));
  const name = simplify(lib.name);
  const dirName = simplify(lib.dirName);
  let priority = 0;
  if (lib.architectures.includes(arch)) priority += 1010;
  else if (isArchitectureIndependent(lib.architectures)) priority += 1000;

  if (name === h && dirName === h) priority += 700;
  else if (name === h || dirName === h) priority += 600;
  else if (name === `${h}-main` || dirName === `${h}-main`) priority += 500;
  else if (name === `${h}-master` || dirName === `${h}-master`) priority += 400;
  else if (name.startsWith(h) || dirName.startsWith(h)) priority += 300;
  else if (name.endsWith(h) || dirName.endsWith(h)) priority += 200;
  else if (name.includes(h) || dirName.includes(h)) priority += 100;

  return priority + LOCATION_BONUS[lib.location];
}

/** Every headers -> libraries offering it, in arduino-cli's scan order (built-in, user, platform). */
export class HeaderIndex {
  private readonly byHeader = new Map<string, LibraryCandidate[]>();
  readonly libraries: LibraryCandidate[];

  constructor(libraries: LibraryCandidate[]) {
    const order: LibraryLocation[] = ['builtin', 'sketchbook', 'workspace', 'platform', 'referenced-platform'];
    this.libraries = [...libraries].sort((a, b) => order.indexOf(a.location) - order.indexOf(b.location) || cmp(a.key, b.key));
    for (const lib of this.libraries) {
      for (const h of lib.headers) {
        const list = this.byHeader.get(h) ?? [];
        list.push(lib);
        this.byHeader.set(h, list);
      }
    }
  }

  offering(header: string): LibraryCandidate[] {
    return this.byHeader.get(header) ?? [];
  }

  has(header: string): boolean {
    return this.byHeader.has(header);
  }

  byName(name: string): LibraryCandidate[] {
    return this.libraries.filter((l) => l.name === name);
  }
}

export interface Alternative {
  lib: LibraryCandidate;
  priority: number;
}

export interface HeaderChoice {
  header: string;
  chosen: LibraryCandidate;
  /** Every library offering the header with its priority, best first (the chosen one included). */
  alternatives: Alternative[];
  /** How the choice was made, for messages. */
  rule: 'only' | 'priority' | 'closest-name' | 'first-by-name';
}

/** arduino-cli's `ResolveFor`; undefined when no library offers the header. */
export function resolveHeader(header: string, arch: string, index: HeaderIndex): HeaderChoice | undefined {
  const offering = index.offering(header);
  if (offering.length === 0) return undefined;
  const alternatives = offering.map((lib) => ({ lib, priority: computePriority(lib, header, arch) }));
  let found: LibraryCandidate[] = [];
  let best = -Infinity;
  for (const a of alternatives) {
    if (a.priority > best) {
      found = [a.lib];
      best = a.priority;
    } else if (a.priority === best) found.push(a.lib);
  }
  const sorted = [...alternatives].sort((a, b) => b.priority - a.priority || cmp(a.lib.name, b.lib.name));
  if (found.length === 1) return { header, chosen: found[0], alternatives: sorted, rule: offering.length === 1 ? 'only' : 'priority' };
  const closest = closestName(header, found);
  if (closest) return { header, chosen: closest, alternatives: sorted, rule: 'closest-name' };
  const byName = [...found].sort((a, b) => cmp(a.name, b.name));
  return { header, chosen: byName[0], alternatives: sorted, rule: 'first-by-name' };
}

/**
 * schollz/closestmatch with bag size 2 as arduino-cli calls it: the candidates' simplified names are split
 * into their distinct 2-character substrings; each substring of the (unsimplified) header that a name holds
 * scores `1 + 1000/len(name) + 1000/(number of names holding it)`. Equal scores (Go's map order, effectively
 * random there) go to the first name in order here, so the result is stable.
 */
export function closestName(header: string, libs: LibraryCandidate[]): LibraryCandidate | undefined {
  const words = libs.map((l) => simplify(l.name));
  const bags = words.map(bigrams);
  const scores = new Map<string, number>();
  for (const sub of bigrams(header)) {
    const holders = words.filter((_, i) => bags[i].has(sub));
    if (holders.length === 0) continue;
    const weight = Math.floor(1000 / holders.length);
    for (const w of holders) scores.set(w, (scores.get(w) ?? 0) + 1 + Math.floor(1000 / Buffer.byteLength(w)) + weight);
  }
  const ranked = [...scores].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
  if (ranked.length === 0) return undefined;
  return libs.find((l) => simplify(l.name) === ranked[0][0]);
}

function bigrams(word: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + 2 <= word.length; i++) {
    const s = word.slice(i, i + 2);
    if (s.trim().length > 0) out.add(s);
  }
  if (out.size === 0) out.add(word);
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
