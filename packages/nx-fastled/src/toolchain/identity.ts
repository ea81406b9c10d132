// The toolchain identity: one digest of every byte that can change what a board's compiler produces (driver,
// private programs, assembler and linker, system headers and libraries, Arduino core and variant), keyed by
// paths relative to labelled roots so a copy of the same bytes under another prefix has the same identity.
//
// Computed once per Nx invocation in the plugin worker; a stat memo (size+mtime+inode → sha256) keeps that
// to milliseconds, and compiler probes (`-print-search-dirs`, `-v`) are memoised by the driver's stat.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { StatMemo } from '../hashing/stat-memo';
import { digestTrees, sha256 } from '../hashing/tree-digest';
import { isRecord, JsonMemoFile } from '../util/json-memo';
import type { BoardDefinition, BoardRecipe, CompilerProbe, Located, LocateInput, Missing } from './types';

export interface ResolvedBoard {
  ok: true;
  board: BoardDefinition;
  located: Located;
  recipe: BoardRecipe;
  identity: string;
  identityFiles: number;
}

export interface UnresolvedBoard {
  ok: false;
  board: BoardDefinition;
  missing: Missing;
}

/** A memo of compiler probe outputs keyed by driver path, stat and arguments. */
export class ProbeMemo {
  private readonly entries: Record<string, string>;
  private readonly store: JsonMemoFile<Record<string, string>>;
  constructor(file?: string) {
    this.store = new JsonMemoFile(file, 'compiler probe memo');
    this.entries = this.store.load((d) => (isRecord(d) ? (d as Record<string, string>) : undefined)) ?? {};
  }
  readonly probe: CompilerProbe = (driver, args) => {
    const st = fs.statSync(driver);
    const key = `${fs.realpathSync(driver)}|${st.size}|${st.mtimeMs}|${st.ino}|${args.join(' ')}`;
    if (key in this.entries) return this.entries[key];
    // One process per probe. gcc -v prints to stderr (and may exit non-zero on /dev/null): keep both streams
    // there, or when the driver failed; otherwise stdout is the answer.
    const r = spawnSync(driver, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const out = args.includes('-v') || r.status !== 0 ? `${r.stdout ?? ''}${r.stderr ?? ''}` : (r.stdout ?? '');
    this.entries[key] = out;
    this.store.markDirty();
    return out;
  };
  save(): void {
    this.store.save(() => this.entries);
  }
}

export function resolveBoard(
  board: BoardDefinition,
  input: LocateInput,
  memo: StatMemo,
  probes: ProbeMemo,
): ResolvedBoard | UnresolvedBoard {
  const located = board.locate(input);
  if (!located.ok) return { ok: false, board, missing: located };
  const recipe = board.recipe(located, probes.probe);
  const trees = digestTrees(recipe.identityRoots, memo);
  const identity = sha256(`${board.name}\n${recipe.version}\n${trees.digest}`);
  return { ok: true, board, located, recipe, identity, identityFiles: trees.files };
}
