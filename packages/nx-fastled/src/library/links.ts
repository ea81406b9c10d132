// Symbolic links inside a library.
//
// Nx hashes a linked file as the link, not as the file it points to (measured with Nx 24.0.6: editing the
// target of `src/linked.cpp -> /elsewhere/linked.cpp` left the compile a local cache hit), and does not walk
// into linked folders. A linked source would therefore get cache keys that never change when its content
// does. nx-fastled does not compile linked sources and reports every link instead of dropping it silently.
// Only the folders Nx already lists files in are read (plus the library root), so git-ignored trees are
// never walked.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LinkedEntry {
  /** Workspace-relative path of the link. */
  file: string;
  /** Workspace-relative target when it lies inside the workspace; undefined when outside or dangling. */
  target?: string;
  kind: 'file' | 'directory' | 'dangling';
}

/**
 * @param listed workspace-relative files Nx lists under the library root
 */
export function symbolicLinks(workspaceRoot: string, libRoot: string, listed: readonly string[]): LinkedEntry[] {
  const dirs = new Set<string>([libRoot]);
  for (const f of listed) {
    for (let d = path.posix.dirname(f); d !== '.' && d !== libRoot && !dirs.has(d); d = path.posix.dirname(d)) dirs.add(d);
  }
  const out: LinkedEntry[] = [];
  for (const dir of [...dirs].sort()) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(workspaceRoot, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      // Hidden entries (.git, .nx) and node_modules never hold library code (arduino-cli skips hidden ones too);
      // a workspace whose node_modules is a link is a common, harmless setup.
      if (!e.isSymbolicLink() || e.name.startsWith('.') || e.name === 'node_modules') continue;
      const file = dir === '.' ? e.name : `${dir}/${e.name}`;
      let real: string;
      let st: fs.Stats;
      try {
        real = fs.realpathSync(path.join(workspaceRoot, file));
        st = fs.statSync(real);
      } catch {
        out.push({ file, kind: 'dangling' });
        continue;
      }
      const rel = path.relative(fs.realpathSync(workspaceRoot), real);
      const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
      out.push({ file, target: inside ? rel.split(path.sep).join('/') : undefined, kind: st.isDirectory() ? 'directory' : 'file' });
    }
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Whether `file` is a link or lies under a linked folder. */
export function isLinked(links: readonly LinkedEntry[], file: string): boolean {
  return links.some((l) => file === l.file || file.startsWith(`${l.file}/`));
}

/** The one-line report for a link, naming what to do next. */
export function linkMessage(link: LinkedEntry): string {
  const where =
    link.kind === 'dangling'
      ? 'a dangling symbolic link'
      : link.target
        ? `a symbolic link to ${link.target}`
        : 'a symbolic link to a place outside the workspace';
  const why =
    link.kind === 'directory'
      ? 'Nx does not look inside linked folders'
      : 'Nx hashes the link, not the file it points to, so an edit there would never rebuild anything';
  return `${link.file} is ${where}: ${why}, and nx-fastled does not compile it; replace the link with the real ${link.kind === 'directory' ? 'folder' : 'file'} (copy it into the workspace), or add the library that holds it to the workspace`;
}
