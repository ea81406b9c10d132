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
// plugin's `toolchains` option (nx.json's plugin entry, nx-fastled.json merged over it), so a prefix or core
// configured there gives the same identity as in the graph.
//
// Lives with the plugin (it is the plugin's computation, run outside Nx) and is loaded by task-cli.ts only
// when asked for, so `sketch` and `link` tasks do not pay for the plugin or Nx.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StatMemo } from '../hashing/stat-memo';
import { ProbeMemo, type ResolvedBoard, type UnresolvedBoard } from '../toolchain/identity';
import { defineCommand, parseCommand, usageLine, UsageError } from '../util/args';
import { missingToolchainMessage } from './messages';
import { nxJsonPluginOptions, normalizeOptions, readOptions, unknownBoardMessage } from './options';
import { memoDir, resolveRequestedBoards } from './state';
import { boardId } from '../platform/fqbn';

export const IDENTITY_COMMAND = defineCommand({
  command: 'nx-fastled-task identity',
  usage: '--board <board>[,<board>...] [--json] [--workspace <dir>]',
  about:
    "Prints each board's toolchain identity exactly as the plugin computes it for this workspace (for CI cache keys): " +
    'one `<board> <identity>` line per board, or with --json an object keyed by board.',
  options: {
    board: { type: 'string', description: 'comma-separated boards (default: NX_FASTLED_BOARDS)' },
    json: { type: 'boolean', description: 'print { <board>: { identity, files, version, bin, core } }' },
    workspace: { type: 'string', description: 'the workspace (default: the nearest folder holding nx.json)' },
  },
  maxPositionals: 0,
});

export interface BoardIdentity {
  identity: string;
  files: number;
  version: string;
  bin: string;
  core: string;
}

export function runIdentity(argv: string[]): void {
  const args = parseCommand(IDENTITY_COMMAND, argv);
  if (!args) return;
  const json = args.values.json;
  const boardList = args.values.board ?? process.env.NX_FASTLED_BOARDS;
  const names = [
    ...new Set(
      (boardList ?? '')
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  ];
  if (!names.length)
    throw new UsageError(`${IDENTITY_COMMAND.command}: no board given (--board or NX_FASTLED_BOARDS)\n${usageLine(IDENTITY_COMMAND)}`);
  const workspaceRoot = findWorkspaceRoot(path.resolve(args.values.workspace ?? process.cwd()));

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
  // As the plugin reads them: nx.json's entry, with nx-fastled.json merged over it.
  const normalized = normalizeOptions(readOptions(workspaceRoot, nxJsonPluginOptions(workspaceRoot)), {});
  const idOf = (name: string) => {
    try {
      return boardId(name);
    } catch {
      return name;
    }
  };
  const options = { ...normalized, boards: names.map((name) => ({ name, id: idOf(name), explicit: true })) };
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
    const entry = resolved.get(idOf(name));
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
