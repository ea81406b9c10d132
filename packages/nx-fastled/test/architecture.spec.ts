// The rules docs/ARCHITECTURE.md ("Layers") states about the plugin's folders, checked on the sources:
// domain folders (and cli/, util/) import no Nx, and the domain folders' import graph has no cycle.
// ESLint checks the same and more module by module; this keeps the document's statements true in the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { relativeSpecifiers, resolveModule } from '../src/hashing/module-closure';

const SRC = path.resolve(__dirname, '../src');
const NX_FACING = new Set(['plugin', 'generators', 'executors']);
const ADAPTER = 'nx-compat';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [p] : [];
  });
}

const folders = fs
  .readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();
const domain = folders.filter((f) => !NX_FACING.has(f) && f !== ADAPTER && f !== 'cli' && f !== 'util');
const folderOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

/** The "Layout" table of docs/ARCHITECTURE.md: `folder/` -> its "Nx imports?" cell. */
function layoutTable(): Map<string, string> {
  const doc = fs.readFileSync(path.resolve(__dirname, '../../../docs/ARCHITECTURE.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `([a-z-]+)\/` +\|.*\| ([a-z]+) +\|$/gm)) rows.set(m[1], m[2]);
  return rows;
}

describe('docs/ARCHITECTURE.md layers', () => {
  it('has domain folders to check', () => {
    expect(domain).toEqual(expect.arrayContaining(['hashing', 'library', 'scan', 'sketch', 'toolchain']));
  });

  it('the Layout table has a row for every folder, and says "no" Nx imports for the domain, cli/ and util/', () => {
    const rows = layoutTable();
    expect([...rows.keys()].sort()).toEqual(folders);
    for (const f of [...domain, 'cli', 'util']) expect({ f, nx: rows.get(f) }).toEqual({ f, nx: 'no' });
  });

  it('domain folders, cli/ and util/ import no Nx', () => {
    const offenders = [...domain, 'cli', 'util'].flatMap((folder) =>
      sources(path.join(SRC, folder)).flatMap((file) => {
        const text = fs.readFileSync(file, 'utf8');
        const nx = [...text.matchAll(/(?:from\s*|require\s*\(\s*|import\s*\(\s*)['"]((?:nx|@nx\/[^/'"]+)(?:\/[^'"]*)?)['"]/g)].map(
          (m) => m[1],
        );
        return nx.map((spec) => `${path.relative(SRC, file)} imports ${spec}`);
      }),
    );
    expect(offenders).toEqual([]);
  });

  it('the domain folders import each other without a cycle, and never a layer above', () => {
    const edges = new Map<string, Set<string>>(domain.map((f) => [f, new Set<string>()]));
    const upward: string[] = [];
    for (const folder of domain) {
      for (const file of sources(path.join(SRC, folder))) {
        for (const spec of relativeSpecifiers(fs.readFileSync(file, 'utf8'))) {
          const target = resolveModule(file, spec);
          if (!target || !target.startsWith(SRC)) continue;
          const to = folderOf(target);
          if (to === folder || to === 'util') continue;
          if (!edges.has(to)) upward.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)}`);
          else edges.get(folder)!.add(to);
        }
      }
    }
    expect(upward).toEqual([]);
    // depth-first search for a back edge
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, trail: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(f)), f].join(' -> '));
        return;
      }
      state.set(f, 'open');
      for (const to of [...edges.get(f)!].sort()) visit(to, [...trail, f]);
      state.set(f, 'done');
    };
    for (const f of domain) visit(f, []);
    expect(cycles).toEqual([]);
  });
});
