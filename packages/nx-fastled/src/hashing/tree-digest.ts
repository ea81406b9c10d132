// Content digest of labelled file trees, independent of where the trees live.
//
// Each root has a label (`gcc`, `core`, `sys0`, ...). The digest is sha256 over the sorted lines
// `<label>:<path relative to the root>\t<sha256 of the bytes>`, so the same bytes installed under another
// prefix give the same digest, and any changed, added or removed byte gives another. Symlinks are followed
// (a toolchain's `bin/avr-g++` is often a link); directories reached twice through links are walked once.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StatMemo } from './stat-memo';

export interface LabelledRoot {
  label: string;
  /** Absolute path of a directory (walked recursively) or of a single file. */
  path: string;
}

export interface TreeDigest {
  digest: string;
  files: number;
}

/** @param skip file names (not paths) left out of the digest, e.g. tests beside the code. */
export function digestTrees(roots: LabelledRoot[], memo: StatMemo, skip?: RegExp): TreeDigest {
  const lines: string[] = [];
  for (const root of roots) {
    // By device and inode (what the stat of a followed link reports): no realpath call per folder. A toolchain
    // is a few thousand files walked by every createNodes, preTasksExecution and postTasksExecution.
    const seenDirs = new Set<string>();
    const walk = (abs: string, rel: string) => {
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        return; // dangling link: contributes nothing, like a missing file
      }
      if (st.isDirectory()) {
        const id = `${st.dev}:${st.ino}`;
        if (seenDirs.has(id)) return;
        seenDirs.add(id);
        for (const name of fs.readdirSync(abs).sort()) walk(path.join(abs, name), rel ? `${rel}/${name}` : name);
      } else if (st.isFile() && !(skip && skip.test(path.basename(abs)))) {
        const sha = memo.hashFile(abs, st);
        if (sha) lines.push(`${root.label}:${rel}\t${sha}`);
      }
    };
    walk(root.path, '');
  }
  lines.sort();
  return { digest: createHash('sha256').update(lines.join('\n')).digest('hex'), files: lines.length };
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
