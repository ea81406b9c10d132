// The library.properties fields that change how a library is resolved, compiled and linked, read the way
// arduino-cli reads them (internal/arduino/libraries/loader.go):
//   architectures=  comma-separated, `*` (the default when absent or empty) means any architecture
//   depends=        comma-separated `Name` or `Name (version constraint)`; only checked, never installed
//   precompiled=    `true` (the .a is linked and the sources still compiled) or `full` (the .a replaces the
//                   sources when one exists for the board); the .a lives in `<source dir>/<build.mcu>/`
//   dot_a_linkage=  `true`: the library's objects go to the link as an archive (members nothing references
//                   are dropped), not as loose objects
//   includes=       the headers a sketch should include (informational: resolution uses the headers in the
//                   source folder, as arduino-cli does)
//   ldflags=        extra linker flags, only used with a precompiled archive

export interface LibraryDependency {
  name: string;
  /** The constraint as written, e.g. `>=1.2.0`; empty when none. */
  version: string;
}

export interface LibraryFields {
  architectures: string[];
  depends: LibraryDependency[];
  precompiled: false | 'true' | 'full';
  dotALinkage: boolean;
  includes: string[];
  ldflags: string;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** arduino-cli's properties `GetBoolean`: `true`, `yes`, `1` (trimmed, case-insensitive). */
const boolean = (value: string | undefined): boolean => /^(true|yes|1)$/i.test((value ?? '').trim());

export function libraryFields(props: Record<string, string> | Map<string, string>): LibraryFields {
  const get = (k: string) => (props instanceof Map ? props.get(k) : props[k]);
  const architectures = list(get('architectures'));
  const precompiled = (get('precompiled') ?? '').trim();
  return {
    architectures: architectures.length ? architectures : ['*'],
    depends: list(get('depends')).map(parseDependency),
    precompiled: precompiled === 'true' ? 'true' : precompiled === 'full' ? 'full' : false,
    dotALinkage: boolean(get('dot_a_linkage')),
    includes: list(get('includes')),
    ldflags: (get('ldflags') ?? '').trim(),
  };
}

function parseDependency(entry: string): LibraryDependency {
  const m = /^(.*?)\s*\(([^)]*)\)\s*$/.exec(entry);
  return m ? { name: m[1].trim(), version: m[2].trim() } : { name: entry, version: '' };
}

/** arduino-cli's `IsArchitectureIndependent`. */
export function isArchitectureIndependent(architectures: string[]): boolean {
  return architectures.length === 0 || architectures.includes('*');
}

/** arduino-cli's `IsCompatibleWith`. */
export function supportsArchitecture(architectures: string[], arch: string): boolean {
  return isArchitectureIndependent(architectures) || architectures.includes(arch);
}
