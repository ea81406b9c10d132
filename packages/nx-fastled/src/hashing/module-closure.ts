// The files a module loads: the module and, transitively, every relative `import`/`export ... from`/
// `require()`/`import()` it makes, resolved as Node and @swc-node/register do (`x.ts`/`x.js`, `x/index.*`).
// Works on the TypeScript sources and on tsc's CommonJS output alike. Package imports (`node:fs`, `nx`) are
// not followed: they are not part of the code being keyed.
//
// Used to key tasks on the code they run (plugin/state.ts, toolDigest): a module moved or added is followed
// by construction, where a hand-kept list of folders would silently miss it.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}(?:\/[^'"]*)?)\1/gm;
const EXTENSIONS = ['.ts', '.js', '.cjs', '.mjs', '.json'];

/** Relative module specifiers in `text` (comments are not stripped: a commented-out import over-keys, never under-keys). */
export function relativeSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[2]);
}

/** The file `spec` names from `fromFile`, or undefined if there is none. */
export function resolveModule(fromFile: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(fromFile), spec);
  const candidates = [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => path.join(base, `index${e}`))];
  return candidates.find((c) => {
    try {
      return fs.statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/** Absolute paths of `entry` and every module it reaches through relative imports, sorted. */
export function moduleClosure(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [path.resolve(entry)];
  while (queue.length) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (file.endsWith('.json')) continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const spec of relativeSpecifiers(text)) {
      const target = resolveModule(file, spec);
      if (!target) throw new Error(`${path.relative(process.cwd(), file)}: cannot resolve "${spec}"`);
      queue.push(target);
    }
  }
  return [...seen].sort();
}
