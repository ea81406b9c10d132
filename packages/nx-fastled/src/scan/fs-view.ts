// A memoised read-only view of the file system for include resolution: existence checks answered from
// cached directory listings (one readdir per directory instead of one stat per probe), and recursive
// listings for glob fallbacks. A scanner assumes the tree does not change while it lives.
import * as fs from 'fs';
import * as path from 'path';

type Entry = 'file' | 'dir';

export class FsView {
  /** absolute directory → its entries; null when it is not a readable directory */
  private readonly listings = new Map<string, Map<string, Entry> | 'missing' | 'unreadable'>();
  private readonly trees = new Map<string, string[]>();

  /** The entries of `dir`, or null if it does not exist, is not a directory or cannot be read. */
  listing(dir: string): Map<string, Entry> | null {
    const entries = this.lookup(dir);
    return typeof entries === 'string' ? null : entries;
  }

  /** Whether the normalised absolute path `p` names an existing non-directory. */
  isFile(p: string): boolean {
    const parent = this.lookup(path.dirname(p));
    if (parent === 'missing') return false;
    if (parent !== 'unreadable') return parent.get(path.basename(p)) === 'file';
    // a directory we may traverse but not list: ask the file itself
    return this.statKind(p) === 'file';
  }

  private lookup(dir: string): Map<string, Entry> | 'missing' | 'unreadable' {
    const cached = this.listings.get(dir);
    if (cached !== undefined) return cached;
    let result: Map<string, Entry> | 'missing' | 'unreadable';
    const parentDir = path.dirname(dir);
    const parent = parentDir === dir ? 'unreadable' : this.lookup(parentDir);
    if (parent === 'missing' || (typeof parent !== 'string' && parent.get(path.basename(dir)) !== 'dir')) {
      // its parent does not list it as a directory: no syscall needed
      result = 'missing';
    } else {
      try {
        result = new Map();
        for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
          if (d.isDirectory()) result.set(d.name, 'dir');
          else if (d.isSymbolicLink()) {
            const kind = this.statKind(path.join(dir, d.name));
            if (kind) result.set(d.name, kind);
          } else result.set(d.name, 'file');
        }
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        result = code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable';
      }
    }
    this.listings.set(dir, result);
    return result;
  }

  /** The shortest prefix of `p` (below `root`) that does not exist; creating anything there matters. */
  firstMissing(p: string, root: string): string {
    let prefix = root;
    for (const part of path.relative(root, p).split(path.sep)) {
      const next = path.join(prefix, part);
      const entries = this.listing(prefix);
      if (!entries || !entries.has(part)) return next;
      prefix = next;
    }
    return p;
  }

  /** Every file below `dir`, absolute, sorted. Symlinked directories are not followed (no cycles). */
  filesUnder(dir: string): string[] {
    let files = this.trees.get(dir);
    if (files) return files;
    files = [];
    const entries = this.listing(dir);
    if (entries) {
      for (const name of [...entries.keys()].sort()) {
        const child = path.join(dir, name);
        if (entries.get(name) === 'file') files.push(child);
        else if (!isSymlink(child)) files.push(...this.filesUnder(child));
      }
    }
    this.trees.set(dir, files);
    return files;
  }

  private statKind(p: string): Entry | null {
    try {
      const st = fs.statSync(p, { throwIfNoEntry: false });
      return st ? (st.isDirectory() ? 'dir' : 'file') : null;
    } catch {
      return null;
    }
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
