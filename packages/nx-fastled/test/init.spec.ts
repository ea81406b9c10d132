// The `init` generator (`nx add nx-fastled`, `nx g nx-fastled:init`): on an in-memory tree, and through the
// real Nx CLI in a fresh workspace shaped the way `nx init` leaves one (package.json with nx, nx.json `{}`).
// The published-package path (`nx add` from a registry) is covered by packaging/registry-e2e.spec.ts.
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
  it('registers the plugin, its boards in nx-fastled.json, analytics off, ignores dist; a second run changes nothing', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const before = JSON.parse(tree.read('nx.json', 'utf-8')!);
    await initGenerator(tree, {});
    const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
    // No options in nx.json: Nx hashes nx.json into every task.
    expect(nxJson.plugins).toEqual([{ plugin: 'nx-fastled' }]);
    expect(JSON.parse(tree.read('nx-fastled.json', 'utf-8')!)).toEqual({ boards: ['native', 'uno'] });
    // The analytics prompt of a first interactive run would otherwise write into nx.json.
    expect(nxJson.analytics).toBe(false);
    // Nothing else in nx.json changes.
    expect({ ...nxJson, plugins: undefined, analytics: undefined }).toEqual({ ...before, plugins: undefined, analytics: undefined });
    expect(tree.read('.gitignore', 'utf-8')).toBe('dist\n.nx/cache\n.nx/workspace-data\n');

    const first = snapshot(tree);
    await initGenerator(tree, {});
    expect(snapshot(tree)).toEqual(first);
  });

  it('keeps an existing registration, in string or object form, as it is', async () => {
    for (const existing of [
      'nx-fastled',
      { plugin: 'nx-fastled', options: { boards: ['uno'], outputDir: 'out' } },
      { plugin: 'nx-fastled' },
    ]) {
      const tree = createTreeWithEmptyWorkspace();
      const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
      nxJson.plugins = ['@nx/js/typescript', existing];
      nxJson.analytics = true;
      tree.write('nx.json', JSON.stringify(nxJson, null, 2));
      tree.write('.gitignore', 'node_modules\n/dist/\n.nx/\n');
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
    expect(plugins(tree)).toEqual([{ plugin: '@nx/js/typescript', options: {} }, { plugin: 'nx-fastled' }]);
    expect(JSON.parse(tree.read('nx-fastled.json', 'utf-8')!)).toEqual({ boards: ['uno'] });
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n.nx\ndist\n');
  });

  it('creates nx.json when there is none', async () => {
    const tree = createTreeWithEmptyWorkspace();
    tree.delete('nx.json');
    await initGenerator(tree, {});
    expect(JSON.parse(tree.read('nx.json', 'utf-8')!)).toEqual({ plugins: [{ plugin: 'nx-fastled' }], analytics: false });
  });

  it('keeps an existing nx-fastled.json and an analytics choice', async () => {
    const tree = createTreeWithEmptyWorkspace();
    const nxJson = JSON.parse(tree.read('nx.json', 'utf-8')!);
    nxJson.analytics = true;
    tree.write('nx.json', JSON.stringify(nxJson, null, 2));
    tree.write('nx-fastled.json', '{ "boards": ["uno"], "outputDir": "out" }\n');
    await initGenerator(tree, { boards: ['native'] });
    expect(tree.read('nx-fastled.json', 'utf-8')).toBe('{ "boards": ["uno"], "outputDir": "out" }\n');
    expect(JSON.parse(tree.read('nx.json', 'utf-8')!)).toMatchObject({ analytics: true, plugins: [{ plugin: 'nx-fastled' }] });
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
    fs.writeFileSync(
      path.join(root, 'package.json'),
      `${JSON.stringify({ name: 'fresh', private: true, devDependencies: { nx: '24.0.6' } }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(root, 'nx.json'), '{}\n');
    fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n.nx/cache\n.nx/workspace-data\n');
    fs.symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'node_modules'));
    fs.cpSync(path.join(REPO_ROOT, 'libraries/LedStrip'), path.join(root, 'libraries/LedStrip'), { recursive: true });
    ws = openWorkspace(root, path.join(parent, 'nx-cache'));
  });

  it('`nx g nx-fastled:init` registers the plugin, a second run is byte-identical, and the examples are projects', () => {
    // No root tsconfig: the package is compiled JavaScript, nothing needs a TypeScript loader.
    const first = ws.nx(['g', 'nx-fastled:init']);
    expect(first.stdout + first.stderr).not.toContain('tsconfig');
    expect(first.status).toBe(0);
    const nxJson = fs.readFileSync(path.join(root, 'nx.json'), 'utf8');
    expect(JSON.parse(nxJson)).toEqual({ plugins: [{ plugin: 'nx-fastled' }], analytics: false });
    const optionsFile = fs.readFileSync(path.join(root, 'nx-fastled.json'), 'utf8');
    expect(JSON.parse(optionsFile)).toEqual({ boards: ['native', 'uno'] });
    const gitignore = fs.readFileSync(path.join(root, '.gitignore'), 'utf8');
    expect(gitignore).toBe('node_modules\n.nx/cache\n.nx/workspace-data\ndist\n');

    const second = ws.nx(['g', 'nx-fastled:init']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already registered');
    expect(second.stdout).not.toMatch(/UPDATE|CREATE/);
    expect(fs.readFileSync(path.join(root, 'nx.json'), 'utf8')).toBe(nxJson);
    expect(fs.readFileSync(path.join(root, 'nx-fastled.json'), 'utf8')).toBe(optionsFile);
    expect(fs.readFileSync(path.join(root, '.gitignore'), 'utf8')).toBe(gitignore);

    const list = ws.nx(['list', 'nx-fastled']);
    expect(list.stdout).toMatch(/init\S* : Register nx-fastled in nx.json, its boards in nx-fastled.json/);

    const shown = ws.nx(['show', 'projects', '--json']);
    expect(shown.status).toBe(0);
    const names: string[] = JSON.parse(shown.stdout);
    expect(names).toEqual(
      expect.arrayContaining([
        'ledstrip',
        'ledstrip/Blink',
        'ledstrip/Effects/Fire',
        'native/ledstrip/examples/Blink',
        'native/ledstrip/src/LedStrip.cpp',
      ]),
    );
  });
});
