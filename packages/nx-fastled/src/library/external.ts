// Libraries outside the workspace: a platform's bundled `libraries/` (Wire, SPI, EEPROM, SoftwareSerial,
// HID for AVR) and a sketchbook's `libraries/`. Each sub-folder is a library, loaded as arduino-cli loads it
// (internal/arduino/libraries/loader.go): with `library.properties` and `src/`, the recursive layout (sources
// everywhere below `src/`); otherwise flat (sources in the root and `utility/`), and a folder without
// `library.properties` is a legacy library named after its folder if it holds a header.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseProperties } from '../platform/properties';
import { isDirectory, listFiles as walkFiles } from '../util/files';
import { libraryFields, type LibraryFields } from './library-fields';
import { HEADER_EXTENSIONS, type LibraryLocation } from './resolver';

export interface ExternalLibrary {
  /** Absolute folder of the library. */
  dir: string;
  dirName: string;
  name: string;
  location: LibraryLocation;
  layout: '1.0' | '1.5';
  fields: LibraryFields;
  /** Relative to `dir`, sorted: `.c .cpp .S` sources. */
  sources: string[];
  /** Relative to `dir`: include folders (`src`, or `.` and for a 1.0 library's own TUs also `utility`). */
  includeDir: string;
  utilityDir?: string;
  headers: string[];
  /** Relative to `dir`: `.a` files one level below the source folder. */
  archives: string[];
  /** A problem that makes the library unusable (unreadable properties). */
  problem?: string;
}

const SOURCE = /\.(c|cpp|S)$/;

/** Every library folder in `librariesDir` (absent folder: none), sorted by folder name. */
export function loadLibrariesDir(librariesDir: string, location: LibraryLocation): ExternalLibrary[] {
  let names: string[];
  try {
    names = fs.readdirSync(librariesDir).sort();
  } catch {
    return [];
  }
  const out: ExternalLibrary[] = [];
  for (const dirName of names) {
    const dir = path.join(librariesDir, dirName);
    if (dirName.startsWith('.') || !isDirectory(dir)) continue;
    const lib = loadLibrary(dir, location);
    if (lib) out.push(lib);
  }
  return out;
}

export function loadLibrary(dir: string, location: LibraryLocation): ExternalLibrary | undefined {
  const dirName = path.basename(dir);
  const propsFile = path.join(dir, 'library.properties');
  let props = new Map<string, string>();
  let problem: string | undefined;
  const hasProps = fs.existsSync(propsFile);
  if (hasProps) {
    try {
      props = parseProperties(fs.readFileSync(propsFile, 'utf8'), propsFile);
    } catch (e) {
      problem = (e as Error).message;
    }
  }
  const recursive = hasProps && isDirectory(path.join(dir, 'src'));
  const includeDir = recursive ? 'src' : '.';
  const headers = listFiles(dir, includeDir, false)
    .filter((f) => HEADER_EXTENSIONS.includes(path.extname(f)))
    .map((f) => path.basename(f));
  if (!hasProps && headers.length === 0) return undefined; // arduino-cli: "invalid library: no header files found"
  const utilityDir = !recursive && isDirectory(path.join(dir, 'utility')) ? 'utility' : undefined;
  const sources = recursive
    ? listFiles(dir, 'src', true).filter((f) => SOURCE.test(f))
    : [...listFiles(dir, '.', false), ...(utilityDir ? listFiles(dir, utilityDir, false) : [])].filter((f) => SOURCE.test(f));
  const archives = listFiles(dir, includeDir, true).filter((f) => f.endsWith('.a') && f.split('/').length === (includeDir === '.' ? 2 : 3));
  return {
    dir,
    dirName,
    name: (props.get('name') ?? '').trim() || dirName,
    location,
    layout: recursive ? '1.5' : '1.0',
    fields: libraryFields(props),
    sources: sources.sort(),
    includeDir,
    utilityDir,
    headers: headers.sort(),
    archives: archives.sort(),
    problem,
  };
}

/** Files below `dir/rel` as paths relative to `dir` (POSIX), hidden entries skipped, sorted. */
function listFiles(dir: string, rel: string, recursive: boolean): string[] {
  return walkFiles(dir, rel, { recursive, skipHidden: true, followLinkedDirs: true }).sort();
}
