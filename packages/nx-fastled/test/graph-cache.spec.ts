// The plugin's graph result cache (plugin/graph-cache.ts) through the real Nx CLI: a nothing-changed command
// reuses the stored result (the file is not rewritten), any change to what createNodes reads recomputes it,
// the result equals a computed one, and the stored file holds no absolute path, so a copy of the workspace
// elsewhere reuses it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { makeWorkspace, openWorkspace, REPO_ROOT, TestWorkspace } from './support/workspace';

const CACHE = '.nx/workspace-data/nx-fastled/graph-cache.json';

function projects(ws: TestWorkspace, env: Record<string, string> = {}): string[] {
  const r = ws.nx(['show', 'projects', '--json'], env);
  if (r.status !== 0) throw new Error(`nx show projects failed:\n${r.stderr}\n${r.stdout}`);
  return (JSON.parse(r.stdout) as string[]).sort();
}

function stored(ws: TestWorkspace): { key: string; text: string; mtimeMs: number } {
  const file = path.join(ws.root, CACHE);
  const text = fs.readFileSync(file, 'utf8');
  return { key: JSON.parse(text).key, text, mtimeMs: fs.statSync(file).mtimeMs };
}

describe('graph result cache', () => {
  let ws: TestWorkspace;
  let first: { key: string; text: string; mtimeMs: number };
  let names: string[];
  beforeAll(() => {
    ws = makeWorkspace({ libraries: ['Flat15', 'Legacy10'], boards: ['native'] });
    names = projects(ws);
    first = stored(ws);
  });

  it('is reused when nothing changed, and equals a computed graph', () => {
    expect(names).toEqual(expect.arrayContaining(['flat15/Hello', 'native/flat15/examples/Hello']));
    expect(projects(ws)).toEqual(names);
    const again = stored(ws);
    expect(again.text).toBe(first.text);
    expect(again.mtimeMs).toBe(first.mtimeMs);

    const cached = ws.nx(['show', 'project', 'native/flat15/examples/Hello', '--json']);
    const computed = ws.nx(['show', 'project', 'native/flat15/examples/Hello', '--json'], { NX_FASTLED_GRAPH_CACHE: 'false' });
    expect(cached.status).toBe(0);
    expect(JSON.parse(cached.stdout)).toEqual(JSON.parse(computed.stdout));
  });

  it('holds no absolute path, time or machine detail', () => {
    for (const needle of [ws.root, fs.realpathSync(os.tmpdir()), REPO_ROOT, '/usr/', os.homedir()])
      expect(first.text).not.toContain(needle);
  });

  it('recomputes when a source file, an option or an NX_FASTLED_ variable changes', () => {
    ws.write('libraries/Flat15/examples/Added/Added.ino', 'void setup() {}\nvoid loop() {}\n');
    expect(projects(ws)).toContain('flat15/Added');
    const afterAdd = stored(ws);
    expect(afterAdd.key).not.toBe(first.key);

    ws.write('libraries/Flat15/src/Flat15.h', `${ws.read('libraries/Flat15/src/Flat15.h')}\n// edited\n`);
    projects(ws);
    const afterEdit = stored(ws);
    expect(afterEdit.key).not.toBe(afterAdd.key);

    ws.write('nx-fastled.json', JSON.stringify({ outputDir: 'out' }));
    const shown = JSON.parse(ws.nx(['show', 'project', 'native/flat15/examples/Hello', '--json']).stdout);
    expect(JSON.stringify(shown.targets)).toContain('out/native/');
    const afterOption = stored(ws);
    expect(afterOption.key).not.toBe(afterEdit.key);

    projects(ws, { NX_FASTLED_NATIVE_PREFIX: '/usr' });
    expect(stored(ws).key).not.toBe(afterOption.key);
  });

  it('is reused by a copy of the workspace at another path', () => {
    projects(ws);
    const before = stored(ws);
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-graph-copy-'));
    const root = path.join(parent, 'deeper', 'copy');
    fs.cpSync(ws.root, root, {
      recursive: true,
      verbatimSymlinks: true,
      filter: (src) => !src.startsWith(path.join(ws.root, '.nx')) && !src.startsWith(path.join(ws.root, 'dist')),
    });
    fs.mkdirSync(path.join(root, path.dirname(CACHE)), { recursive: true });
    fs.copyFileSync(path.join(ws.root, CACHE), path.join(root, CACHE));
    const copy = openWorkspace(root, path.join(parent, 'nx-cache'));
    const placed = stored(copy);
    expect(projects(copy)).toEqual(projects(ws));
    // Not rewritten: the stored result was a hit at the new path.
    expect(stored(copy)).toEqual(placed);
    expect(placed.text).toBe(before.text);
  });
});
