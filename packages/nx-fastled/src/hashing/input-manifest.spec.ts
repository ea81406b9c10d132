// The manifest and the after-compile check on real files: a rewrite is caught even when it restores the same
// bytes (ctime moves), a file that already differed from Nx's hash is marked, the memo skips re-hashing.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildManifest, CHANGED, checkInputs, coveredFolders, memoText } from './input-manifest';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-manifest-'));
let hashed = 0;
const hash = (abs: string) => {
  hashed++;
  return createHash('sha1').update(fs.readFileSync(abs)).digest('hex');
};
const write = (rel: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), text);
};
const snapshot = (files: string[]) => files.map((file) => ({ file, hash: hash(path.join(root, file)) }));
const tick = () => new Promise((r) => setTimeout(r, 20));

beforeEach(() => {
  write('lib/a.h', '#define A 1\n');
  write('lib/b.h', '#define B 2\n');
  write('lib/x.cpp', '#include "a.h"\n');
});

it('unchanged inputs pass; an outside file (toolchain) and the generated TU are not checked', () => {
  const { manifest } = buildManifest(root, snapshot(['lib/a.h', 'lib/b.h', 'lib/x.cpp']), hash);
  write('dist/x.ino.cpp', '');
  expect(
    checkInputs(
      manifest,
      root,
      ['lib/x.cpp', 'lib/a.h', '/usr/include/stdio.h', path.join(root, 'lib/b.h'), 'dist/x.ino.cpp'],
      ['dist/x.ino.cpp'],
    ),
  ).toEqual({
    changed: [],
    untracked: [],
  });
});

it('a file rewritten after the manifest, even with the same bytes, is reported as changed during the build', async () => {
  const { manifest } = buildManifest(root, snapshot(['lib/a.h', 'lib/b.h', 'lib/x.cpp']), hash);
  await tick();
  write('lib/a.h', '#define A 1\n');
  expect(checkInputs(manifest, root, ['lib/x.cpp', 'lib/a.h', 'lib/b.h']).changed).toEqual([{ file: 'lib/a.h', when: 'during' }]);
});

it('a file that differs from what Nx hashed is marked before the tasks start; a deleted one too', () => {
  const nx = snapshot(['lib/a.h', 'lib/b.h', 'lib/x.cpp']);
  write('lib/b.h', '#define B 3\n');
  fs.rmSync(path.join(root, 'lib/x.cpp'));
  const { manifest, stats } = buildManifest(root, nx, hash);
  expect(manifest.files['lib/b.h']).toBe(CHANGED);
  expect(manifest.files['lib/x.cpp']).toBe(CHANGED);
  expect(stats.changed).toEqual(['lib/b.h', 'lib/x.cpp']);
  expect(checkInputs(manifest, root, ['lib/b.h', 'lib/a.h']).changed).toEqual([{ file: 'lib/b.h', when: 'before' }]);
});

it('a workspace file Nx does not know (git-ignored or new) is reported as untracked, not as a change', () => {
  const { manifest } = buildManifest(root, snapshot(['lib/a.h']), hash);
  write('lib/new.h', '');
  expect(checkInputs(manifest, root, ['lib/a.h', 'lib/new.h'])).toEqual({ changed: [], untracked: ['lib/new.h'] });
});

it('the memo skips re-hashing files whose signature did not move, and re-hashes the one that did', async () => {
  const nx = snapshot(['lib/a.h', 'lib/b.h', 'lib/x.cpp']);
  const memoFile = path.join(root, 'memo.json');
  const first = buildManifest(root, nx, hash, memoFile);
  expect(first.stats.rehashed).toBe(3);
  fs.writeFileSync(memoFile, memoText(first.memo));
  await tick();
  write('lib/a.h', '#define A 1\n');
  hashed = 0;
  const second = buildManifest(root, nx, hash, memoFile);
  expect(second.stats.rehashed).toBe(1);
  expect(hashed).toBe(1);
  expect(second.manifest.files['lib/a.h']).not.toBe(CHANGED);
});

it('headers of a toolchain folder inside the workspace (an installed host core) are keyed by identity: no warning', () => {
  // what `npm install nx-fastled` lays out: the native core is a real folder under node_modules, git-ignored
  write('node_modules/nx-fastled/cores/native/Arduino.h', '#pragma once\n');
  write('node_modules/nx-fastled/cores/native/Serial.h', '');
  write('node_modules/other/x.h', '');
  const { manifest } = buildManifest(root, snapshot(['lib/a.h', 'lib/x.cpp']), hash);
  const core = path.join(root, 'node_modules/nx-fastled/cores/native');
  manifest.covered = coveredFolders(root, ['/usr/bin', core, path.join(root, 'node_modules/nx-fastled/cores/native/')]);
  expect(manifest.covered).toEqual(['node_modules/nx-fastled/cores/native']);
  const read = [
    'lib/x.cpp',
    'lib/a.h',
    path.join(core, 'Arduino.h'),
    'node_modules/nx-fastled/cores/native/Serial.h',
    'node_modules/other/x.h',
  ];
  // a file beside the covered folder whose name only starts like it is still reported
  write('node_modules/nx-fastled/cores/native2.h', '');
  expect(checkInputs(manifest, root, [...read, 'node_modules/nx-fastled/cores/native2.h'])).toEqual({
    changed: [],
    untracked: ['node_modules/nx-fastled/cores/native2.h', 'node_modules/other/x.h'],
  });
  // without the toolchain folder recorded, the same compile warns about every core header it read
  delete manifest.covered;
  expect(checkInputs(manifest, root, read).untracked).toEqual([
    'node_modules/nx-fastled/cores/native/Arduino.h',
    'node_modules/nx-fastled/cores/native/Serial.h',
    'node_modules/other/x.h',
  ]);
});
