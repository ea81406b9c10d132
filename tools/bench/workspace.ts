// Workspace setup for the benchmark: throwaway Nx workspaces with nx-fastled registered (as in
// packages/nx-fastled/test/support/workspace.ts, with more control), the library copied to `vendor/<Name>`
// (the same relative path in every copy, so task hashes can match), copies at other absolute paths, and
// mtime-only changes. Nothing here runs Nx.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');
export const NX_BIN = path.join(REPO_ROOT, 'node_modules/.bin/nx');

/**
 * A node_modules for the benchmark's workspaces: symlinks to the repository's packages, except nx-fastled,
 * which is a snapshot copy of packages/nx-fastled taken once. The plugin's task CLI digest covers its whole
 * source tree, so edits made to the live plugin while a benchmark runs would otherwise re-key sketch and
 * link tasks between two runs of the same scenario list.
 */
export function snapshotNodeModules(dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const live = path.join(REPO_ROOT, 'node_modules');
  for (const e of fs.readdirSync(live)) {
    if (e === 'nx-fastled') continue;
    fs.symlinkSync(path.join(live, e), path.join(dir, e));
  }
  // Outside any node_modules (like the repository's workspace link), so Nx transpiles its TypeScript;
  // `<dir>/../plugin/nx-fastled` still resolves its own imports (nx, @nx/devkit) through `<dir>`.
  const snapshot = path.join(path.dirname(dir), 'plugin', 'nx-fastled');
  fs.cpSync(path.join(REPO_ROOT, 'packages/nx-fastled'), snapshot, {
    recursive: true,
    filter: (src) => path.basename(src) !== 'node_modules',
  });
  fs.symlinkSync(snapshot, path.join(dir, 'nx-fastled'));
  return dir;
}

export interface BenchWorkspace {
  root: string;
  /** The node_modules folder the workspace's `node_modules` symlink points to. */
  nodeModules: string;
  /** Library folder name, copied to `vendor/<libName>`. */
  libName: string;
  board: string;
  /** NX_CACHE_DIRECTORY for every Nx run in this workspace. */
  cacheDir: string;
}

/** The library's files: `git ls-files` when it is its own git checkout (never its objects), else a walk. */
function libraryFiles(library: string): string[] {
  if (fs.existsSync(path.join(library, '.git'))) {
    const out = execFileSync('git', ['-C', library, 'ls-files', '-z'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return out.split('\0').filter((f) => f && fs.existsSync(path.join(library, f)) && !fs.statSync(path.join(library, f)).isDirectory());
  }
  const files: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(library, rel), { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else files.push(r);
    }
  };
  walk('');
  return files;
}

export function createWorkspace(opts: {
  root: string;
  library: string;
  board: string;
  cacheDir: string;
  nodeModules: string;
}): BenchWorkspace {
  const libName = path.basename(path.resolve(opts.library));
  const root = opts.root;
  fs.mkdirSync(root, { recursive: true });
  const dest = path.join(root, 'vendor', libName);
  for (const f of libraryFiles(path.resolve(opts.library))) {
    const to = path.join(dest, f);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(path.join(opts.library, f), to);
  }
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'nxf-bench-ws', private: true }, null, 2));
  // No root tsconfig: the plugin is compiled JavaScript, and a FastLED workspace (docs/FASTLED.md) has none. With
  // one, Nx loads TypeScript in its main process to read `customConditions` before it starts each plugin worker
  // (about 0.5 s of CPU on every command), a cost Nx's floor (createFloorWorkspace) does not pay either.
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\ndist\n.nx\n');
  fs.writeFileSync(
    path.join(root, 'nx.json'),
    JSON.stringify({ useDaemonProcess: false, plugins: [{ plugin: 'nx-fastled', options: { boards: [opts.board] } }] }, null, 2),
  );
  fs.symlinkSync(opts.nodeModules, path.join(root, 'node_modules'));
  return { root, nodeModules: opts.nodeModules, libName, board: opts.board, cacheDir: opts.cacheDir };
}

/**
 * A copy of the workspace at another absolute path. Sources always; `dist/` (outputs) never, so hits must
 * restore from the cache; with `cacheIndex`, Nx's local-cache index (`.nx/workspace-data/*.db`) too but not
 * the rest of `.nx` (project graph cache, plugin memos), so the graph is computed afresh at the new path.
 * Nx 24 only reports a local-cache hit for entries its workspace DB knows, even in a shared cache directory.
 */
export function copyWorkspace(ws: BenchWorkspace, newRoot: string, opts: { cacheDir?: string; cacheIndex?: boolean } = {}): BenchWorkspace {
  fs.mkdirSync(newRoot, { recursive: true });
  for (const e of fs.readdirSync(ws.root)) {
    if (e === 'dist' || e === '.nx' || e === 'node_modules') continue;
    fs.cpSync(path.join(ws.root, e), path.join(newRoot, e), { recursive: true, preserveTimestamps: true });
  }
  const data = path.join(ws.root, '.nx/workspace-data');
  if (opts.cacheIndex && fs.existsSync(data)) {
    fs.mkdirSync(path.join(newRoot, '.nx/workspace-data'), { recursive: true });
    for (const f of fs.readdirSync(data).filter((f) => /\.db$/.test(f)))
      fs.copyFileSync(path.join(data, f), path.join(newRoot, '.nx/workspace-data', f));
  }
  fs.symlinkSync(ws.nodeModules, path.join(newRoot, 'node_modules'));
  return { ...ws, root: newRoot, cacheDir: opts.cacheDir ?? ws.cacheDir };
}

/** Sets every file's (and folder's) mtime under the workspace to `when`, except node_modules and .nx. */
export function touchAll(ws: BenchWorkspace, when = new Date()): number {
  let n = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (dir === ws.root && (e.name === 'node_modules' || e.name === '.nx')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      if (e.isFile() || e.isDirectory()) {
        fs.utimesSync(p, when, when);
        n++;
      }
    }
  };
  walk(ws.root);
  return n;
}

/** The environment of every Nx run: no daemon, no cloud, a private cache, the board, nothing inherited. */
export function nxEnv(ws: BenchWorkspace, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_CACHE_DIRECTORY: ws.cacheDir,
    NX_TUI: 'false',
    CI: 'true',
    NX_FASTLED_BOARDS: ws.board,
  };
  for (const k of Object.keys(env)) {
    if (k === 'NX_SKIP_NX_CACHE' || /^NX_FASTLED_.*_(PREFIX|CORE)$/.test(k) || /^NXF_/.test(k)) delete env[k];
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}
