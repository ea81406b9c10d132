// The CI cache recipe of docs/CI_CACHE.md, end to end on the fixtures with the real compilers and the real
// cache server CLI: a main build stores every task on a loopback server; only the server's store folder is
// "restored" into a second clone at another path with an empty local Nx cache, which then compiles nothing;
// a pull-request build with a read-only token rebuilds just the edited sketch and adds nothing to the store.
// Also: `nx-fastled-task identity`, the toolchain identity the recipe's cache keys use.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { missingToolchainMessage } from '../src/plugin/messages';
import { unknownBoardMessage } from '../src/plugin/options';
import { BOARDS } from '../src/toolchain/boards';
import type { Missing } from '../src/toolchain/types';
import { filesUnder, startServer, StartedServer, stopServer, storeEntries } from './ci-recipe/cache-server';
import { freezePlugin, useNodeModules } from './support/frozen-plugin';
import { HAS_AVR, makeWorkspace, NX_PLUGIN_ISOLATION, REPO_ROOT, statusCounts, TestWorkspace } from './support/workspace';

jest.setTimeout(240_000);

const LEDSTRIP = path.join(REPO_ROOT, 'libraries/LedStrip');
const TASK_BIN = path.join(REPO_ROOT, 'packages/nx-fastled/bin/nx-fastled-task.cjs');
const BOARD_NAMES = HAS_AVR ? ['native', 'uno'] : ['native'];
if (!HAS_AVR) console.warn('ci-recipe.spec: avr-g++ or the Arduino AVR core is missing; the recipe runs for native only');

const WRITE_TOKEN = 'ci-recipe-write-token-0123456789abcdef';
const READ_TOKEN = 'ci-recipe-read-token-fedcba9876543210';

type Task = { id: string; project: string; target: string; status: string };

function identityCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  return spawnSync(process.execPath, [TASK_BIN, 'identity', ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

/** The identity the plugin put into a board's task commands (`toolchain=<sha256>` in the core archive). */
function pluginIdentity(ws: TestWorkspace, board: string): string {
  const r = ws.nx(['show', 'project', `${board}/core`, '--json']);
  if (r.status !== 0) throw new Error(`nx show project ${board}/core failed:\n${r.stderr}`);
  const m = /toolchain=([0-9a-f]{64})/.exec(r.stdout);
  if (!m) throw new Error(`no toolchain=<identity> in ${board}/core's commands`);
  return m[1];
}

function git(cwd: string, args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=ci', '-c', 'user.email=ci@example.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed:\n${r.stderr}`);
}

function nxOk(ws: TestWorkspace, args: string[], env: Record<string, string | undefined>): { seconds: number; tasks: Task[]; out: string } {
  const t0 = Date.now();
  // The CI recipe as a user runs it: Nx's default plugin isolation (support/workspace.ts).
  const r = ws.nx([...args, '--outputStyle=static'], { ...NX_PLUGIN_ISOLATION, ...env });
  const seconds = (Date.now() - t0) / 1000;
  const out = `${r.stdout}\n${r.stderr}`;
  if (r.status !== 0) throw new Error(`nx ${args.join(' ')} failed (${r.status}) in ${ws.root}:\n${out.slice(-6000)}`);
  return { seconds, tasks: ws.lastRun().tasks, out };
}

const remoteEnv = (server: StartedServer, token: string) => ({
  NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url,
  NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token,
  NX_FASTLED_CACHE_WRITE_TOKEN: undefined,
  NX_FASTLED_CACHE_READ_TOKEN: undefined,
});

describe('nx-fastled-task identity', () => {
  let ws: TestWorkspace;
  beforeAll(() => {
    ws = makeWorkspace({ libraries: [LEDSTRIP], boards: BOARD_NAMES });
  });

  it('prints, per board, the identity the plugin hashes into its tasks', () => {
    const r = identityCli(['--board', BOARD_NAMES.join(',')], ws.root);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).toEqual(BOARD_NAMES);
    for (const line of lines) {
      const [board, identity] = line.split(' ');
      expect(identity).toMatch(/^[0-9a-f]{64}$/);
      expect(identity).toBe(pluginIdentity(ws, board));
    }
    // Independent of where the command runs from (a subfolder, or outside any workspace).
    const sub = identityCli(['--board', BOARD_NAMES.join(',')], path.join(ws.root, 'libraries/LedStrip'));
    expect(sub.stdout).toBe(r.stdout);
    const outside = identityCli(['--board', BOARD_NAMES.join(',')], fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-nows-')));
    expect(outside.stdout).toBe(r.stdout);
  });

  it('--json gives identity, file count, version and locations', () => {
    const r = identityCli(['--board', 'native', '--json'], ws.root);
    expect(r.status).toBe(0);
    const parsed = JSON.parse(r.stdout);
    expect(Object.keys(parsed)).toEqual(['native']);
    expect(parsed.native).toEqual({
      identity: pluginIdentity(ws, 'native'),
      files: expect.any(Number),
      version: expect.any(String),
      bin: expect.any(String),
      core: expect.any(String),
    });
    expect(parsed.native.files).toBeGreaterThan(0);
  });

  it('a missing toolchain prints the plugin message and exits 1; an unknown board likewise', () => {
    const env = { NX_FASTLED_UNO_PREFIX: '/nonexistent/avr' };
    const missing = BOARDS.uno.locate({
      env: { ...process.env, ...env },
      homeDir: process.env.HOME ?? '/root',
      pluginRoot: path.join(REPO_ROOT, 'packages/nx-fastled'),
    });
    expect(missing.ok).toBe(false);
    const r = identityCli(['--board', 'native,uno'], ws.root, env);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`${missingToolchainMessage(missing as Missing)}\n`);
    expect(r.stdout).toMatch(/^native [0-9a-f]{64}\n$/); // the boards that resolve are still printed

    const u = identityCli(['--board', 'esp99'], ws.root);
    expect(u.status).toBe(1);
    expect(u.stderr).toBe(`${unknownBoardMessage('esp99')}\n`);

    const usage = identityCli([], ws.root, { NX_FASTLED_BOARDS: undefined });
    expect(usage.status).toBe(1);
    expect(usage.stderr).toMatch(/^nx-fastled-task identity: no board given.*\nusage: nx-fastled-task identity --board/);
  });

  it("follows the plugin's toolchains option in nx.json", () => {
    const other = makeWorkspace({
      libraries: [],
      boards: ['native'],
      pluginOptions: { toolchains: { native: { prefix: 'no-such-prefix' } } },
    });
    const r = identityCli(['--board', 'native'], other.root);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(path.join(other.root, 'no-such-prefix'));
    // nx-fastled.json, merged over nx.json's entry, wins.
    other.write('nx-fastled.json', JSON.stringify({ toolchains: { native: { prefix: 'other-prefix' } } }));
    const r2 = identityCli(['--board', 'native'], other.root);
    expect(r2.status).toBe(1);
    expect(r2.stderr).toContain(path.join(other.root, 'other-prefix'));
  });
});

describe('CI cache recipe: store folder restored into a fresh clone, read-only pull requests', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-ci-'));
  const servers: StartedServer[] = [];
  const timings: Record<string, number> = {};
  const start = (opts: Parameters<typeof startServer>[0]) => {
    const s = startServer(opts);
    servers.push(s);
    return s;
  };
  let wsA: TestWorkspace;
  let taskCount = 0;
  let cacheableEntries: string[] = [];
  // Every clone runs the same nx-fastled, as CI runs of one commit do (the checkout may change meanwhile).
  let nodeModules = '';
  const clone = (parent: string) => useNodeModules(makeWorkspace({ libraries: [LEDSTRIP], boards: BOARD_NAMES, parent }), nodeModules);
  beforeAll(() => {
    nodeModules = freezePlugin(path.join(tmp, 'plugin'));
  });

  afterAll(() => {
    for (const s of servers) stopServer(s);
    console.log(`ci-recipe timings (s): ${JSON.stringify(timings)}; boards ${BOARD_NAMES.join(',')}; ${taskCount} tasks`);
    if (!process.env.NXF_KEEP_TMP) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('main build, first run: every task runs and lands in the server store', () => {
    const server = start({ store: path.join(tmp, 'runner1/store'), runDir: path.join(tmp, 'runner1/run'), writeToken: WRITE_TOKEN });
    expect(server.exportedToken).toBe(WRITE_TOKEN);
    wsA = clone(path.join(tmp, 'runner1/checkout'));
    const run = nxOk(wsA, ['run-many', '-t', 'build'], remoteEnv(server, server.exportedToken));
    timings.cold = run.seconds;
    taskCount = run.tasks.length;
    expect(statusCounts(run.tasks)).toEqual({ success: taskCount });
    expect(run.tasks.filter((t) => t.target === 'compile').length).toBeGreaterThan(20);
    // Every task is cacheable, so every task is one entry on the server.
    cacheableEntries = storeEntries(server.store);
    expect(cacheableEntries.length).toBe(taskCount);
    expect(filesUnder(path.join(wsA.root, 'dist'), /\.(hex|elf)$/).length).toBeGreaterThan(0);
    stopServer(server);
    expect(fs.existsSync(server.pidFile)).toBe(false);
  });

  it('main build on a fresh runner: only the store folder restored, empty local cache, every task a remote hit', () => {
    // What actions/cache does: the saved folder, byte for byte, at a new location on a new machine.
    const restored = path.join(tmp, 'runner2/store');
    fs.cpSync(path.join(tmp, 'runner1/store'), restored, { recursive: true });
    const server = start({ store: restored, runDir: path.join(tmp, 'runner2/run'), writeToken: WRITE_TOKEN });
    const wsB = clone(path.join(tmp, 'runner2/elsewhere/checkout'));
    expect(wsB.root).not.toBe(wsA.root);
    const localCache = path.join(tmp, 'runner2/elsewhere/checkout/nx-cache');
    expect(fs.existsSync(localCache)).toBe(false);

    const run = nxOk(wsB, ['run-many', '-t', 'build'], remoteEnv(server, server.exportedToken));
    timings.warmFromRemote = run.seconds;
    expect(run.tasks.length).toBe(taskCount);
    expect(statusCounts(run.tasks)).toEqual({ 'remote-cache': taskCount });
    expect(run.tasks.filter((t) => t.target === 'compile' && t.status === 'success')).toEqual([]);
    expect(storeEntries(restored)).toEqual(cacheableEntries); // hits are not uploaded again

    // The firmware is A's, byte for byte.
    const images = filesUnder(path.join(wsA.root, 'dist'), /\.(hex|elf)$/);
    expect(filesUnder(path.join(wsB.root, 'dist'), /\.(hex|elf)$/)).toEqual(images);
    for (const f of images) {
      expect(fs.readFileSync(path.join(wsB.root, 'dist', f)).equals(fs.readFileSync(path.join(wsA.root, 'dist', f)))).toBe(true);
    }
    if (HAS_AVR) expect(images).toContain('uno/ledstrip/examples/Blink/Blink.hex');
    stopServer(server);
  });

  it('pull request: read-only token, one sketch edited → only that sketch rebuilds and the store gains nothing', () => {
    const restored = path.join(tmp, 'runner3/store');
    fs.cpSync(path.join(tmp, 'runner1/store'), restored, { recursive: true });
    // As the workflow does on pull_request: the server knows a read token, and the job uses only that one
    // (`start` exports its write token, made up when none is given; the job overrides it).
    const server = start({ store: restored, runDir: path.join(tmp, 'runner3/run'), readToken: READ_TOKEN, logRequests: true });
    expect(server.exportedToken).not.toBe(READ_TOKEN);
    const before = storeEntries(restored);

    const wsC = clone(path.join(tmp, 'runner3/pr/checkout'));
    git(wsC.root, ['init', '-q', '-b', 'main']);
    git(wsC.root, ['add', '-A']);
    git(wsC.root, ['commit', '-q', '-m', 'base']);
    const sketch = 'libraries/LedStrip/examples/Blink/Blink.ino';
    const edited = wsC.read(sketch).replace('delay(500);', 'delay(250);');
    expect(edited).not.toBe(wsC.read(sketch));
    wsC.write(sketch, edited);
    git(wsC.root, ['commit', '-q', '-am', 'blink faster']);

    const run = nxOk(wsC, ['affected', '-t', 'build', '--base=HEAD~1', '--head=HEAD'], remoteEnv(server, READ_TOKEN));
    timings.pullRequest = run.seconds;
    const rebuilt = run.tasks
      .filter((t) => t.status === 'success')
      .map((t) => t.id)
      .sort();
    expect(rebuilt).toEqual(
      [
        'ledstrip/Blink:build',
        ...BOARD_NAMES.flatMap((b) => [`${b}/ledstrip/examples/Blink/Blink.ino:compile`, `${b}/ledstrip/examples/Blink:link`]),
      ].sort(),
    );
    // Everything else it needed (core, library) came from the server.
    const others = run.tasks.filter((t) => t.status !== 'success');
    expect(others.length).toBeGreaterThan(0);
    expect(new Set(others.map((t) => t.status))).toEqual(new Set(['remote-cache']));
    expect(run.tasks.filter((t) => t.target === 'build').map((t) => t.id)).toEqual(['ledstrip/Blink:build']);

    // The new outputs were offered to the server and refused (403, which Nx ignores): nothing was planted.
    expect(storeEntries(restored)).toEqual(before);
    stopServer(server);
    const log = fs.readFileSync(server.logFile, 'utf8');
    expect(log).toMatch(/PUT "\/v1\/cache\/[0-9]+" 403/);
    expect(log).not.toMatch(/PUT "\/v1\/cache\/[0-9]+" 200/);

    // The edit did reach the firmware.
    const blink = `${BOARD_NAMES[BOARD_NAMES.length - 1]}/ledstrip/examples/Blink/Blink.${HAS_AVR ? 'hex' : 'elf'}`;
    expect(fs.readFileSync(path.join(wsC.root, 'dist', blink)).equals(fs.readFileSync(path.join(wsA.root, 'dist', blink)))).toBe(false);
  });
});
