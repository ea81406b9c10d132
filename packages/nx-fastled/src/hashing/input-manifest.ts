// The per-run input manifest: what every workspace file looked like when Nx hashed it, so a compile can
// prove afterwards that nothing it read changed under it (docs/RELIABILITY.md, "inputs changed during a
// build").
//
// Why: without the daemon Nx hashes the workspace once, when the command starts, and computes every task's
// hash from that snapshot. A compile that starts minutes later reads whatever is on disk then; if a header
// was edited in between (or while the compiler runs), the object is built from the new bytes and cached
// under the old bytes' hash, and every later hit (local or remote) serves it.
//
// How: preTasksExecution (after Nx's snapshot, before any task) takes Nx's own hash of each file, hashes the
// file again with the same native function and records its stat signature (size, mtime, ctime, inode, all in
// nanoseconds) when the bytes still match, or CHANGED when they do not. After a compile, the depfile's files
// are stat'ed: a signature that differs means the file was written after Nx hashed it (ctime moves on every
// write, even one that restores the old bytes, and cannot be set back), so the object is not trusted.
//
// Format (JSON, one file per Nx run, written to a temporary name and renamed):
//   { "version": 1, "root": "<absolute workspace root>", "files": { "<ws-relative path>": "<signature>" | "!" },
//     "covered": ["<ws-relative folder>", ...] }
// `covered` (optional, sorted) lists the toolchain folders that lie inside the workspace (nx-fastled's own
// host core under node_modules/nx-fastled/cores/, a core vendored in the repository): their files are keyed
// by the toolchain identity, not by Nx, so a compile reading them is neither checked nor warned about here.
// Memo (JSON, in Nx's workspace-data folder): { "version": 1, "entries": { "<path>": ["<signature>", "<nx hash>"] } }
// lets an unchanged file skip re-hashing: the same signature means the same bytes.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const CHANGED = '!';
/** The environment variable that names the run's manifest. */
export const MANIFEST_ENV = 'NXF_INPUTS';

export interface InputManifest {
  version: 1;
  root: string;
  files: Record<string, string>;
  /** ws-relative toolchain folders inside the workspace, keyed by the toolchain identity; sorted */
  covered?: string[];
}

/** The ws-relative forms of the folders (absolute) that lie inside `root`, sorted; others are dropped. */
export function coveredFolders(root: string, dirs: string[]): string[] {
  const inside = dirs.map((d) => workspaceRelative(root, d)).filter((d): d is string => d !== undefined);
  return [...new Set(inside)].sort();
}

/** size:mtime:ctime:inode in nanoseconds, or undefined for something that is not a readable regular file. */
export function statSignature(absPath: string): string | undefined {
  let st: fs.BigIntStats;
  try {
    st = fs.statSync(absPath, { bigint: true });
  } catch {
    return undefined;
  }
  if (!st.isFile()) return undefined;
  return `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}`;
}

type MemoEntry = [signature: string, nxHash: string];

export interface ManifestStats {
  files: number;
  rehashed: number;
  changed: string[];
}

/**
 * @param files Nx's snapshot: workspace-relative path and the hash Nx computed for it
 * @param hashFile Nx's own content hash of an absolute path (its native `hashFile`)
 */
export function buildManifest(
  root: string,
  files: { file: string; hash: string }[],
  hashFile: (absPath: string) => string | null | undefined,
  memoFile?: string,
): { manifest: InputManifest; stats: ManifestStats; memo: Record<string, MemoEntry> } {
  const old = readMemo(memoFile);
  const memo: Record<string, MemoEntry> = {};
  const out: Record<string, string> = {};
  const stats: ManifestStats = { files: files.length, rehashed: 0, changed: [] };
  for (const { file, hash } of files) {
    const abs = path.join(root, file);
    const before = statSignature(abs);
    if (!before) {
      out[file] = CHANGED;
      stats.changed.push(file);
      continue;
    }
    const known = old[file];
    let current: string | null | undefined;
    if (known && known[0] === before) current = known[1];
    else {
      current = hashFile(abs);
      stats.rehashed++;
      // A write racing with the hash: trust neither.
      if (statSignature(abs) !== before) current = undefined;
    }
    if (current && current === hash) {
      out[file] = before;
      memo[file] = [before, current];
    } else {
      out[file] = CHANGED;
      stats.changed.push(file);
      if (current) memo[file] = [before, current];
    }
  }
  return { manifest: { version: 1, root, files: out }, stats, memo };
}

function readMemo(memoFile: string | undefined): Record<string, MemoEntry> {
  if (!memoFile) return {};
  try {
    const parsed = JSON.parse(fs.readFileSync(memoFile, 'utf8'));
    if (parsed?.version === 1 && parsed.entries && typeof parsed.entries === 'object') return parsed.entries;
  } catch {
    // missing or unreadable: every file is hashed once more
  }
  return {};
}

export function memoText(memo: Record<string, MemoEntry>): string {
  return JSON.stringify({ version: 1, entries: memo });
}

export function readManifest(file: string): InputManifest {
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (parsed?.version !== 1 || typeof parsed.root !== 'string' || !parsed.files)
    throw new Error(`${file}: not an nx-fastled input manifest`);
  return parsed as InputManifest;
}

export interface InputChange {
  file: string;
  /** `before`: already different when the run started its tasks; `during`: written after that. */
  when: 'before' | 'during';
}

export interface InputCheck {
  changed: InputChange[];
  /** Workspace files the compiler read that Nx does not hash (git-ignored, or created after Nx looked). */
  untracked: string[];
}

/**
 * Compares the files a compile read (depfile prerequisites, relative to the workspace root or absolute) with
 * the manifest. Files outside the workspace (toolchain, core), and those in the manifest's `covered` toolchain
 * folders inside it, are keyed by the toolchain identity instead.
 * @param ignore workspace-relative files that are expected to be unknown to Nx (the generated sketch TU)
 */
export function checkInputs(manifest: InputManifest, root: string, read: string[], ignore: string[] = []): InputCheck {
  const changed: InputChange[] = [];
  const untracked: string[] = [];
  const skip = new Set(ignore.map((f) => path.posix.normalize(f)));
  const covered = (manifest.covered ?? []).map((d) => `${d}/`);
  for (const dep of new Set(read)) {
    const rel = workspaceRelative(root, dep);
    if (rel === undefined || skip.has(rel) || covered.some((d) => rel.startsWith(d))) continue;
    const recorded = manifest.files[rel];
    if (recorded === undefined) untracked.push(rel);
    else if (recorded === CHANGED) changed.push({ file: rel, when: 'before' });
    else if (statSignature(path.join(root, rel)) !== recorded) changed.push({ file: rel, when: 'during' });
  }
  return { changed: changed.sort((a, b) => (a.file < b.file ? -1 : 1)), untracked: untracked.sort() };
}

function workspaceRelative(root: string, file: string): string | undefined {
  const abs = path.resolve(root, file);
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join('/');
}
