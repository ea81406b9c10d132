// Reading folders: the package's one directory walk and the stat question every walker asks. Paths come out
// relative to the root the caller names, with `/` separators, so they can go into keys and outputs as they are.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether `p` is a folder (following links); false when it does not exist or cannot be read. */
export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface ListFilesOptions {
  /** Walk into sub-folders (default true). */
  recursive?: boolean;
  /** Skip entries whose name starts with `.` (default false). */
  skipHidden?: boolean;
  /** Treat a link to a folder as a folder (default false: it is listed as a file). */
  followLinkedDirs?: boolean;
}

/**
 * The files below `root/start`, as `start/...` paths relative to `root` (just the names below when `start` is
 * `.`): depth first, each folder's entries in code-unit order of their names. A folder that cannot be read
 * contributes nothing.
 */
export function listFiles(root: string, start: string, opts: ListFilesOptions = {}): string[] {
  const { recursive = true, skipHidden = false, followLinkedDirs = false } = opts;
  const out: string[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (skipHidden && e.name.startsWith('.')) continue;
      const child = rel === '.' ? e.name : `${rel}/${e.name}`;
      const isDir = e.isDirectory() || (followLinkedDirs && e.isSymbolicLink() && isDirectory(path.join(root, child)));
      if (!isDir) out.push(child);
      else if (recursive) walk(child);
    }
  };
  walk(start);
  return out;
}
