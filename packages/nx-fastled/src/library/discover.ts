// Arduino library discovery over a list of workspace files (no file system access: the caller passes what
// Nx sees, so git-ignored files never become sources).
//
// Layouts, per the Arduino library specification:
//   1.5 ("recursive"): `library.properties` + `src/`; sources are every .c/.cpp/.S under `src/`, recursively;
//                       the include directory is `src/`.
//   1.0 ("flat"):      sources are the .c/.cpp/.S files in the root and in `utility/`; the include directory
//                       is the root.
// Examples: every folder under `examples/` holding `<Folder>.ino` (or the legacy `<Folder>.pde`, as arduino-cli
// accepts) is a sketch; a folder without sketch files is a group (`examples/Fx/FxWave/FxWave.ino`) and is
// searched further. A sketch is all `.ino`/`.pde` files of its folder (the main one first, the rest sorted), its
// `.c/.cpp/.S` files, and everything under its `src/`. A sketch folder arduino-cli would refuse (no main file,
// both `.ino` and `.pde` main files, an upper-case extension) is a problem; files that look like code but are
// not compiled are listed in `skipped` with the reason.
import * as path from 'node:path/posix';
import { match } from 'micromatch';
import { parseProperties, Properties, PropertiesError } from '../platform/properties';
import { libraryFields, type LibraryFields } from './library-fields';
import { HEADER_EXTENSIONS } from './resolver';

export interface Example {
  /** Path below `<library>/examples`, e.g. `Fx/FxWave`. */
  path: string;
  /** Workspace-relative folder. */
  dir: string;
  name: string;
  /** Workspace-relative; the main `.ino` first, the others sorted. */
  inoFiles: string[];
  /** Workspace-relative `.c/.cpp/.S` of the sketch folder and its `src/`, sorted (what arduino-cli compiles). */
  extraSources: string[];
  /**
   * Every `.c/.cpp/.S` anywhere below the sketch folder (hidden and `build` folders aside), sorted: what
   * FastLED's own host build compiles, for boards whose library profile asks for it.
   */
  allSources: string[];
  /** Names of the files directly in the example folder (for `.<board>.test.skip` conventions). */
  folderFiles: string[];
}

export interface LibraryProblem {
  file: string;
  line?: number;
  message: string;
}

/** A file discovery saw and deliberately did not compile, with why (shown in the project's metadata). */
export interface SkippedFile {
  file: string;
  reason: string;
}

export interface ArduinoLibrary {
  root: string;
  name: string;
  /** Lower-case, path-safe form of `name`, used in project names and output paths. */
  id: string;
  version: string;
  layout: '1.0' | '1.5';
  properties: Record<string, string>;
  sources: string[];
  includeDirs: string[];
  /** The library's folder name (arduino-cli's DirName). */
  dirName: string;
  /** library.properties fields that change resolution, compile and link. */
  fields: LibraryFields;
  /** File names of the headers directly in the source folder: what the library offers to resolution. */
  headers: string[];
  /** Workspace-relative `.a` files one level below the source folder (`src/<mcu>/lib*.a`, precompiled=). */
  archives: string[];
  examples: Example[];
  problems: LibraryProblem[];
  skipped: SkippedFile[];
}

export const SOURCE_PATTERN = '**/*.{c,cpp,S}';
const SOURCE_EXT = /\.(c|cpp|S)$/;
/** Sketch files: exact lower case, as arduino-cli matches `<Folder>.ino` / `<Folder>.pde`. */
const SKETCH_EXT = /\.(ino|pde)$/;
const SKETCH_EXT_ANY_CASE = /\.(ino|pde)$/i;
/** Looks like code, is not compiled: reported rather than silently ignored. */
const CODE_LIKE = /\.(cc|cxx|c\+\+|C|CPP|CC|s|asm|ino|pde|INO|PDE)$/;

export class LibraryError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(line ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'LibraryError';
  }
}

export function libraryId(name: string): string {
  const id = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return id || 'library';
}

/**
 * @param propertiesFile workspace-relative path of `library.properties`
 * @param propertiesText its content
 * @param files every workspace file under the library root, workspace-relative, any order
 */
export function discoverLibrary(propertiesFile: string, propertiesText: string, files: string[]): ArduinoLibrary {
  const root = path.dirname(propertiesFile);
  const props = parseLibraryProperties(propertiesFile, propertiesText);
  const rel = (f: string) => (root === '.' ? f : f.slice(root.length + 1));
  const inLibrary = files
    .filter((f) => root === '.' || f.startsWith(`${root}/`))
    .map(rel)
    .sort();

  const layout: '1.0' | '1.5' = inLibrary.some((f) => f.startsWith('src/')) ? '1.5' : '1.0';
  const join = (f: string) => (root === '.' ? f : `${root}/${f}`);
  const sources =
    layout === '1.5'
      ? match(inLibrary, `src/${SOURCE_PATTERN}`)
      : inLibrary.filter((f) => SOURCE_EXT.test(f) && (!f.includes('/') || /^utility\/[^/]+$/.test(f)));
  const problems: LibraryProblem[] = [];
  const skipped: SkippedFile[] = [];
  const examples = findExamples(
    inLibrary.filter((f) => f.startsWith('examples/')).map((f) => f.slice('examples/'.length)),
    join('examples'),
    problems,
    skipped,
  );
  const compiled = new Set(sources);
  for (const f of inLibrary) {
    if (f.startsWith('examples/') || compiled.has(f)) continue;
    const inSourceArea = layout === '1.5' ? f.startsWith('src/') : true;
    if (!inSourceArea) continue;
    if (CODE_LIKE.test(f)) {
      skipped.push({ file: join(f), reason: `not compiled: library sources are .c, .cpp and .S files (${path.extname(f)} is not one)` });
    } else if (layout === '1.0' && SOURCE_EXT.test(f) && f.includes('/')) {
      skipped.push({
        file: join(f),
        reason: 'not compiled: a library without src/ (1.0 layout) compiles only its root folder and utility/',
      });
    }
  }
  const srcPrefix = layout === '1.5' ? 'src/' : '';
  const headers = inLibrary
    .filter((f) => f.startsWith(srcPrefix) && !f.slice(srcPrefix.length).includes('/'))
    .map((f) => f.slice(srcPrefix.length))
    .filter((f) => HEADER_EXTENSIONS.includes(path.extname(f)))
    .sort();
  const archives = inLibrary
    .filter((f) => f.startsWith(srcPrefix) && /^[^/]+\/[^/]+\.a$/.test(f.slice(srcPrefix.length)))
    .map(join)
    .sort();
  return {
    root,
    dirName: root === '.' ? props.get('name')! : path.basename(root),
    fields: libraryFields(props),
    headers,
    archives,
    name: props.get('name')!,
    id: libraryId(props.get('name')!),
    version: props.get('version') ?? '0.0.0',
    layout,
    properties: Object.fromEntries([...props.entries()].sort(([a], [b]) => (a < b ? -1 : 1))),
    sources: sources.map(join).sort(),
    includeDirs: [layout === '1.5' ? join('src') : root],
    examples,
    problems,
    skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
  };
}

function parseLibraryProperties(file: string, text: string): Properties {
  let props: Properties;
  try {
    props = parseProperties(text, file);
  } catch (e) {
    if (e instanceof PropertiesError) {
      throw new LibraryError(
        file,
        e.line,
        `${e.message.slice(e.message.indexOf(': ') + 2)}; every line of library.properties must be "key=value" (Arduino library specification)`,
      );
    }
    throw e;
  }
  if (!props.get('name')) {
    throw new LibraryError(file, undefined, 'no "name=" line: add "name=<LibraryName>" (Arduino library specification 1.5)');
  }
  return props;
}

/** @param files paths relative to the examples folder */
function findExamples(files: string[], examplesDir: string, problems: LibraryProblem[], skipped: SkippedFile[]): Example[] {
  const byDir = new Map<string, string[]>();
  for (const f of files) {
    const dir = path.dirname(f);
    if (!byDir.has(dir)) byDir.set(dir, []);
    byDir.get(dir)!.push(path.basename(f));
  }
  const examples: Example[] = [];
  const visit = (dir: string) => {
    const here = byDir.get(dir) ?? [];
    const inos = here.filter((f) => SKETCH_EXT.test(f)).sort();
    const wrongCase = here.filter((f) => SKETCH_EXT_ANY_CASE.test(f) && !SKETCH_EXT.test(f)).sort();
    const name = path.basename(dir);
    const where = `${examplesDir}/${dir}`;
    if (dir !== '.' && (inos.length > 0 || wrongCase.length > 0)) {
      if (wrongCase.length > 0) {
        const fixed = wrongCase.map((f) => `${f.slice(0, -4)}${f.slice(-4).toLowerCase()}`);
        problems.push({
          file: `${where}/${wrongCase[0]}`,
          message: `sketch file extension in upper case (${wrongCase.join(', ')}): arduino-cli only recognises ".ino" and ".pde" in lower case and reports "no valid sketch found"; rename to ${fixed.join(', ')}`,
        });
        return;
      }
      const mains = [`${name}.ino`, `${name}.pde`].filter((m) => inos.includes(m));
      if (mains.length === 0) {
        problems.push({
          file: where,
          message: `example folder has .ino files (${inos.join(', ')}) but no ${name}.ino: rename the main sketch to ${name}.ino (the Arduino sketch specification requires the main .ino to be named like its folder)`,
        });
        return;
      }
      if (mains.length > 1) {
        problems.push({
          file: where,
          message: `multiple main sketch files found (${mains.join(', ')}), as arduino-cli reports it: keep ${name}.ino and remove or rename ${name}.pde (.pde is the legacy extension)`,
        });
        return;
      }
      const main = mains[0];
      const sketchFiles = files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1));
      const extra = sketchFiles.filter((f) => SOURCE_EXT.test(f) && (!f.includes('/') || f.startsWith('src/')));
      for (const f of sketchFiles) {
        if (CODE_LIKE.test(f) && !SKETCH_EXT.test(f)) {
          skipped.push({
            file: `${where}/${f}`,
            reason: `not compiled: a sketch compiles its .ino/.pde files and .c, .cpp and .S files (${path.extname(f)} is not one)`,
          });
        }
      }
      examples.push({
        path: dir,
        dir: `${examplesDir}/${dir}`,
        name,
        inoFiles: [main, ...inos.filter((f) => f !== main)].map((f) => `${examplesDir}/${dir}/${f}`),
        extraSources: extra.sort().map((f) => `${examplesDir}/${dir}/${f}`),
        allSources: sketchFiles
          .filter(
            (f) =>
              SOURCE_EXT.test(f) &&
              !f
                .split('/')
                .slice(0, -1)
                .some((d) => d.startsWith('.') || d === 'build'),
          )
          .sort()
          .map((f) => `${examplesDir}/${dir}/${f}`),
        folderFiles: here.slice().sort(),
      });
      return; // a sketch folder is not searched for more sketches
    }
    const prefix = dir === '.' ? '' : `${dir}/`;
    const children = new Set<string>();
    for (const d of byDir.keys()) {
      if (d !== dir && d.startsWith(prefix)) children.add(d.slice(prefix.length).split('/')[0]);
    }
    if (dir !== '.' && children.size === 0 && here.some((f) => SOURCE_EXT.test(f) || CODE_LIKE.test(f))) {
      skipped.push({ file: where, reason: `not a sketch: no ${name}.ino (or .pde) in the folder, so its code files are not built` });
    }
    for (const child of [...children].sort()) visit(prefix + child);
  };
  visit('.');
  return examples.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
