// Source files of a folder, as an Arduino build compiles them: .c, .cpp, .S, recursively, sorted; and the
// language of a file by its extension.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Language } from './types';

export function listSources(root: string, dir: string): { rel: string; language: Language }[] {
  const out: { rel: string; language: Language }[] = [];
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(r);
      else if (/\.(c|cpp|S)$/.test(e.name)) out.push({ rel: r, language: languageOf(e.name) });
    }
  };
  walk(dir);
  return out;
}

export function languageOf(file: string): Language {
  if (file.endsWith('.S')) return 'S';
  if (file.endsWith('.c')) return 'c';
  return 'cpp';
}
