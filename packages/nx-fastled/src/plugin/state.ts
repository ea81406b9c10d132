// Per-invocation state of the plugin: resolved boards (with their identities), the workspace's files and
// their content hashes as Nx sees them, the include scanner, and the task CLI's location and digest.
// Memo files live in Nx's workspace-data folder so `nx reset` clears them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { workspaceDataDirectory, workspaceFiles } from '../nx-compat';
import { StatMemo } from '../hashing/stat-memo';
import type { MissingBoard } from './run-summary';
import { moduleClosure } from '../hashing/module-closure';
import { digestTrees } from '../hashing/tree-digest';
import { boardDefinition } from '../toolchain/boards';
import { ProbeMemo, resolveBoard, ResolvedBoard, UnresolvedBoard } from '../toolchain/identity';
import { sketchbookDir, type NormalizedOptions } from './options';
import type { BuildContext } from './projects';
import { makeClosure, type ClosureProvider } from './closure';
import { MissingHeaderMemo } from './libraries';

export const PLUGIN_ROOT = path.resolve(__dirname, '../..');

export interface PluginState {
  boards: Map<string, ResolvedBoard | UnresolvedBoard>;
  build: BuildContext;
  /** Include scan of one unit with its unresolved include specs (library resolution). */
  scan: ClosureProvider['scan'];
  /** The preprocessor's answers for library resolution, memoised by content. */
  missingHeaders: MissingHeaderMemo;
  statMemo: StatMemo;
  workspaceRoot: string;
  fileHashes: Map<string, string>;
  /** Absolute sketchbook folder (option `sketchbook`); undefined when none is configured. */
  sketchbookDir?: string;
  filesUnder(root: string): string[];
  readText(file: string): string;
  save(): void;
}

export function memoDir(workspaceRoot: string): string {
  return path.join(workspaceDataDirectory(workspaceRoot), 'nx-fastled');
}

// The missing boards preTasksExecution found, by Nx's run id, for the same run's postTasksExecution: both run in
// this plugin's worker, moments apart, so the second need not walk the toolchains again (about 30 ms per run).
const missingByRun = new Map<string, MissingBoard[]>();

/** The requested boards whose toolchain is not installed, with what is missing and how to install it. */
export function missingBoardsOf(resolved: Map<string, ResolvedBoard | UnresolvedBoard>): MissingBoard[] {
  const out: MissingBoard[] = [];
  for (const [board, r] of resolved) if (!r.ok) out.push({ board, missing: r.missing.missing, install: r.missing.install });
  return out;
}

export function rememberMissingBoards(runId: string | undefined, resolved: Map<string, ResolvedBoard | UnresolvedBoard>): void {
  if (!runId) return;
  missingByRun.clear(); // one run at a time per worker; never grows
  missingByRun.set(runId, missingBoardsOf(resolved));
}

/** What preTasksExecution recorded for this run, once; undefined when it did not run in this process. */
export function takeMissingBoards(runId: string | undefined): MissingBoard[] | undefined {
  if (!runId) return undefined;
  const found = missingByRun.get(runId);
  missingByRun.delete(runId);
  return found;
}

/** Resolves the requested boards' toolchains, keyed by board id; cheap after the first run thanks to the memo files. */
export function resolveRequestedBoards(
  workspaceRoot: string,
  options: NormalizedOptions,
  memo: StatMemo,
  probes: ProbeMemo,
): Map<string, ResolvedBoard | UnresolvedBoard> {
  const boards = new Map<string, ResolvedBoard | UnresolvedBoard>();
  const hardwareDirs = options.hardware.map((d) => path.resolve(workspaceRoot, d));
  const where = { env: process.env, homeDir: process.env.HOME ?? '/root', hardwareDirs };
  for (const request of options.boards) {
    const board = boardDefinition(request.name, where);
    if (!board) continue;
    const tc = options.toolchains[request.name] ?? options.toolchains[request.id] ?? {};
    boards.set(
      request.id,
      resolveBoard(
        board,
        {
          ...where,
          prefix: tc.prefix ? path.resolve(workspaceRoot, tc.prefix) : undefined,
          corePath: tc.core ? path.resolve(workspaceRoot, tc.core) : undefined,
          pluginRoot: PLUGIN_ROOT,
          warnings: options.warnings,
        },
        memo,
        probes,
      ),
    );
  }
  return boards;
}

/**
 * Digest of the code a sketch or link task runs: the bin script, the task CLI's entry and every module
 * `cli/main` loads (followed through its imports, hashing/module-closure.ts), from `dist/` when built, else
 * from the sources. Editing any other part of the plugin must not re-key every sketch and link; moving or
 * adding a module the commands load must.
 */
export function toolDigest(memo: StatMemo): string {
  const roots = toolFiles().map((file) => ({ label: path.relative(PLUGIN_ROOT, file).split(path.sep).join('/'), path: file }));
  return digestTrees(roots, memo).digest.slice(0, 16);
}

/** The files toolDigest keys on (absolute): what `bin/nx-fastled-task.cjs` runs for sketch and link. */
export function toolFiles(): string[] {
  // the bin script's own choice: dist/ when built
  const useDist = fs.existsSync(path.join(PLUGIN_ROOT, 'dist/task-cli.js'));
  const base = path.join(PLUGIN_ROOT, useDist ? 'dist' : 'src');
  const ext = useDist ? '.js' : '.ts';
  return [
    path.join(PLUGIN_ROOT, 'bin/nx-fastled-task.cjs'),
    path.join(base, `task-cli${ext}`),
    ...moduleClosure(path.join(base, `cli/main${ext}`)),
  ];
}

/**
 * The task CLI as the workspace reaches it: through `node_modules/nx-fastled` when the package is installed
 * (or linked as an npm workspace), so the command is the same wherever the workspace and the plugin live.
 */
export function toolPath(workspaceRoot: string): string {
  const viaNodeModules = path.join(workspaceRoot, 'node_modules/nx-fastled');
  try {
    if (fs.realpathSync(viaNodeModules) === fs.realpathSync(PLUGIN_ROOT)) return 'node_modules/nx-fastled/bin/nx-fastled-task.cjs';
  } catch {
    // not installed there: fall back to a relative path
  }
  return path.relative(workspaceRoot, path.join(PLUGIN_ROOT, 'bin/nx-fastled-task.cjs')).split(path.sep).join('/');
}

export async function resolveBoards(
  workspaceRoot: string,
  options: NormalizedOptions,
  overrides: { boards?: Map<string, ResolvedBoard | UnresolvedBoard>; tool?: { path: string; hash: string } } = {},
): Promise<PluginState> {
  const dir = memoDir(workspaceRoot);
  const memo = new StatMemo(path.join(dir, 'stat-memo.json'));
  const probes = new ProbeMemo(path.join(dir, 'probes.json'));
  const boards = overrides.boards ?? resolveRequestedBoards(workspaceRoot, options, memo, probes);
  const fileHashes = new Map<string, string>();
  for (const { file, hash } of await workspaceFiles(workspaceRoot)) fileHashes.set(file, hash);
  const allFiles = [...fileHashes.keys()].sort();
  const sketchbook = sketchbookDir(workspaceRoot, options);
  const closure = makeClosure(workspaceRoot, fileHashes, path.join(dir, 'scan-cache.json'), sketchbook);
  const build: BuildContext = {
    options,
    tool: overrides.tool?.path ?? toolPath(workspaceRoot),
    toolHash: overrides.tool?.hash ?? toolDigest(memo),
    closure: closure.closure,
    hasFile: (file) => fileHashes.has(file),
  };
  const missingHeaders = new MissingHeaderMemo(path.join(dir, 'missing-headers.json'));
  return {
    boards,
    build,
    scan: closure.scan,
    missingHeaders,
    statMemo: memo,
    workspaceRoot,
    fileHashes,
    ...(sketchbook ? { sketchbookDir: sketchbook } : {}),
    filesUnder: (root) => (root === '.' ? allFiles : allFiles.filter((f) => f.startsWith(`${root}/`))),
    readText: (file) => fs.readFileSync(path.join(workspaceRoot, file), 'latin1'),
    save: () => {
      memo.save();
      probes.save();
      closure.save();
      missingHeaders.save();
    },
  };
}
