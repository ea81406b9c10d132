// The `init` generator (`nx add nx-fastled`, `nx g nx-fastled:init`): on an in-memory tree, and through the
// real Nx CLI in a fresh workspace shaped the way `nx init` leaves one (package.json with nx, nx.json `{}`).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from 'nx/src/generators/testing-utils/create-tree-with-empty-workspace';
import { initGenerator } from '../src/generators/init/init';
import { isNxFastledEntry } from '../src/plugin/options';
import { openWorkspace, REPO_ROOT } from './support/workspace';

/** Every file of the tree with its content: two snapshots are equal iff the trees are. */
function snapshot(tree: Tree): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const child of tree.children(dir)) {
      const rel = dir ? `${dir}/${child}` : child;
      if (tree.isFile(rel)) out[rel] = tree.read(rel, 'utf-8') ?? '';
      else walk(rel);
    }
  };
  walk('');
  return out;
}

function plugins(tree: Tree): unknown[] {
  return JSON.parse(tree.read('nx.json', 'utf-8')!).plugins;
}

describe('init generator (in-memory tree)', () => {
  it('registers the plugin with its default boards and ignores dist; a second run changes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = JSON.parse(tree.read('nx.json', 'utf-8')!);
    await initGenerator(tree, {});
    const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
    expect(nxJson.plugins).toEqual([{ plugin: 'nx-fastled', options: { boards: ['native', 'uno'] } }]);
    // Nothing else in nx.json changes.
    expect({ ...nxJson, plugins: undefined }).toEqual({ ...before, plugins: undefined });
    expect(tree.read('.gitignore', 'utf-8')).toBe('dist\n');

    const first = snapshot(tree);
    await initGenerator(tree, {});
    expect(snapshot(tree)).toEqual(first);
  });

  it('keeps an existing registration, in string or object form, as it is', async () => {
    for (const existing of ['nx-fastled', { plugin: 'nx-fastled', options: { boards: ['uno'], outputDir: 'out' } }, { plugin: 'nx-fastled' }]) {
      const tree = createTreeWithEmptyWorkspace();
      const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
      nxJson.plugins = ['@nx/js/typescript', existing];
      tree.write('nx.json', JSON.stringify(nxJson, null, 2));
      tree.write('.gitignore', 'node_modules\n/dist/\n');
      const before = snapshot(tree);
      await initGenerator(tree, { boards: ['native'] });
      expect(snapshot(tree)).toEqual(before);
    }
  });

  it('recognises local paths to the package as a registration (this repository registers its source)', () => {
    expect(isNxFastledEntry('./packages/nx-fastled/src/index.ts')).toBe(true);
    expect(isNxFastledEntry({ plugin: './node_modules/nx-fastled' })).toBe(true);
    expect(isNxFastledEntry('nx-fastled/plugin')).toBe(true);
    expect(isNxFastledEntry('@nx/vite/plugin')).toBe(false);
    expect(isNxFastledEntry({ plugin: 'nx-fastled-extras' })).toBe(false);
  });

  it('appends to other plugins, honours --boards, and adds dist after a last line without a newline', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
    nxJson.plugins = [{ plugin: '@nx/js/typescript', options: {} }];
    tree.write('nx.json', JSON.stringify(nxJson, null, 2));
    tree.write('.gitignore', 'node_modules\n.nx');
    await initGenerator(tree, { boards: ['uno', 'uno'] });
    expect(plugins(tree)).toEqual([{ plugin: '@nx/js/typescript', options: {} }, { plugin: 'nx-fastled', options: { boards: ['uno'] } }]);
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n.nx\ndist\n');
  });

  it('creates nx.json when there is none', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.delete('nx.json');
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('nx.json', 'utf-8')!)).toEqual({ plugins: [{ plugin: 'nx-fastled', options: { boards: ['native', 'uno'] } }] });
  });
});

describe('init generator through the Nx CLI in a fresh workspace', () => {
  let root: string;
  let ws: ReturnType<typeof openWorkspace>;
  beforeAll(() => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-init-'));
    root = path.join(parent, 'ws');
    fs.mkdirSync(root);
    // What `nx init` leaves in a repository with a package.json: nx as a devDependency and an nx.json.
    fs.writeFileSync(path.join(root, 'package.json'), `${JSON.stringify({ name: 'fresh', private: true, devDependencies: { nx: '24.0.6' } }, null, 2)}\n`);
    fs.writeFileSync(path.join(root, 'nx.json'), '{}\n');
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.nx/cache\n.nx/workspace-data\n');
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    fs.cpSync(path.join(REPO_ROOT, 'libraries/LedStrip'), path.join(root, 'libraries/LedStrip'), { recursive: true });
    ws = openWorkspace(root, path.join(parent, 'nx-cache'));
  });

  it('needs a root tsconfig on Node without type stripping: nx-fastled ships TypeScript source', () => {
    // Node 20 cannot strip types, so Nx loads .ts through swc-node, which it registers only with a
    // tsconfig.base.json or tsconfig.json at the workspace root. Documented in docs/AFFECTED.md.
    const stripsTypes = !!(process as unknown as { features?: { typescript?: unknown } }).features?.typescript;
    if (stripsTypes) return;
    const r = ws.nx(['g', 'nx-fastled:init']);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toContain('add a tsconfig.base.json/tsconfig.json at the workspace root');
    expect(fs.readFileSync(path.join(root, 'nx.json'), 'utf8')).toBe('{}\n');
  });

  it('`nx g nx-fastled:init` registers the plugin, a second run is byte-identical, and the examples are projects', () => {
    fs.writeFileSync(path.join(root, 'tsconfig.base.json'), '{ "compilerOptions": {} }\n');
    const first = ws.nx(['g', 'nx-fastled:init']);
    expect(first.status).toBe(0);
    const nxJson = fs.readFileSync(path.join(root, 'nx.json'), 'utf8');
    expect(JSON.parse(nxJson)).toEqual({ plugins: [{ plugin: 'nx-fastled', options: { boards: ['native', 'uno'] } }] });
    const gitignore = fs.readFileSync(path.join(root, '.gitignore'), 'utf8');
    expect(gitignore).toBe('node_modules\n.nx/cache\n.nx/workspace-data\ndist\n');

    const second = ws.nx(['g', 'nx-fastled:init']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already registered');
    expect(second.stdout).not.toMatch(/UPDATE|CREATE/);
    expect(fs.readFileSync(path.join(root, 'nx.json'), 'utf8')).toBe(nxJson);
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe(gitignore);

    const list = ws.nx(['list', 'nx-fastled']);
    expect(list.stdout).toMatch(/init\S* : Register nx-fastled in nx.json/);

    const shown = ws.nx(['show', 'projects', '--json']);
    expect(shown.status).toBe(0);
    const names: string[] = JSON.parse(shown.stdout);
    expect(names).toEqual(expect.arrayContaining(['ledstrip', 'ledstrip/Blink', 'ledstrip/Effects/Fire', 'native/ledstrip/examples/Blink', 'native/ledstrip/src/LedStrip.cpp']));
  });
});
