// Plugin options, normalised once: everything downstream reads `NormalizedOptions`, never the raw object.
//
// Options come from nx.json's plugin entry and, merged over them, from `nx-fastled.json` at the workspace
// root. The file exists because Nx hashes nx.json into every task: adding a board there would re-key every
// cached task, while a board added in nx-fastled.json only adds that board's tasks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { boardId } from '../platform/fqbn';
import { WARNING_LEVELS, type WarningLevel } from '../platform/recipe';
import { knownBoards } from '../toolchain/boards';

export const OPTIONS_FILE = 'nx-fastled.json';

export class OptionsError extends Error {}

/** nx.json options with `nx-fastled.json` merged over them. */
export function readOptions(workspaceRoot: string, fromNxJson: NxFastledOptions | undefined): NxFastledOptions {
  const file = path.join(workspaceRoot, OPTIONS_FILE);
  if (!fs.existsSync(file)) return fromNxJson ?? {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new OptionsError(`${OPTIONS_FILE}: not valid JSON (${(e as Error).message}); fix it or delete it`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new OptionsError(`${OPTIONS_FILE}: expected an object such as { "boards": ["native", "uno"] }`);
  }
  return { ...(fromNxJson ?? {}), ...(parsed as NxFastledOptions) };
}

export interface NxFastledOptions {
  /**
   * Boards to build: `native`, an alias of an Arduino AVR board (`uno`, `mega`, `leonardo`, ...) or any board
   * of an installed platform by FQBN (`arduino:avr:mega:cpu=atmega1280`); `NX_FASTLED_BOARDS`
   * (comma-separated) overrides it for one run.
   */
  boards?: string[];
  /** Extra Arduino `hardware` folders (of `<vendor>/<arch>` platforms), workspace-relative or absolute, searched first. */
  hardware?: string[];
  /** Per board (as named in `boards`): `prefix` holding `bin/<compiler>`, `core` the board's platform folder. */
  toolchains?: Record<string, { prefix?: string; core?: string }>;
  /** Globs (workspace-relative) of `library.properties` files to leave alone. */
  exclude?: string[];
  /** Where outputs go, workspace-relative. */
  outputDir?: string;
  targetNames?: { build?: string; compile?: string; archive?: string; link?: string; run?: string; test?: string };
  /** The `test` target (see plugin/test-targets.ts): which boards run their examples, and for how long. */
  test?: TestOptions;
  /**
   * Extra compiler flags (usually `-D` defines) per library name and board, for the library's own TUs and
   * every TU that uses it: `{ "SomeLib": { "native": ["-DSOMELIB_NO_HW=1"] } }`.
   */
  libraryDefines?: Record<string, Record<string, string[]>>;
  /**
   * The sketchbook folder (arduino-cli's `directories.user`, where `arduino-cli lib install` puts
   * `libraries/`): absolute, `~/...`, or workspace-relative. Its libraries are resolved with the sketchbook's
   * priority and built like platform libraries. Unset: no sketchbook (builds never depend on ~/Arduino).
   */
  sketchbook?: string;
  /**
   * Compiler warnings, as arduino-cli's `--warnings`: `none` (the default, the platform's `-w`), `default`, `more`
   * or `all` (the platform's `compiler.warning_flags.<level>`). Warnings are counted in the report and the PR
   * comment, cached output included. `NX_FASTLED_WARNINGS` overrides it for one run.
   */
  warnings?: WarningLevel;
}

export interface TestOptions {
  /** Boards whose examples get a `test` target (default: every built board the runner supports). */
  boards?: string[];
  /** Simulated time per example on AVR boards, ms (default 5000: FastLED's examples wait 3 s in setup()). */
  simulatedMs?: number;
  /** loop() iterations on native (default 5). */
  loops?: number;
  /** Wall-clock limit of a native run, ms (default 20000). */
  wallLimitMs?: number;
  /** Per example (`<library id>/<example path>`, e.g. `fastled/Blink`): the same keys as a sketch's
   *  `// @nx-fastled-sim:` line (ms, pins, order, leds, clocked, loops, skip), which they override. */
  examples?: Record<
    string,
    { ms?: number; pins?: number[]; order?: string; leds?: number; clocked?: [number, number]; loops?: number; skip?: boolean }
  >;
}

export interface BoardRequest {
  /** As written (an alias or FQBN). */
  name: string;
  /** Board id: project names, `dist/<id>/` (platform/fqbn.ts). */
  id: string;
  /** Asked for by `NX_FASTLED_BOARDS`: a missing toolchain is then an error, not a skipped board. */
  explicit: boolean;
}

export interface NormalizedOptions {
  boards: BoardRequest[];
  hardware: string[];
  toolchains: Record<string, { prefix?: string; core?: string }>;
  exclude: string[];
  outputDir: string;
  targetNames: { build: string; compile: string; archive: string; link: string; run: string; test: string };
  test: Required<Omit<TestOptions, 'boards'>> & { boards?: string[] };
  libraryDefines: Record<string, Record<string, string[]>>;
  /** As given (never absolute-resolved here: see `sketchbookDir`). */
  sketchbook?: string;
  warnings: WarningLevel;
}

/** Defaults of the options above: the plugin and the init generator read them from here. */
export const DEFAULT_BOARDS = ['native', 'uno'];
export const DEFAULT_OUTPUT_DIR = 'dist';

export const PLUGIN_NAME = 'nx-fastled';

/** Whether an nx.json `plugins` entry is nx-fastled: `'nx-fastled'`, `{ plugin: 'nx-fastled' }`, a subpath
 * of the package, or a local path to it (`./packages/nx-fastled/src/index.ts`, `./node_modules/nx-fastled`). */
export function isNxFastledEntry(entry: unknown): boolean {
  const spec = typeof entry === 'string' ? entry : entry && typeof entry === 'object' ? (entry as { plugin?: unknown }).plugin : undefined;
  if (typeof spec !== 'string') return false;
  const s = spec.replace(/\\/g, '/');
  if (s === PLUGIN_NAME || s.startsWith(`${PLUGIN_NAME}/`)) return true;
  return /(^|\/)nx-fastled(\/src(\/index(\.[cm]?[jt]s)?)?|\/dist(\/index(\.[cm]?js)?)?)?\/?$/.test(s);
}

/** The options of nx-fastled's entry in the workspace's nx.json (undefined: no nx.json, or no options there). */
export function nxJsonPluginOptions(workspaceRoot: string): NxFastledOptions | undefined {
  let nxJson: { plugins?: unknown[] };
  try {
    nxJson = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const entry = (nxJson.plugins ?? []).find(isNxFastledEntry);
  return entry && typeof entry === 'object' ? (entry as { options?: NxFastledOptions }).options : undefined;
}

export function normalizeOptions(raw: NxFastledOptions | undefined, env: Record<string, string | undefined>): NormalizedOptions {
  const o = raw ?? {};
  const fromEnv = env.NX_FASTLED_BOARDS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  const names = fromEnv?.length ? fromEnv : o.boards?.length ? o.boards : DEFAULT_BOARDS;
  return {
    boards: requests(names, !!fromEnv?.length),
    hardware: [...(o.hardware ?? [])],
    toolchains: o.toolchains ?? {},
    exclude: [...(o.exclude ?? [])].sort(),
    outputDir: (o.outputDir ?? DEFAULT_OUTPUT_DIR).replace(/\/+$/, ''),
    libraryDefines: o.libraryDefines ?? {},
    warnings: warningLevel(env.NX_FASTLED_WARNINGS || o.warnings),
    ...(typeof o.sketchbook === 'string' && o.sketchbook.trim() ? { sketchbook: o.sketchbook.trim() } : {}),
    targetNames: {
      build: o.targetNames?.build ?? 'build',
      compile: o.targetNames?.compile ?? 'compile',
      archive: o.targetNames?.archive ?? 'archive',
      link: o.targetNames?.link ?? 'link',
      run: o.targetNames?.run ?? 'run',
      test: o.targetNames?.test ?? 'test',
    },
    test: {
      ...(o.test?.boards ? { boards: [...o.test.boards].sort() } : {}),
      simulatedMs: o.test?.simulatedMs ?? 5000,
      loops: o.test?.loops ?? 5,
      wallLimitMs: o.test?.wallLimitMs ?? 20000,
      examples: o.test?.examples ?? {},
    },
  };
}

function warningLevel(value: unknown): WarningLevel {
  if (value === undefined) return 'none';
  if ((WARNING_LEVELS as readonly unknown[]).includes(value)) return value as WarningLevel;
  throw new OptionsError(
    `nx-fastled option "warnings": ${JSON.stringify(value)} is not one of ${WARNING_LEVELS.join(', ')} (arduino-cli's --warnings levels); ` +
      `fix it in nx.json's nx-fastled entry, ${OPTIONS_FILE} or NX_FASTLED_WARNINGS`,
  );
}

/** One request per board id (an alias and its FQBN are one board), sorted by id. */
function requests(names: string[], explicit: boolean): BoardRequest[] {
  const byId = new Map<string, BoardRequest>();
  for (const name of names) {
    let id: string;
    try {
      id = boardId(name);
    } catch {
      id = name.replace(/[^A-Za-z0-9._-]/g, '_');
    }
    if (!byId.has(id)) byId.set(id, { name, id, explicit });
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The sketchbook option as an absolute folder (`~/` is the home folder, relative is the workspace's). */
export function sketchbookDir(workspaceRoot: string, options: NormalizedOptions, home = os.homedir()): string | undefined {
  const s = options.sketchbook;
  if (!s) return undefined;
  if (s === '~' || s.startsWith('~/')) return path.join(home, s.slice(1));
  return path.resolve(workspaceRoot, s);
}

export function unknownBoardMessage(name: string): string {
  return `nx-fastled: unknown board "${name}". Known boards: ${knownBoards().join(', ')}; or any board of an installed Arduino platform by FQBN (vendor:arch:board[:menu=option]). Fix NX_FASTLED_BOARDS or the "boards" option of nx-fastled in nx.json.`;
}
