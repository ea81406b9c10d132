// Shared helpers of the reliability suite (docs/RELIABILITY.md): run records, output trees by content,
// a background `nx run-many` in its own process group (for SIGINT/SIGKILL), and message checks.
import { spawn, ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeWorkspace, nxEnv, REPO_ROOT, TestWorkspace, WorkspaceOptions } from '../support/workspace';
export { projectGraph } from '../support/workspace';
import { freezePlugin, useNodeModules } from '../support/frozen-plugin';

export type Task = { id: string; project: string; target: string; status: string; code?: number; hash?: string };

export const HIT = new Set(['local-cache', 'local-cache-kept-existing', 'remote-cache']);
export const BUILD_ARGS = ['run-many', '-t', 'build', '--outputStyle=static', '--parallel=2'];

export const isHit = (t: Task) => HIT.has(t.status);
export const byId = (tasks: Task[]) => new Map(tasks.map((t) => [t.id, t]));

/** Workspace-relative paths of every file under `dir` whose name matches, sorted. */
export function filesUnder(root: string, dir: string, match: RegExp): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const p = path.join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (match.test(e.name)) out.push(path.relative(root, p).split(path.sep).join('/'));
    }
  };
  walk(path.join(root, dir));
  return out.sort();
}

export const BUILD_PRODUCTS = /\.(o|a|elf|hex)$/;

/** `{ relative path: sha256 }` of every object, archive, .elf and .hex under dist/. */
export function productDigests(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of filesUnder(root, 'dist', BUILD_PRODUCTS)) {
    out[rel] = createHash('sha256')
      .update(fs.readFileSync(path.join(root, rel)))
      .digest('hex');
  }
  return out;
}

/** A Node stack frame in output means an exception escaped somewhere; messages must be one-liners. */
export const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

/** Text without ANSI colours. */
export function plain(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

export interface Background {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

/** `nx <args>` in its own process group (detached), with the same environment as TestWorkspace.nx. */
export function nxInBackground(
  ws: TestWorkspace,
  cacheDirectory: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Background {
  let out = '';
  const child = spawn(path.join(REPO_ROOT, 'node_modules/.bin/nx'), args, {
    cwd: ws.root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: nxEnv(cacheDirectory, env),
  });
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => out };
}

export async function waitUntil(what: string, cond: () => boolean, timeoutMs: number, everyMs = 50): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Whether any process of the group is still alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Cache entry folders (one per task hash) in a local Nx cache directory. */
export function cacheEntries(cacheDirectory: string): string[] {
  return fs.existsSync(cacheDirectory)
    ? fs
        .readdirSync(cacheDirectory)
        .filter((e) => /^\d+$/.test(e))
        .sort()
    : [];
}

/** The cache entry folder holding `rel` (a workspace-relative output path), if any. */
export function cacheEntryHolding(cacheDirectory: string, rel: string): string | undefined {
  const e = cacheEntries(cacheDirectory).find((h) => fs.existsSync(path.join(cacheDirectory, h, rel)));
  return e && path.join(cacheDirectory, e);
}

let frozen: string | undefined;

/** One snapshot of nx-fastled per test file (see support/frozen-plugin.ts for why). */
export function frozenNodeModules(parent: string): string {
  frozen ??= freezePlugin(path.join(parent, 'plugin'));
  return frozen;
}

/** makeWorkspace, with node_modules pointing at the frozen snapshot of nx-fastled. */
export function frozenWorkspace(opts: WorkspaceOptions & { parent: string }): TestWorkspace {
  return useNodeModules(makeWorkspace(opts), frozenNodeModules(path.dirname(opts.parent)));
}
