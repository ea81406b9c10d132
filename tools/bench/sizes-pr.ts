// Benchmark: a pull request's size comparison with a warm cache store, as the FastLED workflow's PR job runs it.
// main's CI builds the base commit with a write token (the store fills); a PR commit edits one header; the PR
// job runs on a "fresh runner" (a new clone, an empty local Nx cache, the store copied as actions/cache
// restores it, a read-only token): `nx run-many -t build` (the head), then `nx-fastled-task sizes --base
// <base>` (the base built again in a temporary worktree, from the cache). Figures: the whole PR job's time and
// its two parts, the base side's tasks, cache hits and compiler runs (0 when the cache works), and, as the
// baseline measured in the same run, main's cold build of the base commit: what arduino/compile-sketches pays
// for its base side on every pull request (it compiles the base again, with no cache).
//
//   nice -n 10 node -r @swc-node/register tools/bench/sizes-pr.ts [--library vendor/FastLED] [--board uno]
//        [--header src/fl/gfx/clear.h] [--out tools/bench/results/fastled-uno-sizes]
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { SizesComparison } from '../../packages/nx-fastled/src/report/sizes';
import { CACHE_SERVER_BIN, copyStore, parseExports, storeStats } from './cache-server';
import { COMPILER_TARGETS, HIT_STATUSES, RAN_STATUSES, round, runNx, NxRun } from './nx-run';
import { createWorkspace, nxEnv, REPO_ROOT, snapshotNodeModules } from './workspace';

const { values } = parseArgs({
  options: {
    library: { type: 'string', default: 'vendor/FastLED' },
    board: { type: 'string', default: 'uno' },
    header: { type: 'string', default: 'src/fl/gfx/clear.h' },
    out: { type: 'string', default: 'tools/bench/results/fastled-uno-sizes' },
  },
});

const log = (m: string) => process.stderr.write(`[sizes-pr ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...args], {
    cwd,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  }).trim();
}

interface Server {
  pidFile: string;
  env: Record<string, string>;
}

/** nx-fastled-cache on `store`; `readOnly`: the job gets the read token (a pull request's), else the write token. */
function start(store: string, runDir: string, label: string, readOnly: boolean): Server {
  fs.mkdirSync(runDir, { recursive: true });
  const pidFile = path.join(runDir, `${label}.pid`);
  const write = randomBytes(24).toString('hex');
  const read = randomBytes(24).toString('hex');
  const r = spawnSync(
    process.execPath,
    [CACHE_SERVER_BIN, 'start', '--store', store, '--pid-file', pidFile, '--log-file', path.join(runDir, `${label}.log`)],
    {
      env: { ...process.env, NX_FASTLED_CACHE_WRITE_TOKEN: write, NX_FASTLED_CACHE_READ_TOKEN: read },
      encoding: 'utf8',
      // A loaded machine starts Node slowly (20 s seen at a load of 45 on 2 cores).
      timeout: 300_000,
    },
  );
  if (r.status !== 0)
    throw new Error(`nx-fastled-cache start failed (${r.status ?? r.signal}): ${r.stderr}${r.error ? ` ${r.error.message}` : ''}`);
  const env = parseExports(r.stdout);
  if (readOnly) env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN = read;
  return { pidFile, env };
}

function stop(s: Server): void {
  execFileSync(process.execPath, [CACHE_SERVER_BIN, 'stop', '--pid-file', s.pidFile], { stdio: 'ignore', timeout: 300_000 });
}

function counts(run: NxRun) {
  return {
    exitCode: run.exitCode,
    wallSeconds: round(run.wallSeconds, 1),
    tasks: run.tasks.length,
    hits: run.tasks.filter((t) => HIT_STATUSES.has(t.status)).length,
    ran: run.tasks.filter((t) => RAN_STATUSES.has(t.status)).length,
    compilerRuns: run.tasks.filter((t) => RAN_STATUSES.has(t.status) && COMPILER_TARGETS.has(t.target)).length,
    loadAvg: run.loadAvg,
  };
}

function main(): void {
  const library = path.resolve(REPO_ROOT, values.library!);
  const board = values.board!;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nxf-bench-sizes-'));
  log(`working in ${root}`);
  const nodeModules = snapshotNodeModules(path.join(root, 'node_modules'));
  const store = path.join(root, 'store');
  const runDir = path.join(root, 'run');

  // main: the base commit, built cold with the write token.
  const mainWs = createWorkspace({ root: path.join(root, 'main'), library, board, cacheDir: path.join(root, 'cache-main'), nodeModules });
  git(mainWs.root, 'init', '-q', '-b', 'main');
  git(mainWs.root, 'add', '-A');
  git(mainWs.root, 'commit', '-qm', 'base');
  const baseSha = git(mainWs.root, 'rev-parse', 'HEAD');
  const server1 = start(store, runDir, 'main', false);
  log('main: cold build of the base commit');
  let mainRun: NxRun;
  try {
    mainRun = runNx(mainWs, 'main-cold', server1.env);
  } finally {
    stop(server1);
  }
  log(`main: ${mainRun.wallSeconds.toFixed(1)} s, exit ${mainRun.exitCode}`);

  // The pull request: one header edited (a code change, not a comment).
  const header = `vendor/${mainWs.libName}/${values.header}`;
  const before = fs.readFileSync(path.join(mainWs.root, header), 'utf8');
  const after = before.replace('for (int i = 0; i < N; ++i) {', 'for (int i = N - 1; i >= 0; --i) {');
  if (after === before) throw new Error(`${header}: the loop the benchmark edits is not there`);
  fs.writeFileSync(path.join(mainWs.root, header), after);
  git(mainWs.root, 'commit', '-qam', `edit ${header}`);

  // The PR job on a fresh runner: a clone, an empty local cache, the store restored, the read-only token.
  const prRoot = path.join(root, 'pr');
  git(root, 'clone', '-q', mainWs.root, prRoot);
  fs.symlinkSync(nodeModules, path.join(prRoot, 'node_modules'));
  const prWs = { ...mainWs, root: prRoot, cacheDir: path.join(root, 'cache-pr') };
  const prStore = path.join(root, 'store-pr');
  copyStore(store, prStore);
  const server2 = start(prStore, runDir, 'pr', true);
  let head: NxRun;
  let sizesSeconds: number;
  let sizesExit: number | null;
  const t0 = process.hrtime.bigint();
  try {
    log('PR job: head build');
    head = runNx(prWs, 'pr-head', server2.env);
    log(`PR job: head ${head.wallSeconds.toFixed(1)} s; sizes --base ${baseSha.slice(0, 10)}`);
    const s0 = process.hrtime.bigint();
    const r = spawnSync(path.join(REPO_ROOT, 'node_modules/.bin/nx-fastled-task'), ['sizes', '--base', baseSha], {
      cwd: prRoot,
      env: nxEnv(prWs, server2.env),
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    sizesSeconds = Number(process.hrtime.bigint() - s0) / 1e9;
    sizesExit = r.status;
    fs.writeFileSync(path.join(root, 'sizes.log'), `${r.stdout}\n${r.stderr}`);
  } finally {
    stop(server2);
  }
  const totalSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cmp: SizesComparison = JSON.parse(fs.readFileSync(path.join(prRoot, 'dist/sizes/sizes.json'), 'utf8'));
  const changed = cmp.report.entries.filter((e) => e.change && (e.change.flash !== 0 || e.change.ram !== 0));
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version },
    library: path.relative(REPO_ROOT, library),
    board,
    header,
    store: storeStats(store),
    mainCold: counts(mainRun),
    prJob: {
      totalSeconds: round(totalSeconds, 1),
      head: counts(head),
      sizes: { wallSeconds: round(sizesSeconds, 1), exitCode: sizesExit, base: cmp.base },
    },
    entries: cmp.report.entries.length,
    changed: changed.map((e) => ({ example: e.example, board: e.board, flash: e.change!.flash, ram: e.change!.ram })),
    /** The base side against compiling the base again (compile-sketches' way), both measured in this run. */
    baseSideVsColdBuild: round(sizesSeconds / mainRun.wallSeconds, 3),
  };
  const out = path.resolve(REPO_ROOT, values.out!);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.json`, `${JSON.stringify(result, null, 2)}\n`);
  const run = cmp.base.run!;
  const md = [
    `# ${result.library} ${board}: a pull request's size comparison, warm store`,
    '',
    `Measured ${result.date} on ${result.machine.cpus} cores (shared: 1-minute load ${result.mainCold.loadAvg.join('→')} during main's build, ` +
      `${result.prJob.head.loadAvg.join('→')} during the PR head build), Node ${result.machine.node}. Script: \`tools/bench/sizes-pr.ts\`.`,
    '',
    `main's CI built the base commit cold with a write token (store: ${result.store.entries} entries). A PR commit edits \`${header}\` (a code change). ` +
      'The PR job runs on a fresh clone with an empty local cache, the store restored and a read-only token.',
    '',
    '| step | seconds | tasks | cache hits | tasks run | compiler runs |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    `| main: cold build of the base (baseline: what compile-sketches pays for the base side) | ${result.mainCold.wallSeconds} | ${result.mainCold.tasks} | ${result.mainCold.hits} | ${result.mainCold.ran} | ${result.mainCold.compilerRuns} |`,
    `| PR job: head build (\`nx run-many -t build\`) | ${result.prJob.head.wallSeconds} | ${result.prJob.head.tasks} | ${result.prJob.head.hits} | ${result.prJob.head.ran} | ${result.prJob.head.compilerRuns} |`,
    `| PR job: \`nx-fastled-task sizes --base <base>\` (base from the cache, compare, write) | ${result.prJob.sizes.wallSeconds} | ${run.tasks} | ${run.hits} | ${run.ran} | **${run.compilerRuns}** |`,
    `| **PR job, whole** | **${result.prJob.totalSeconds}** | | | | |`,
    '',
    `The base side took ${result.baseSideVsColdBuild}× the time of building the base cold. ${result.entries} example entries compared; ` +
      `${result.changed.length} changed size${result.changed.length ? `: ${result.changed.map((c) => `${c.example} flash ${c.flash >= 0 ? '+' : ''}${c.flash} B, RAM ${c.ram >= 0 ? '+' : ''}${c.ram} B`).join('; ')}` : ''}.`,
    '',
  ].join('\n');
  fs.writeFileSync(`${out}.md`, md);
  process.stdout.write(md);
  fs.rmSync(root, { recursive: true, force: true });
}

main();
