// End to end, as a user gets nx-fastled: both packages packed and published to a real local npm registry
// (verdaccio), then, in a brand-new workspace outside this repository that borrows nothing from its
// node_modules: nx installed, `nx add nx-fastled`, a small Arduino library dropped in, its examples built for
// native and uno with the real compilers, and the cache served by the published nx-fastled-cache: a second
// build from an empty local cache is all remote-cache hits and restores the .hex.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FIXTURES, REPO_ROOT } from '../support/workspace';
import { ensureVerdaccio, Registry, startRegistry } from './registry';

const NX_VERSION = '24.0.6';
const PACKAGES = [
  { name: 'nx-fastled', dir: path.join(REPO_ROOT, 'packages/nx-fastled') },
  { name: 'nx-fastled-cache', dir: path.join(REPO_ROOT, 'packages/cache-server') },
];

/** The environment of a user's shell: nothing pointing into this repository, npm aimed at the registry. */
function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('npm_') || k.startsWith('NX_') || k.startsWith('NXF_') || k === 'NODE_PATH' || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter((p) => p && !path.resolve(p).startsWith(REPO_ROOT))
    .join(path.delimiter);
  return { ...env, CI: 'true', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', ...extra };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const seconds = (Date.now() - t0) / 1000;
  process.stdout.write(`e2e: ${cmd} ${args.join(' ')}: exit ${r.status} in ${seconds.toFixed(1)} s\n`);
  return { ...r, seconds, text: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function expectOk(r: ReturnType<typeof run>): void {
  if (r.status !== 0) throw new Error(`exit ${r.status}:\n${r.text.slice(-6000)}`);
}

type RunRecord = { tasks: { id: string; status: string }[] };

describe('published packages in a brand-new workspace (verdaccio)', () => {
  let tmp: string;
  let registry: Registry | undefined;
  let ws: string;
  let baseEnv: NodeJS.ProcessEnv;
  let server: { pidFile: string; vars: Record<string, string> } | undefined;
  const packed: Record<string, string[]> = {};

  beforeAll(async () => {
    tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-e2e-')));
    const bin = ensureVerdaccio(userEnv({}));
    registry = await startRegistry(bin, path.join(tmp, 'registry'), userEnv({}));
    baseEnv = userEnv({ npm_config_userconfig: registry.npmrc, NX_CACHE_DIRECTORY: path.join(tmp, 'nx-cache-1') });
  }, 15 * 60_000);

  afterAll(() => {
    if (server) spawnSync('npx', ['nx-fastled-cache', 'stop', '--pid-file', server.pidFile], { cwd: ws, env: baseEnv, encoding: 'utf8' });
    registry?.stop();
  });

  it(
    'packs both packages without tests or fixtures and publishes them',
    () => {
      for (const pkg of PACKAGES) {
        // `prepack` rebuilds dist/ from a clean folder, so nothing stale from an earlier build is published.
        const tarballs = path.join(tmp, 'tarballs');
        fs.mkdirSync(tarballs, { recursive: true });
        const pack = run('npm', ['pack', '--json', '--pack-destination', tarballs], pkg.dir, baseEnv);
        expectOk(pack);
        const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
        const files: string[] = info.files.map((f: { path: string }) => f.path).sort();
        packed[pkg.name] = files;
        process.stdout.write(`e2e: ${pkg.name} packs ${files.length} files:\n  ${files.join('\n  ')}\n`);
        expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts']));
        expect(files.filter((f) => /(^|\/)(test|fixtures)\/|\.spec\.|\.tsbuildinfo$|^src\//.test(f))).toEqual([]);
        // Every compiled module has its source: nothing left over from a deleted one.
        const orphans = files.filter(
          (f) => /^dist\/.*\.js$/.test(f) && !fs.existsSync(path.join(pkg.dir, f.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts'))),
        );
        expect(orphans).toEqual([]);
        expectOk(run('npm', ['publish', path.join(tarballs, info.filename), '--registry', registry!.url], tmp, baseEnv));
      }
      expect(packed['nx-fastled']).toEqual(
        expect.arrayContaining([
          'bin/nx-fastled-task.cjs',
          'generators.json',
          'dist/generators/init/schema.json',
          'cores/native/Arduino.h',
        ]),
      );
      expect(packed['nx-fastled-cache']).toEqual(expect.arrayContaining(['bin/nx-fastled-cache.cjs', 'dist/cli.js']));
    },
    10 * 60_000,
  );

  it(
    'installs nx, then `nx add nx-fastled` registers it; nothing resolves into this repository',
    () => {
      ws = path.join(tmp, 'ws');
      fs.mkdirSync(ws);
      fs.writeFileSync(path.join(ws, 'package.json'), `${JSON.stringify({ name: 'my-leds', private: true }, null, 2)}\n`);
      fs.writeFileSync(path.join(ws, '.gitignore'), 'node_modules\n.nx\n');
      expectOk(run('npm', ['install', '--save-dev', '--save-exact', `nx@${NX_VERSION}`, '--prefer-offline'], ws, baseEnv));
      fs.writeFileSync(path.join(ws, 'nx.json'), '{}\n');

      const add = run('npx', ['nx', 'add', 'nx-fastled'], ws, baseEnv);
      expectOk(add);
      expect(JSON.parse(fs.readFileSync(path.join(ws, 'nx.json'), 'utf8'))).toEqual({
        plugins: [{ plugin: 'nx-fastled' }],
        analytics: false,
      });
      expect(JSON.parse(fs.readFileSync(path.join(ws, 'nx-fastled.json'), 'utf8'))).toEqual({ boards: ['native', 'uno'] });
      expect(fs.readFileSync(path.join(ws, '.gitignore'), 'utf8')).toBe('node_modules\n.nx\ndist\n');
      expect(JSON.parse(fs.readFileSync(path.join(ws, 'package.json'), 'utf8')).devDependencies).toHaveProperty('nx-fastled');

      expectOk(run('npm', ['install', '--save-dev', 'nx-fastled-cache', '--prefer-offline'], ws, baseEnv));
      for (const name of ['nx', 'nx-fastled', 'nx-fastled-cache', '@nx/devkit', 'micromatch']) {
        const real = fs.realpathSync(path.join(ws, 'node_modules', name));
        expect(real.startsWith(REPO_ROOT)).toBe(false);
        expect(real.startsWith(ws)).toBe(true);
      }
      const lock = fs.readFileSync(path.join(ws, 'package-lock.json'), 'utf8');
      expect(lock).not.toContain(REPO_ROOT);
    },
    15 * 60_000,
  );

  it(
    'builds the examples for native and uno, then a fresh checkout is all remote-cache hits',
    () => {
      fs.cpSync(path.join(FIXTURES, 'Flat15'), path.join(ws, 'libraries/Flat15'), { recursive: true });
      const store = path.join(tmp, 'store');
      const runDir = path.join(tmp, 'cache-run');
      fs.mkdirSync(runDir);
      const pidFile = path.join(runDir, 'server.pid');
      const start = run(
        'npx',
        [
          'nx-fastled-cache',
          'start',
          '--store',
          store,
          '--port',
          '0',
          '--pid-file',
          pidFile,
          '--log-file',
          path.join(runDir, 'server.log'),
        ],
        ws,
        baseEnv,
      );
      expectOk(start);
      const vars: Record<string, string> = {};
      for (const m of start.stdout.matchAll(/^export ([A-Z_]+)='?([^'\n]*)'?$/gm)) vars[m[1]] = m[2];
      server = { pidFile, vars };
      expect(Object.keys(vars).sort()).toEqual(['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN', 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER']);

      const first = run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], ws, { ...baseEnv, ...vars });
      expectOk(first);
      // The end of the run says where the results are and what was built.
      expect(first.stdout).toContain('nx-fastled: build report: dist/report/report.html');
      expect(first.stdout).toMatch(/nx-fastled: 3 example builds done, 0 failed, 1 not built .*native 2\/0\/0, uno 1\/0\/1/);
      const hex = 'dist/uno/flat15/examples/Hello/Hello.hex';
      expect(fs.existsSync(path.join(ws, hex))).toBe(true);
      expect(fs.readFileSync(path.join(ws, hex), 'utf8')).toMatch(/^:[0-9A-F]+\r?\n/);
      const firstRun: RunRecord = JSON.parse(fs.readFileSync(path.join(ws, 'dist/report/run.json'), 'utf8'));
      const ids = firstRun.tasks.map((t) => t.id).sort();
      expect(ids).toEqual(expect.arrayContaining(['flat15/Hello:build', 'flat15/NativeOnly:build']));
      expect(ids.some((id) => id.startsWith('uno/') && id.endsWith(':link'))).toBe(true);
      expect(ids.some((id) => id.startsWith('native/') && id.endsWith(':link'))).toBe(true);
      expect(firstRun.tasks.filter((t) => t.status !== 'success')).toEqual([]);

      // A fresh clone on another machine: no dist, no .nx, an empty local cache; only the remote cache.
      const clone = path.join(tmp, 'clone');
      fs.cpSync(ws, clone, { recursive: true, filter: (src) => !/\/(dist|\.nx|node_modules)$/.test(src) });
      expectOk(run('npm', ['ci', '--prefer-offline'], clone, baseEnv));
      const second = run('npx', ['nx', 'run-many', '-t', 'build', '--outputStyle=static'], clone, {
        ...baseEnv,
        ...vars,
        NX_CACHE_DIRECTORY: path.join(tmp, 'nx-cache-2'),
      });
      expectOk(second);
      const secondRun: RunRecord = JSON.parse(fs.readFileSync(path.join(clone, 'dist/report/run.json'), 'utf8'));
      expect(secondRun.tasks.map((t) => t.id).sort()).toEqual(ids);
      expect(secondRun.tasks.filter((t) => t.status !== 'remote-cache')).toEqual([]);
      expect(second.stdout).toContain('[remote cache]');
      expect(fs.readFileSync(path.join(clone, hex))).toEqual(fs.readFileSync(path.join(ws, hex)));
    },
    20 * 60_000,
  );
});
