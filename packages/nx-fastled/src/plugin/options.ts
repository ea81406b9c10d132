// Plugin options, normalised once: everything downstream reads `NormalizedOptions`, never the raw object.
import { knownBoards } from '../toolchain/boards';

export interface NxFastledOptions {
  /** Boards to build; `NX_FASTLED_BOARDS` (comma-separated) overrides it for one run. */
  boards?: string[];
  /** Per board: `prefix` holding `bin/<compiler>`, `core` the Arduino core platform folder. */
  toolchains?: Record<string, { prefix?: string; core?: string }>;
  /** Globs (workspace-relative) of `library.properties` files to leave alone. */
  exclude?: string[];
  /** Where outputs go, workspace-relative. */
  outputDir?: string;
  targetNames?: { build?: string; compile?: string; archive?: string; link?: string; run?: string };
}

export interface BoardRequest {
  name: string;
  /** Asked for by `NX_FASTLED_BOARDS`: a missing toolchain is then an error, not a skipped board. */
  explicit: boolean;
}

export interface NormalizedOptions {
  boards: BoardRequest[];
  toolchains: Record<string, { prefix?: string; core?: string }>;
  exclude: string[];
  outputDir: string;
  targetNames: { build: string; compile: string; archive: string; link: string; run: string };
}

export const DEFAULT_BOARDS = ['native', 'uno'];

export function normalizeOptions(raw: NxFastledOptions | undefined, env: Record<string, string | undefined>): NormalizedOptions {
  const o = raw ?? {};
  const fromEnv = env.NX_FASTLED_BOARDS?.split(',').map((b) => b.trim()).filter(Boolean);
  const names = fromEnv?.length ? fromEnv : o.boards?.length ? o.boards : DEFAULT_BOARDS;
  return {
    boards: [...new Set(names)].sort().map((name) => ({ name, explicit: !!fromEnv?.length })),
    toolchains: o.toolchains ?? {},
    exclude: [...(o.exclude ?? [])].sort(),
    outputDir: (o.outputDir ?? 'dist').replace(/\/+$/, ''),
    targetNames: {
      build: o.targetNames?.build ?? 'build',
      compile: o.targetNames?.compile ?? 'compile',
      archive: o.targetNames?.archive ?? 'archive',
      link: o.targetNames?.link ?? 'link',
      run: o.targetNames?.run ?? 'run',
    },
  };
}

export function unknownBoardMessage(name: string): string {
  return `nx-fastled: unknown board "${name}". Known boards: ${knownBoards().join(', ')}. Fix NX_FASTLED_BOARDS or the "boards" option of nx-fastled in nx.json.`;
}
