// Source files of a folder, as an Arduino build compiles them: .c, .cpp, .S, recursively, sorted; and the
// language of a file by its extension.
import { listSourceFiles } from '../platform/recipe';
import type { Language } from './types';

export function listSources(root: string, dir: string): { rel: string; language: Language }[] {
  return listSourceFiles(root, dir).map((rel) => ({ rel, language: languageOf(rel) }));
}

export function languageOf(file: string): Language {
  if (file.endsWith('.S')) return 'S';
  if (file.endsWith('.c')) return 'c';
  return 'cpp';
}
