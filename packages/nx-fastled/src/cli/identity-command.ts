// `identity`: each board's toolchain identity, exactly as the plugin computes it for this workspace, for use
// in CI cache keys (`nxf-<board>-<identity>-<run id>`, see docs/CI_CACHE.md).
//
//   nx-fastled-task identity --board <b>[,<b>...] [--json] [--workspace <dir>]
//
// Text output: one `<board> <identity>` line per board, in the order asked. `--json`: an object keyed by board
// ({ identity, files, version, bin, core }). A board whose toolchain is missing prints the plugin's own message
// (plugin/messages.ts) on stderr, and the command exits 1; an unknown board likewise.
//
// The workspace (default: the nearest folder at or above the current one holding nx.json) supplies the
// plugin's `toolchains` option (nx.json's plugin entry, nx-fastled.json merged over it), so a prefix or core configured there gives the same identity as in the graph.
// The plugin modules (and, through them, Nx) are loaded only when this command runs, so `sketch` and `link`
// tasks do not pay for them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NxFastledOptions } from '../plugin/options';
import type { ResolvedBoard, UnresolvedBoard } from '../toolchain/identity';
import { parseArgs, UsageError } from './main';

const PACKAGE_ROOT = path.resolve(__dirname, '../..');

const USAGE = 'usage: nx-fastled-task identity --board <board>[,<board>...] [--json] [--workspace <dir>]';

export interface BoardIdentity {
  identity: string;
  files: number;
  version: string;
  bin: string;
  core: string;
}

export function runIdentity(argv: string[]): void {
  const json = argv.includes('--json');
  const { flags, positional } = parseArgs(argv.filter((a) => a !== '--json'));
  if (positional.length) throw new UsageError(`nx-fastled-task identity: unexpected argument "${positional[0]}"\n${USAGE}`);
  const boardList = flags.get('board') ?? process.env.NX_FASTLED_BOARDS;
  const names = [...new Set((boardList ?? '').split(',').map((b) => b.trim()).filter(Boolean))];
  if (!names.length) throw new UsageError(USAGE);
  const workspaceRoot = findWorkspaceRoot(path.resolve(flags.get('workspace') ?? process.cwd()));

  const result = boardIdentities(workspaceRoot, names);
  const ok: Record<string, BoardIdentity> = {};
  const errors: string[] = [];
  for (const name of names) {
    const entry = result.get(name);
    if (typeof entry === 'string') errors.push(entry);
    else ok[name] = entry!;
  }
  if (json) process.stdout.write(`${JSON.stringify(ok, null, 2)}\n`);
  else for (const [name, id] of Object.entries(ok)) process.stdout.write(`${name} ${id.identity}\n`);
  if (errors.length) {
    const err = new Error(errors.join('\n')) as Error & { exitCode?: number };
    err.exitCode = 1;
    throw err;
  }
}

/** Each board's identity, or the message the plugin prints when it cannot be built. */
export function boardIdentities(workspaceRoot: string, names: string[]): Map<string, BoardIdentity | string> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { normalizeOptions, readOptions, unknownBoardMessage } = require('../plugin/options') as typeof import('../plugin/options');
  const { missingToolchainMessage } = require('../plugin/messages') as typeof import('../plugin/messages');
  const { memoDir, resolveRequestedBoards } = require('../plugin/state') as typeof import('../plugin/state');
  const { StatMemo } = require('../hashing/stat-memo') as typeof import('../hashing/stat-memo');
  const { ProbeMemo } = require('../toolchain/identity') as typeof import('../toolchain/identity');
  /* eslint-enable @typescript-eslint/no-require-imports */

  // As the plugin reads them: nx.json's entry, with nx-fastled.json merged over it.
  const normalized = normalizeOptions(readOptions(workspaceRoot, pluginOptions(workspaceRoot)), {});
  const options = { ...normalized, boards: names.map((name) => ({ name, explicit: true })) };
  // The plugin's memo files when this is an Nx workspace: warms them for the nx run that usually follows.
  const isWorkspace = fs.existsSync(path.join(workspaceRoot, 'nx.json'));
  const dir = isWorkspace ? memoDir(workspaceRoot) : undefined;
  const memo = new StatMemo(dir && path.join(dir, 'stat-memo.json'));
  const probes = new ProbeMemo(dir && path.join(dir, 'probes.json'));
  const resolved: Map<string, ResolvedBoard | UnresolvedBoard> = resolveRequestedBoards(workspaceRoot, options, memo, probes);
  try {
    memo.save();
    probes.save();
  } catch {
    // a read-only workspace: the memos are only a speed-up
  }
  const out = new Map<string, BoardIdentity | string>();
  for (const name of names) {
    const entry = resolved.get(name);
    if (!entry) out.set(name, unknownBoardMessage(name));
    else if (!entry.ok) out.set(name, missingToolchainMessage(entry.missing));
    else
      out.set(name, {
        identity: entry.identity,
        files: entry.identityFiles,
        version: entry.recipe.version,
        bin: entry.located.binDir,
        core: entry.located.coreDir,
      });
  }
  return out;
}

function findWorkspaceRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
    if (path.dirname(dir) === dir) return start;
  }
}

/** The nx-fastled entry's options in nx.json (the `toolchains` option can move a board's toolchain). */
function pluginOptions(workspaceRoot: string): NxFastledOptions | undefined {
  let nxJson: { plugins?: unknown[] };
  try {
    nxJson = JSON.parse(fs.readFileSync(path.join(workspaceRoot, 'nx.json'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const p of nxJson.plugins ?? []) {
    if (p && typeof p === 'object' && isThisPlugin(workspaceRoot, (p as { plugin?: unknown }).plugin)) {
      return (p as { options?: NxFastledOptions }).options;
    }
  }
  return undefined;
}

/** `nx-fastled` (installed), or a relative path into this package (this repository's own nx.json). */
function isThisPlugin(workspaceRoot: string, spec: unknown): boolean {
  if (typeof spec !== 'string') return false;
  if (spec === 'nx-fastled' || spec.startsWith('nx-fastled/')) return true;
  if (!spec.startsWith('.')) return false;
  const rel = path.relative(PACKAGE_ROOT, path.resolve(workspaceRoot, spec));
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}
