// One snapshot of nx-fastled shared by every "clone" of a test, as two CI runs of one commit would share it.
//
// nx-fastled hashes its own task CLI (packages/nx-fastled/src or dist) into the sketch and link tasks. In a
// checkout that others edit while the test runs, a change to any file there between two runs would re-key
// those tasks, and a "warm" run would rebuild them. So the test copies the package once and gives each
// workspace a node_modules of its own: symlinks to the repository's packages, except nx-fastled → the copy.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT, TestWorkspace } from './workspace';

const PACKAGE = path.join(REPO_ROOT, 'packages/nx-fastled');

/** Copies nx-fastled (without its tests) under `dir`; returns the node_modules folder that resolves to it. */
export function freezePlugin(dir: string): string {
  const pkg = path.join(dir, 'packages/nx-fastled');
  fs.mkdirSync(pkg, { recursive: true });
  for (const e of fs.readdirSync(PACKAGE)) {
    if (e === 'test' || e === 'node_modules') continue;
    fs.cpSync(path.join(PACKAGE, e), path.join(pkg, e), { recursive: true });
  }
  const nodeModules = path.join(dir, 'node_modules');
  fs.mkdirSync(nodeModules);
  const repoModules = path.join(REPO_ROOT, 'node_modules');
  for (const e of fs.readdirSync(repoModules)) {
    if (e === 'nx-fastled') continue;
    fs.symlinkSync(path.join(repoModules, e), path.join(nodeModules, e));
  }
  fs.symlinkSync(pkg, path.join(nodeModules, 'nx-fastled'));
  return nodeModules;
}

/** Points the workspace's node_modules at `nodeModules` (a folder made by freezePlugin). */
export function useNodeModules(ws: TestWorkspace, nodeModules: string): TestWorkspace {
  const link = path.join(ws.root, 'node_modules');
  fs.rmSync(link, { force: true });
  fs.symlinkSync(nodeModules, link);
  return ws;
}
